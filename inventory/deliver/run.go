package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/report"
)

// Sender delivers reports. The zero value works: system TLS roots, a
// webhook client with a timeout, and no SMTP password.
type Sender struct {
	// SMTPPassword is the password for Mail.Username, read from PasswordEnv
	// by the caller at the time of sending; never stored.
	SMTPPassword string
	HTTP         *http.Client // nil: a client with webhookTimeout
	TLS          *tls.Config  // nil: system roots
}

// Outcome is what one delivery did, in sentences without secrets.
type Outcome struct {
	Sent   []string // "e-mailed the PDF to 2 recipient(s)", "posted to Slack (hooks.slack.com)"
	Failed []string // "e-mail: SMTP recipient x refused: …"
}

// OK reports whether everything configured was delivered.
func (o Outcome) OK() bool { return len(o.Failed) == 0 && len(o.Sent) > 0 }

// String is the outcome in one line, for the page and the log.
func (o Outcome) String() string {
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

// Deliver sends the readiness report r as st says: the PDF with the summary
// by e-mail, the summary to the webhook. Both are attempted, whatever
// happens to the other.
func (s Sender) Deliver(ctx context.Context, st Settings, r *inventory.Readiness) Outcome {
	var o Outcome
	sum := Summarise(r)
	if st.Mail.Configured() {
		if err := s.mail(ctx, st, r, sum); err != nil {
			o.Failed = append(o.Failed, "e-mail: "+sentence(err))
		} else {
			o.Sent = append(o.Sent, fmt.Sprintf("e-mailed the PDF to %d recipient(s)", len(st.Mail.To)))
		}
	}
	if st.Webhook != "" {
		kind := webhookKind(st.Webhook).label()
		if err := PostWebhook(ctx, s.HTTP, st.Webhook, sum); err != nil {
			o.Failed = append(o.Failed, kind+" webhook: "+sentence(err))
		} else {
			o.Sent = append(o.Sent, fmt.Sprintf("posted the summary to %s (%s)", kind, st.WebhookHost()))
		}
	}
	return o
}

func (s Sender) mail(ctx context.Context, st Settings, r *inventory.Readiness, sum Summary) error {
	var pdf bytes.Buffer
	if err := report.WritePDF(&pdf, *r); err != nil {
		return err
	}
	name := "mfaboard-readiness-" + r.GeneratedAt.UTC().Format("2006-01-02") + ".pdf"
	body := sum.Text() + "\nThe readiness report is attached as a PDF.\n"
	return SendMail(ctx, st.Mail, s.SMTPPassword, s.TLS, sum.Subject(), body,
		Attachment{Name: name, ContentType: "application/pdf", Data: pdf.Bytes()})
}

// sentence is an error as people read it: a domain error's own sentence,
// or the wrapped chain.
func sentence(err error) string {
	if inventory.ErrorCode(err) != inventory.EINTERNAL {
		return inventory.ErrorMessage(err)
	}
	return err.Error()
}

// Store is what scheduled delivery reads and records; inventory/pg
// implements it.
type Store interface {
	// EnabledDeliveries returns the settings of every tenant with
	// delivery turned on.
	EnabledDeliveries(ctx context.Context) ([]Settings, error)
	// ClaimDelivery marks the scheduled moment due as taken for a tenant
	// and reports whether this caller took it: of several replicas
	// checking at once, exactly one sends.
	ClaimDelivery(ctx context.Context, tenantID string, due time.Time) (bool, error)
	Readiness(ctx context.Context, tenantID string, now time.Time) (*inventory.Readiness, error)
	RecordDelivery(ctx context.Context, tenantID string, at time.Time, o Outcome) error
}

// RunDue delivers every report that is due at now and returns what was
// done per tenant. A failure for one tenant does not stop the others; it is
// recorded on the tenant's settings and returned joined with the rest.
func (s Sender) RunDue(ctx context.Context, store Store, now time.Time) (map[string]Outcome, error) {
	all, err := store.EnabledDeliveries(ctx)
	if err != nil {
		return nil, err
	}
	done := map[string]Outcome{}
	var errs []error
	for _, st := range all {
		due, ok := st.Schedule.Due(st.Anchor(), now)
		if !ok {
			continue
		}
		took, err := store.ClaimDelivery(ctx, st.TenantID, due)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !took {
			continue // another replica has it
		}
		r, err := store.Readiness(ctx, st.TenantID, now)
		var o Outcome
		if err != nil {
			o.Failed = []string{"the readiness report could not be built: " + sentence(err)}
		} else {
			o = s.Deliver(ctx, st, r)
		}
		done[st.TenantID] = o
		if err := store.RecordDelivery(context.WithoutCancel(ctx), st.TenantID, now, o); err != nil {
			errs = append(errs, err)
		}
		if !o.OK() {
			errs = append(errs, fmt.Errorf("deliver the report of %s: %s", st.TenantID, o))
		}
	}
	return done, errors.Join(errs...)
}

// Anchor is the moment the schedule counts from: the last delivery, or the
// last save of the settings, whichever is later.
func (st Settings) Anchor() time.Time {
	if st.LastDue.After(st.UpdatedAt) {
		return st.LastDue
	}
	return st.UpdatedAt
}
