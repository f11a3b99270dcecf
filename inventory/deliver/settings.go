// Package deliver sends the readiness report on a schedule: the PDF by
// e-mail over SMTP and a short summary to a Teams or Slack incoming webhook
// (issue 5). It holds the settings and the schedule, builds the messages
// from an inventory.Readiness and sends them; it reads no database: the
// store behind RunDue is an interface, implemented by inventory/pg.
//
// Two things here are secrets. The SMTP password is never stored
// (DOMAIN.md §5): it comes from the environment (PasswordEnv) each time. An
// incoming webhook URL carries its own secret in its path: it is stored,
// but never logged, never put in an error, and shown only by its host.
package deliver

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// PasswordEnv is the environment variable the SMTP password is read from.
const PasswordEnv = "MFABOARD_SMTP_PASSWORD"

// MaxRecipients bounds the e-mail's To list: the report goes to a few
// managers, not a distribution of hundreds.
const MaxRecipients = 50

// Settings are a tenant's delivery settings, with the outcome of the last
// delivery.
type Settings struct {
	TenantID string
	Enabled  bool
	Schedule Schedule
	Mail     Mail   // Host "" sends no e-mail
	Webhook  string // the incoming webhook URL; "" posts nothing
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

// Mail is where and how the PDF is e-mailed. The password is not here.
type Mail struct {
	Host     string
	Port     int
	From     string
	To       []string
	Username string // "" sends without authenticating (an internal relay)
}

// Configured reports whether an e-mail is to be sent.
func (m Mail) Configured() bool { return m.Host != "" }

// WebhookHost is the host of the webhook URL: all a page shows of it.
func (s Settings) WebhookHost() string {
	u, err := url.Parse(s.Webhook)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// WebhookService names the chat service the webhook posts to: "Teams" or
// "Slack" (which also stands for the Slack-compatible ones).
func (s Settings) WebhookService() string { return webhookKind(s.Webhook).label() }

// Validate checks the settings and says in one sentence what is wrong. It
// is the one place they are checked: the web form and the store both call
// it, so nothing a person can send reaches the database's own checks.
func (s Settings) Validate() error {
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
		if err := s.Mail.validate(); err != nil {
			return err
		}
	}
	if s.Webhook != "" {
		if _, err := webhookURL(s.Webhook); err != nil {
			return err
		}
	}
	return nil
}

func (m Mail) validate() error {
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
		return invalid("The %s %q is not an e-mail address such as reports@contoso.com.", what, clip(s))
	}
	return nil
}

// webhookURL accepts an https URL, or http to this machine (a relay or a
// test endpoint). The error never quotes the URL: its path is its secret.
func webhookURL(raw string) (*url.URL, error) {
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
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

func invalid(format string, args ...any) error {
	return inventory.Errorf(inventory.EINVALID, format, args...)
}

// Describe says in words where the report goes: "e-mail to 2 recipient(s)
// through smtp.office365.com and a post to Teams (contoso.webhook.office.com)".
func (s Settings) Describe() string {
	var parts []string
	if s.Mail.Configured() {
		parts = append(parts, fmt.Sprintf("e-mail to %d recipient(s) through %s", len(s.Mail.To), s.Mail.Host))
	}
	if s.Webhook != "" {
		parts = append(parts, "a post to "+webhookKind(s.Webhook).label()+" ("+s.WebhookHost()+")")
	}
	if len(parts) == 0 {
		return "nowhere"
	}
	return strings.Join(parts, " and ")
}
