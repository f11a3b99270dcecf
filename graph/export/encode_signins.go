package export

import (
	"encoding/json"
	"fmt"
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
// them folds back to the same counts and bounds.
func (e *encoder) signIns() []json.RawMessage {
	items := []json.RawMessage{}
	n := 0
	for _, account := range sortedKeys(e.s.SignIns) {
		var name, upn string
		if u := e.users[account]; u != nil {
			name, upn = u.DisplayName, u.UserPrincipalName
		}
		for _, f := range e.s.SignIns[account] {
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
				items = append(items, marshal(ev))
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
