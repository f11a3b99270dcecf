package export

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// failedSignInCode is the error code written for a fold of failed sign-ins:
// 50126, "invalid username or password", the commonest failure.
const failedSignInCode = 50126

// outSignIn keeps the field order of a beta /auditLogs/signIns event.
type outSignIn struct {
	ID                        string         `json:"id"`
	CreatedDateTime           string         `json:"createdDateTime"`
	UserDisplayName           string         `json:"userDisplayName"`
	UserPrincipalName         string         `json:"userPrincipalName"`
	UserID                    string         `json:"userId"`
	AppID                     string         `json:"appId"`
	AppDisplayName            string         `json:"appDisplayName"`
	ResourceID                string         `json:"resourceId,omitempty"`
	ResourceDisplayName       string         `json:"resourceDisplayName,omitempty"`
	ClientAppUsed             string         `json:"clientAppUsed"`
	IsInteractive             bool           `json:"isInteractive"`
	SignInEventTypes          []string       `json:"signInEventTypes"`
	AuthenticationRequirement string         `json:"authenticationRequirement"`
	ConditionalAccessStatus   string         `json:"conditionalAccessStatus"`
	Status                    outStatus      `json:"status"`
	Location                  map[string]any `json:"location"`
}

type outStatus struct {
	ErrorCode         int     `json:"errorCode"`
	FailureReason     *string `json:"failureReason"`
	AdditionalDetails *string `json:"additionalDetails"`
}

// signIns unfolds every fold into Count events, accounts in id order and
// folds in their order, with times spread from First to Last, so decoding
// them folds back to the same counts and bounds. A fold's Partner Center
// sign-ins (encode_partner.go) come first, as events naming Partner Center.
func (e *encoder) signIns() []json.RawMessage {
	items := []json.RawMessage{}
	n := 0
	emit := func(account string, f inventory.SignInFold, pc *inventory.PartnerSignIn) {
		var name, upn string
		if u := e.users[account]; u != nil {
			name, upn = u.DisplayName, u.UserPrincipalName
		}
		for _, at := range spread(f) {
			n++
			ev := outSignIn{
				ID:                        fmt.Sprintf("00000000-0000-4000-8000-%012x", n),
				CreatedDateTime:           at.UTC().Format(time.RFC3339Nano),
				UserDisplayName:           name,
				UserPrincipalName:         upn,
				UserID:                    account,
				AppDisplayName:            f.App,
				ClientAppUsed:             f.ClientAppUsed,
				IsInteractive:             f.Interactive,
				SignInEventTypes:          []string{"nonInteractiveUser"},
				AuthenticationRequirement: f.Requirement,
				ConditionalAccessStatus:   "notApplied",
				Location:                  map[string]any{"city": nil, "countryOrRegion": nil},
			}
			if f.Interactive {
				ev.SignInEventTypes = []string{"interactiveUser"}
			}
			if !f.Success {
				reason := "Invalid username or password or Invalid on-premise username or password."
				ev.Status = outStatus{ErrorCode: failedSignInCode, FailureReason: &reason}
			}
			partnerEvent(&ev, pc)
			items = append(items, marshal(ev))
		}
	}
	for _, account := range slices.Sorted(maps.Keys(e.s.SignIns)) {
		pending := slices.Clone(e.s.PartnerSignIns[account])
		for _, f := range e.s.SignIns[account] {
			pending = takePartner(pending, &f, func(p *inventory.PartnerSignIn) { emit(account, partnerFold(p), p) })
			emit(account, f, nil)
		}
		for i := range pending {
			emit(account, partnerFold(&pending[i]), &pending[i])
		}
	}
	for _, account := range slices.Sorted(maps.Keys(e.s.PartnerSignIns)) {
		if _, done := e.s.SignIns[account]; !done {
			for i := range e.s.PartnerSignIns[account] {
				p := &e.s.PartnerSignIns[account][i]
				emit(account, partnerFold(p), p)
			}
		}
	}
	return items
}

// spread returns Count times from First to Last (both included when Count
// is 2 or more). A fold without times is placed at the start of its day.
func spread(f inventory.SignInFold) []time.Time {
	if f.Count <= 0 {
		return nil
	}
	first, last := f.First, f.Last
	if first.IsZero() {
		first = f.Day
	}
	if last.Before(first) {
		last = first
	}
	times := make([]time.Time, f.Count)
	times[0] = first
	if f.Count == 1 {
		return times
	}
	step := last.Sub(first) / time.Duration(f.Count-1)
	for i := 1; i < f.Count-1; i++ {
		times[i] = first.Add(step * time.Duration(i))
	}
	times[f.Count-1] = last
	return times
}
