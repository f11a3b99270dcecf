// Package views renders mfaboard's pages with templ. Components take the
// display-ready models below; they hold no logic beyond choosing markup.
package views

import "time"

// Page is what every page's frame needs.
type Page struct {
	Title      string
	Nav        string // "accounts", "runs", ...
	TenantName string
	TenantID   string
	TenantKind string
	LastSync   time.Time
	// User is the signed-in person's name ("" when nobody is signed in)
	// and Role their role's value (security_lead, engineer, management):
	// the header shows them with a sign-out button.
	User string
	Role string
	// Tenants are the tenants to switch between; the header shows the
	// switcher only when there are two or more. Here is the path the
	// switcher comes back to.
	Tenants []TenantOption
	Here    string
	// Banner, when set, is shown on top of every page: the last sync
	// failed or is stale. OpenRequests is the count of exception requests
	// waiting for a decision, shown to leads in the nav.
	Banner       *Banner
	OpenRequests int
}

// Banner is a sentence every page shows until its cause is gone.
type Banner struct {
	Text, Tone string // tone: "bad", "warn"
	// Action is a link the viewer may follow about it ("" for none).
	ActionText, ActionHref string
}

// RoleLabel is the signed-in person's role in words.
func (p Page) RoleLabel() string {
	switch p.Role {
	case "security_lead":
		return "Security lead"
	case "engineer":
		return "Engineer"
	case "management":
		return "Management"
	}
	return ""
}

// Option is one choice of a filter select.
type Option struct {
	Value, Label string
	Count        int
	Selected     bool
}

// Filter is one select of the filter bar.
type Filter struct {
	Name, Label string
	Options     []Option
}

// AccountsList is the account list page.
type AccountsList struct {
	Page
	Query          string
	Filters        []Filter
	IncludeRemoved bool
	Rows           []AccountRow
	Total          int
	TotalCapped    bool // Total is where counting stopped: "10,000+"
	Offset, Limit  int
	// Summary tiles: compliance value → count over the whole tenant.
	Tiles   []Tile
	PrevURL string // "" when on the first page
	NextURL string // "" when on the last page
	Ready   bool
}

// Tile is one headline figure.
type Tile struct {
	Label, Value, Tone, Href string
}

// AccountRow is one line of the account list.
type AccountRow struct {
	ID, UPN, DisplayName        string
	Category, CategoryLabel     string
	Path, PathLabel             string
	Compliance, ComplianceLabel string
	Markers                     []Badge
	EnforcedBy                  string
	LastSignIn                  time.Time
	Reason                      string
	Removed                     bool
	Enabled                     bool
}

// Badge is a small labelled marker.
type Badge struct {
	Value, Label, Title string
}

// AccountDetail is the account page.
type AccountDetail struct {
	Page
	ID, UPN, DisplayName, Mail, UserType    string
	Enabled, Removed                        bool
	RemovedAt                               time.Time
	JobTitle, Department                    string
	Created                                 time.Time
	Category, CategoryLabel, CategoryReason string
	AutoCategoryLabel                       string
	CategoryOverride                        bool
	Path, PathLabel, PathReason             string
	PathHelp                                string
	AutoPathLabel                           string
	PathOverride                            bool
	OverrideAuthor, OverrideReason          string
	OverrideAt                              time.Time
	Compliance, ComplianceLabel             string
	EnforcedBy                              []string
	RiskBased                               bool
	Reasons                                 []string
	Markers                                 []Badge
	Dated                                   []DatedFact
	// Facts.
	MFARegistered      string // "yes", "no", "no registration details"
	Methods            []string
	DefaultMethod      string
	PerUserMFA         string
	PerUserMFANotRead  string // why the sync did not ask for the state, "" when it did
	LastSignIn         time.Time
	LastNonInteractive time.Time
	Licenses           []string
	Groups             []string
	Roles              []string
	SignIns            []SignInLine
	OnPremSync         bool
	WhatIf             WhatIfPanel // Microsoft's second opinion (whatif.templ)
}

// DatedFact is one of Microsoft's dated changes shown beside an account.
type DatedFact struct {
	Date   time.Time
	Text   string
	Source string
}

// SignInLine is one folded sign-in line.
type SignInLine struct {
	Day                                        time.Time
	App, ClientApp                             string
	Interactive, SingleFactor, Success, Legacy bool
	Count                                      int
}

// Runs is the sync history page.
type Runs struct {
	Page
	Runs []Run
}

// Run is one sync run.
type Run struct {
	ID         int64
	Source     string
	Status     string
	Started    time.Time
	Finished   time.Time
	Duration   string
	Counts     []Count
	Warnings   []string
	Error      string
	TenantName string
}

// Count is a labelled number.
type Count struct {
	Label string
	N     int
}

// ErrorPage is shown for 4xx/5xx answers to a browser.
type ErrorPage struct {
	Page
	Status  int
	Heading string
	Message string
}
