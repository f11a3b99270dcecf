package deliver

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// BaseURLEnv is the environment variable naming the dashboard's address
// (https://mfaboard.contoso.com), for links in an alert; without it an
// alert gives paths.
const BaseURLEnv = "MFABOARD_BASE_URL"

// alertShown bounds the accounts an alert names; the rest are a link away.
const alertShown = 20

// ChangeAlertStore is what an alert after a sync reads and records;
// inventory/pg implements it.
type ChangeAlertStore interface {
	DeliverySettings(ctx context.Context, tenantID string) (inventory.DeliverySettings, error)
	RecordChangeAlert(ctx context.Context, tenantID string, runID int64, regressions int, o inventory.DeliveryOutcome) error
}

// AlertRegressions sends, the moment a sync is done, an alert naming the
// accounts that lost coverage with their causes and links, to the tenant's
// delivery mail and webhook (issue 13 §4), and puts it on the audit trail.
// It sends nothing, and reports false, when the sync found no regression,
// the tenant has nowhere to deliver to, or a lead switched alerts off.
func (s Sender) AlertRegressions(ctx context.Context, store ChangeAlertStore, out inventory.SyncOutcome, baseURL string) (inventory.DeliveryOutcome, bool, error) {
	var regressions []inventory.Change
	for _, c := range out.Result.Changes {
		if c.Regression() {
			regressions = append(regressions, c)
		}
	}
	if len(regressions) == 0 || out.Snapshot == nil {
		return inventory.DeliveryOutcome{}, false, nil
	}
	tenant := out.Snapshot.Tenant
	st, err := store.DeliverySettings(ctx, tenant.ID)
	if err != nil {
		return inventory.DeliveryOutcome{}, false, err
	}
	if !st.ChangeAlerts || (!st.Mail.Configured() && st.Webhook == "") {
		return inventory.DeliveryOutcome{}, false, nil
	}
	sum := alertSummary(tenant, out.RunID, regressions, strings.TrimRight(baseURL, "/"))
	o := s.send(ctx, st, sum, "the alert", "the alert", func() error {
		return SendMail(ctx, st.Mail, s.SMTPPassword, s.TLS, sum.Subject(), sum.Text())
	})
	if err := store.RecordChangeAlert(context.WithoutCancel(ctx), tenant.ID, out.RunID, len(regressions), o); err != nil {
		return o, true, err
	}
	return o, true, nil
}

// alertSummary words the alert: one line per account, its verdict's move,
// the causes and its link.
func alertSummary(t inventory.Tenant, runID int64, cs []inventory.Change, base string) readiness.Summary {
	name := t.DisplayName
	if name == "" {
		name = t.ID
	}
	tenantQuery := "?tenant=" + url.QueryEscape(t.ID)
	s := readiness.Summary{
		Title:    "MFA coverage lost in " + name,
		Headline: fmt.Sprintf("Sync %d found %d account(s) that lost MFA coverage since the last sync.", runID, len(cs)),
	}
	for i, c := range cs {
		if i == alertShown {
			s.Lines = append(s.Lines, fmt.Sprintf("… and %d more: %s/changes%s", len(cs)-alertShown, base, tenantQuery))
			break
		}
		from := "new account"
		if c.From != "" {
			from = c.From.Label()
		}
		s.Lines = append(s.Lines, fmt.Sprintf("%s: %s → %s: %s. %s/accounts/%s%s", c.UserPrincipalName, from, c.To.Label(),
			strings.Join(c.Causes, "; "), base, url.PathEscape(c.UserID), tenantQuery))
	}
	s.Lines = append(s.Lines, "Every change: "+base+"/changes"+tenantQuery)
	return s
}
