package views

import "time"

// The workflow board's display models (DOMAIN.md §4): the board, its cards,
// the account page's card panel and timeline, exceptions and the audit
// trail. Like models.go, they are display-ready: every permission has been
// decided by the web layer, so a control is in a model only when the viewer
// may use it.

// Notice is a sentence shown above a page or inside a card after an action:
// a refusal, a conflict, or what a bulk edit changed.
type Notice struct {
	Text string
	Tone string // "ok", "warn", "bad", "info"
}

// Hidden is a hidden form field: the filter a bulk edit applies to.
type Hidden struct {
	Name, Value string
}

// CardView is one card on the board, and the same card swapped in by htmx
// after an action.
type CardView struct {
	ID, UPN, DisplayName        string
	TenantID                    string
	Status, StatusLabel         string
	Category, CategoryLabel     string
	Path, PathLabel             string
	Compliance, ComplianceLabel string
	Markers                     []Badge
	AssigneeName                string
	Due                         time.Time
	Overdue                     bool
	DaysInColumn                int
	Version                     int64
	// Moves are the columns the viewer may move this card to (MovesFor);
	// empty means no move control at all. After a refusal the one chosen
	// is Selected, and Reason keeps what was typed.
	Moves     []Option
	Reason    string
	MaxReason int // the longest reason a move takes
	// StatusReason is why the card is in its column (what blocks a blocked
	// card).
	StatusReason string
	// Selectable shows the bulk-edit checkbox (security leads).
	Selectable bool
	// Back is where a plain form post returns to (the board with its filters).
	Back   string
	Notice Notice
}

// ColumnView is one column of the board (of one swimlane when lanes are on).
type ColumnView struct {
	Status, Label string
	Total         int
	Offset        int
	Cards         []CardView
	// MoreURL pages the column without JavaScript (the board with this
	// column's offset); MoreFragmentURL is the htmx request that appends
	// the next cards in place.
	MoreURL, MoreFragmentURL string
	// FirstURL goes back to the column's first cards when it is paged.
	FirstURL string
	Lane     string // the lane key, "" without lanes
	// Folded shows the column as its header and count only.
	Folded bool
}

// LaneView is one swimlane: a category or path and its columns.
type LaneView struct {
	Key, Label string
	Total      int
	Columns    []ColumnView
}

// BoardPage is GET /board.
type BoardPage struct {
	Page
	Query   string
	Filters []Filter
	Mine    bool
	Overdue bool
	Lane    string
	Lanes   []LaneView // with Lane set
	Columns []ColumnView
	Total   int
	Notice  Notice
	// Self is this board's URL with its filters: where actions return to.
	Self string
	// ResetURL clears every filter.
	ResetURL string
	Bulk     *BulkForm // nil unless the viewer is a security lead
}

// BulkForm is the security lead's bulk-edit form under the board's filters.
type BulkForm struct {
	Action   string
	TenantID string   // the tenant the board shows, which the edit changes
	Filter   []Hidden // the board's current filter, for "all N matching"
	Matching int
	Users    []Option
	Paths    []Option
	Moves    []Option
	Back     string
	// MaxReason is the longest reason a move takes.
	MaxReason int
}

// AccountWork is the account page's workflow part: the card, the actions
// the viewer may take, the exception and the timeline.
type AccountWork struct {
	ID, TenantID string
	HasCard      bool
	Status       string
	StatusLabel  string
	StatusReason string // why it is in its column (what blocks a blocked card)
	MaxReason    int    // the longest reason a move takes
	AssigneeName string
	Due          time.Time
	Overdue      bool
	Version      int64
	Notice       Notice
	Back         string
	// Actions: each nil or empty when the viewer may not take it.
	Moves        []Option
	AssignTo     []Option // security lead: everyone assignable
	CanSetDue    bool
	CanComment   bool
	CanRequest   bool
	CanDecide    bool
	DecideReason string // why the viewer may not decide, shown to leads
	Override     *OverrideForm
	Exception    *ExceptionView // the pending or granted exception
	Request      ExceptionForm  // the values typed in, kept on a refusal
	Timeline     []TimelineEntry
	TimelineMore bool
	AuditURL     string
}

// OverrideForm is the lead's control beside the automatic answer.
type OverrideForm struct {
	Categories []Option
	Paths      []Option
	Reason     string
}

// ExceptionForm is the request form's values.
type ExceptionForm struct {
	Justification, CompensatingControls string
	Expiry                              string // yyyy-mm-dd
	MinExpiry, MaxExpiry                string
}

// ExceptionView is one exception request as the account page and the
// exceptions page show it.
type ExceptionView struct {
	AccountID, UPN, DisplayName string
	Status, StatusLabel         string
	Justification               string
	CompensatingControls        string
	RequestedBy, DecidedBy      string
	RequestedAt, Expiry         time.Time
	DaysLeft                    int
}

// TimelineEntry is an audit event or a comment on the account's timeline.
type TimelineEntry struct {
	At        time.Time
	Actor     string
	Action    string // the raw action, for a class
	Summary   string // "moved the card from Planned to In progress"
	Reason    string
	Comment   string // the text, for comments
	IsComment bool
}

// ExceptionsPage is GET /exceptions.
type ExceptionsPage struct {
	Page
	Requests []ExceptionView
	Expiring []ExceptionView
	Granted  []ExceptionView
	Within   int // days
}

// AuditPage is GET /audit.
type AuditPage struct {
	Page
	Account, Actor, Action string
	From, To               string // yyyy-mm-dd
	Actors                 []Option
	Actions                []Option
	Events                 []AuditLine
	Total, Offset          int
	PrevURL, NextURL       string
	CSVURL                 string
}

// AuditLine is one row of the audit page.
type AuditLine struct {
	At                    time.Time
	Actor, ActorID        string
	AccountID, AccountUPN string
	Action, ActionLabel   string
	From, To, Reason      string
}
