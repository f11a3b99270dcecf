package inventory

import (
	"testing"
	"time"
)

func TestDatedFactsTable(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		DatedSMSVoiceRetired:  "2027-02-01",
		DatedPartnerCenterMFA: "2026-04-01",
		DatedEWSRetirement:    "2027-04-01",
		DatedEntraConnectApp:  "2026-09-30",
		DatedCSPAuthorization: "2025-10-01",
	}
	for key, f := range DatedFacts {
		if f.Key != key || f.Text == "" || f.Source == "" || f.Date.IsZero() {
			t.Errorf("%s: incomplete fact %+v", key, f)
		}
		if d, ok := want[key]; ok && f.Date.Format(time.DateOnly) != d {
			t.Errorf("%s: date %s, want %s", key, f.Date.Format(time.DateOnly), d)
		}
	}
	for key := range want {
		if _, ok := DatedFacts[key]; !ok {
			t.Errorf("missing fact %s", key)
		}
	}
}
