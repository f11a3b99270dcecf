// Package deliver sends the readiness report on a schedule: the PDF by
// e-mail over SMTP and a short summary to a Teams or Slack incoming webhook
// (issue 5). It is an outbound adapter: the settings, their checks and the
// schedule are the domain's (inventory.DeliverySettings), the words are the
// readiness report's (views/readiness), and the store behind RunDue is
// inventory.DeliveryStore, implemented by inventory/pg.
//
// The SMTP password is never stored (DOMAIN.md §5): the caller reads it
// from PasswordEnv at the time of sending. A webhook URL's path is its
// secret: no error or outcome here quotes it.
package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
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

// Deliver sends the readiness report r as st says: the PDF with the summary
// by e-mail, the summary to the webhook. Both are attempted, whatever
// happens to the other.
func (s Sender) Deliver(ctx context.Context, st inventory.DeliverySettings, r *inventory.Readiness) inventory.DeliveryOutcome {
	sum := readiness.New(*r).Summary()
	return s.send(ctx, st, sum, "the PDF", "the summary", func() error { return s.mail(ctx, st, r, sum) })
}

// send e-mails with mail, when st has an SMTP server, and posts sum to
// st's webhook, when it has one, and says what was done: mailed and posted
// name what went ("the PDF", "the summary"). Both are attempted, whatever
// happens to the other.
func (s Sender) send(ctx context.Context, st inventory.DeliverySettings, sum readiness.Summary, mailed, posted string, mail func() error) inventory.DeliveryOutcome {
	var o inventory.DeliveryOutcome
	if st.Mail.Configured() {
		if err := mail(); err != nil {
			o.Failed = append(o.Failed, "e-mail: "+sentence(err))
		} else {
			o.Sent = append(o.Sent, fmt.Sprintf("e-mailed %s to %d recipient(s)", mailed, len(st.Mail.To)))
		}
	}
	if st.Webhook != "" {
		kind := st.WebhookService()
		if err := PostWebhook(ctx, s.HTTP, st.Webhook, sum); err != nil {
			o.Failed = append(o.Failed, kind+" webhook: "+sentence(err))
		} else {
			o.Sent = append(o.Sent, fmt.Sprintf("posted %s to %s (%s)", posted, kind, st.WebhookHost()))
		}
	}
	return o
}

func (s Sender) mail(ctx context.Context, st inventory.DeliverySettings, r *inventory.Readiness, sum readiness.Summary) error {
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

// RunDue delivers every report that is due at now and returns what was
// done per tenant. A failure for one tenant does not stop the others; it is
// recorded on the tenant's settings and returned joined with the rest.
func (s Sender) RunDue(ctx context.Context, store inventory.DeliveryStore, now time.Time) (map[string]inventory.DeliveryOutcome, error) {
	all, err := store.EnabledDeliveries(ctx)
	if err != nil {
		return nil, err
	}
	done := map[string]inventory.DeliveryOutcome{}
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
		var o inventory.DeliveryOutcome
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
