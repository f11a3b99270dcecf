package inventory

import (
	"context"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Scheduled delivery of the readiness report (issue 5): where a tenant's
// report goes and when, the checks on those settings, and what the store
// behind a delivery run keeps. The sending (SMTP, webhooks) is an adapter's.
//
// Two things are secrets. The SMTP password is never stored (DOMAIN.md §5):
// the sender gets it from the environment each time. An incoming webhook URL
// carries its own secret in its path: it is stored, but never logged, never
// put in an error, and shown only by its host.

// MaxRecipients bounds the e-mail's To list: the report goes to a few
// managers, not a distribution of hundreds.
const MaxRecipients = 50

// DeliverySettings are a tenant's delivery settings, with the outcome of the
// last delivery.
type DeliverySettings struct {
	TenantID string
	Enabled  bool
	Schedule DeliverySchedule
	Mail     DeliveryMail // Host "" sends no e-mail
	Webhook  string       // the incoming webhook URL; "" posts nothing
	// ChangeAlerts sends an alert to the same mail and webhook the moment
	// a sync finds accounts that lost coverage, whatever the schedule
	// (issue 13 §4). On unless a lead switches it off.
	ChangeAlerts bool
	// UpdatedBy and UpdatedAt say who saved the settings last; a schedule
	// counts from that moment, so saving never sends a report that was due
	// before.
	UpdatedBy string
	UpdatedAt time.Time
	// LastDue is the scheduled moment last delivered (or attempted).
	LastDue     time.Time
	LastSent    time.Time
	LastOutcome string
	LastFailed  bool
}

// DeliveryMail is where and how the PDF is e-mailed. The password is not here.
type DeliveryMail struct {
	Host     string
	Port     int
	From     string
	To       []string
	Username string // "" sends without authenticating (an internal relay)
}

// Configured reports whether an e-mail is to be sent.
func (m DeliveryMail) Configured() bool { return m.Host != "" }

// WebhookHost is the host of the webhook URL: all a page shows of it.
func (s DeliverySettings) WebhookHost() string {
	u, err := url.Parse(s.Webhook)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// WebhookService names the chat service the webhook posts to: "Teams" or
// "Slack" (which also stands for the Slack-compatible ones).
func (s DeliverySettings) WebhookService() string { return WebhookKindOf(s.Webhook).Label() }

// Anchor is the moment the schedule counts from: the last delivery, or the
// last save of the settings, whichever is later.
func (s DeliverySettings) Anchor() time.Time {
	if s.LastDue.After(s.UpdatedAt) {
		return s.LastDue
	}
	return s.UpdatedAt
}

// Validate checks the settings and says in one sentence what is wrong. It
// is the one place they are checked: the web form and the store both call
// it, so nothing a person can send reaches the database's own checks.
func (s DeliverySettings) Validate() error {
	if s.Enabled && !s.Mail.Configured() && s.Webhook == "" {
		return invalid("Scheduled delivery needs somewhere to deliver: an SMTP server with recipients, or a webhook URL.")
	}
	if err := s.Schedule.Validate(); err != nil {
		return err
	}
	// The port is stored whether or not e-mail is sent (the table requires
	// one), so an empty or zero port is refused even without a server.
	if s.Mail.Port < 1 || s.Mail.Port > 65535 {
		return invalid("The SMTP port must be a number from 1 to 65535 (587 for STARTTLS, 465 for TLS).")
	}
	if !s.Mail.Configured() && (s.Mail.From != "" || len(s.Mail.To) > 0) {
		return invalid("The e-mail has recipients but no SMTP server: fill in the server, or clear the addresses.")
	}
	if s.Mail.Configured() {
		if err := s.Mail.Validate(); err != nil {
			return err
		}
	}
	if s.Webhook != "" {
		if _, err := WebhookURL(s.Webhook); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks where the e-mail goes: a host name, a bare sender and
// recipients (no display names, nothing that could carry a header line).
func (m DeliveryMail) Validate() error {
	if strings.ContainsAny(m.Host, " /:\r\n\t@") {
		return invalid("The SMTP host is a name or address only, such as smtp.office365.com, without a scheme or port.")
	}
	if err := address("sender", m.From); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return invalid("The report needs at least one recipient.")
	}
	if len(m.To) > MaxRecipients {
		return invalid("The report goes to at most %d recipients; use a distribution list for more.", MaxRecipients)
	}
	for _, to := range m.To {
		if err := address("recipient", to); err != nil {
			return err
		}
	}
	if strings.ContainsAny(m.Username, "\r\n") || len(m.Username) > 320 {
		return invalid("The SMTP user name is not valid.")
	}
	return nil
}

// address accepts a bare e-mail address: no display name, nothing that
// could carry a header line.
func address(what, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return invalid("The %s %q is not an e-mail address such as reports@contoso.com.", what, Clip(s))
	}
	return nil
}

// WebhookURL accepts an https URL, or http to this machine (a relay or a
// test endpoint). The error never quotes the URL: its path is its secret.
func WebhookURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil {
		return nil, invalid("The webhook URL is not a valid URL: copy it again from the Teams workflow or the Slack app.")
	}
	if u.Scheme == "https" || (u.Scheme == "http" && loopback(u.Hostname())) {
		return u, nil
	}
	return nil, invalid("The webhook URL must start with https:// (it carries a secret, which must not travel in clear text).")
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// WebhookKind is the chat service a webhook URL belongs to, which decides
// the message it takes.
type WebhookKind int

const (
	// WebhookText takes {"text": …}: Slack's incoming webhooks, and the
	// Slack-compatible endpoints of Mattermost, Rocket.Chat and others.
	WebhookText WebhookKind = iota
	// WebhookTeamsConnector is an Office 365 connector of a Teams channel
	// (…webhook.office.com), which takes a MessageCard.
	WebhookTeamsConnector
	// WebhookTeamsWorkflow is a Teams workflow ("Post to a channel when a
	// webhook request is received", on Power Automate: …logic.azure.com,
	// …powerplatform.com), which takes a message with an Adaptive Card.
	WebhookTeamsWorkflow
)

// Label names the service for people.
func (k WebhookKind) Label() string {
	switch k {
	case WebhookTeamsConnector, WebhookTeamsWorkflow:
		return "Teams"
	}
	return "Slack"
}

// WebhookKindOf tells the service by the URL's host.
func WebhookKindOf(raw string) WebhookKind {
	u, err := url.Parse(raw)
	if err != nil {
		return WebhookText
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "outlook.office.com" || host == "outlook.office365.com" || strings.HasSuffix(host, ".webhook.office.com"):
		return WebhookTeamsConnector
	case strings.HasSuffix(host, ".logic.azure.com") || strings.HasSuffix(host, ".powerplatform.com") ||
		strings.HasSuffix(host, ".logic.azure.us"):
		return WebhookTeamsWorkflow
	}
	return WebhookText
}

// Clip shortens text quoted back in a sentence to 60 characters.
func Clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

func invalid(format string, args ...any) error {
	return Errorf(EINVALID, format, args...)
}

// Describe says in words where the report goes: "e-mail to 2 recipient(s)
// through smtp.office365.com and a post to Teams (contoso.webhook.office.com)".
func (s DeliverySettings) Describe() string {
	var parts []string
	if s.Mail.Configured() {
		parts = append(parts, fmt.Sprintf("e-mail to %d recipient(s) through %s", len(s.Mail.To), s.Mail.Host))
	}
	if s.Webhook != "" {
		parts = append(parts, "a post to "+s.WebhookService()+" ("+s.WebhookHost()+")")
	}
	if len(parts) == 0 {
		return "nowhere"
	}
	return strings.Join(parts, " and ")
}

// DeliveryOutcome is what one delivery did, in sentences without secrets.
type DeliveryOutcome struct {
	Sent   []string // "e-mailed the PDF to 2 recipient(s)", "posted to Slack (hooks.slack.com)"
	Failed []string // "e-mail: SMTP recipient x refused: …"
}

// OK reports whether everything configured was delivered.
func (o DeliveryOutcome) OK() bool { return len(o.Failed) == 0 && len(o.Sent) > 0 }

// String is the outcome in one line, for the page and the log.
func (o DeliveryOutcome) String() string {
	parts := append(append([]string(nil), o.Sent...), o.Failed...)
	if len(o.Failed) > 0 && len(o.Sent) > 0 {
		return "Partly delivered: " + strings.Join(parts, "; ")
	}
	if len(o.Failed) > 0 {
		return "Not delivered: " + strings.Join(parts, "; ")
	}
	if len(o.Sent) == 0 {
		return "Nothing to deliver: no e-mail or webhook is set up"
	}
	return strings.Join(parts, "; ")
}

// DeliveryStore is what a run of scheduled delivery reads and records;
// inventory/pg implements it.
type DeliveryStore interface {
	// EnabledDeliveries returns the settings of every tenant with
	// delivery turned on.
	EnabledDeliveries(ctx context.Context) ([]DeliverySettings, error)
	// ClaimDelivery marks the scheduled moment due as taken for a tenant
	// and reports whether this caller took it: of several replicas
	// checking at once, exactly one sends.
	ClaimDelivery(ctx context.Context, tenantID string, due time.Time) (bool, error)
	Readiness(ctx context.Context, tenantID string, now time.Time) (*Readiness, error)
	RecordDelivery(ctx context.Context, tenantID string, at time.Time, o DeliveryOutcome) error
}
