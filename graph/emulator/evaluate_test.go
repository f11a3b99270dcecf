package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// The emulator's evaluate is a TEST DOUBLE of Microsoft's What-If engine:
// these cases pin the double's own rules (users, nested groups, roles,
// state, apps, client apps), so the end-to-end tests know what it answers.
// They say nothing about Microsoft's semantics.
func TestEvaluateDoubleRules(t *testing.T) {
	t.Parallel()
	f := export.Folder{}
	add := func(coll, raw string) { f[coll] = append(f[coll], json.RawMessage(raw)) }
	add(inventory.CollUsers, `{"id":"u1","userPrincipalName":"u1@x.example"}`)
	add(inventory.CollGroups, `{"id":"g-inner","displayName":"Inner","members":[{"@odata.type":"#microsoft.graph.user","id":"u1"}]}`)
	add(inventory.CollGroups, `{"id":"g-outer","displayName":"Outer","members":[{"@odata.type":"#microsoft.graph.group","id":"g-inner"}]}`)
	add(inventory.CollDirectoryRoles, `{"id":"r1","roleTemplateId":"t-ga","members":[{"@odata.type":"#microsoft.graph.user","id":"u1"}]}`)
	policy := func(id, state, users, extra string) {
		add(inventory.CollPolicies, `{"id":"`+id+`","displayName":"`+id+`","state":"`+state+`","conditions":{"users":`+users+`,"applications":{"includeApplications":["All"]}`+extra+`},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}`)
	}
	policy("nested", "enabled", `{"includeGroups":["g-outer"]}`, "")
	policy("role", "enabled", `{"includeRoles":["t-ga"]}`, "")
	policy("excluded", "enabled", `{"includeUsers":["All"],"excludeGroups":["g-outer"]}`, "")
	policy("off", "disabled", `{"includeUsers":["All"]}`, "")
	policy("eas", "enabled", `{"includeUsers":["All"]}`, `,"clientAppTypes":["exchangeActiveSync"]`)
	emu := emulator.New(f, emulator.Options{})
	defer emu.Close()

	body := `{"signInIdentity":{"@odata.type":"#microsoft.graph.userSignIn","userId":"u1"},"signInContext":{"@odata.type":"#microsoft.graph.applicationContext","includeApplications":["All"]},"signInConditions":{"clientAppType":"browser"},"appliedPoliciesOnly":false}`
	resp, err := http.Post(emu.URL+"/v1.0/identity/conditionalAccess/evaluate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Value []struct {
			ID       string `json:"id"`
			Applies  bool   `json:"policyApplies"`
			Analysis string `json:"analysisReasons"`
		} `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	want := map[string]string{"nested": "notSet", "role": "notSet", "excluded": "users", "off": "policyNotEnabled", "eas": "clientApps"}
	if len(got.Value) != len(want) {
		t.Fatalf("%d results, want %d", len(got.Value), len(want))
	}
	for _, v := range got.Value {
		if v.Analysis != want[v.ID] || v.Applies != (want[v.ID] == "notSet") {
			t.Errorf("%s: applies %v, reasons %q; want %q", v.ID, v.Applies, v.Analysis, want[v.ID])
		}
	}

	refused := emulator.New(f, emulator.Options{Forbidden: []string{emulator.ForbiddenEvaluate}})
	defer refused.Close()
	resp, err = http.Post(refused.URL+"/v1.0/identity/conditionalAccess/evaluate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forbidden evaluate answered %d", resp.StatusCode)
	}
}
