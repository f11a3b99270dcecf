package export

import (
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// wireSignIn is the part of a beta /auditLogs/signIns event the rules use.
// Events carry much more (device, location, applied policies); it is read
// past, and no event is kept once folded.
type wireSignIn struct {
	UserID                    string    `json:"userId" required:"the event cannot be tied to an account"`
	CreatedDateTime           graphTime `json:"createdDateTime"`
	AppDisplayName            string    `json:"appDisplayName"`
	AppID                     string    `json:"appId"`
	ResourceID                string    `json:"resourceId"`
	ResourceDisplayName       string    `json:"resourceDisplayName"`
	ClientAppUsed             string    `json:"clientAppUsed"`
	IsInteractive             bool      `json:"isInteractive"`
	AuthenticationRequirement string    `json:"authenticationRequirement"`
	Status                    *struct {
		ErrorCode *int `json:"errorCode"`
	} `json:"status"`
}

func (d *Decoder) addSignIn(w wireSignIn) *fieldError {
	if err := w.CreatedDateTime.check("createdDateTime"); err != nil {
		return err
	}
	if w.CreatedDateTime.t.IsZero() {
		return badField("createdDateTime", "is missing: the event cannot be placed in the window")
	}
	// Without an error code, success is unknown; guessing either way would
	// invent evidence.
	if w.Status == nil || w.Status.ErrorCode == nil {
		return badField("status.errorCode", "is missing: whether the sign-in succeeded is not known")
	}
	at := w.CreatedDateTime.t
	d.folds.add(w.UserID, foldKey{
		day:         time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC),
		app:         d.intern(w.AppDisplayName),
		client:      d.intern(w.ClientAppUsed),
		interactive: w.IsInteractive,
		requirement: d.intern(w.AuthenticationRequirement),
		success:     *w.Status.ErrorCode == 0,
	}, at)
	if portal, ok := inventory.PartnerSurface(w.AppID, w.AppDisplayName, w.ResourceID, w.ResourceDisplayName); ok {
		d.addPartner(w.UserID, partnerKey{day: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC),
			appID: d.intern(w.AppID), app: d.intern(w.AppDisplayName), client: d.intern(w.ClientAppUsed), portal: portal,
			interactive: w.IsInteractive, requirement: d.intern(w.AuthenticationRequirement), code: *w.Status.ErrorCode}, at)
	}
	return nil
}

// foldKey is what events of one account must share to fold together.
type foldKey struct {
	day         time.Time
	app         string
	client      string
	interactive bool
	requirement string
	success     bool
}

// foldIndexFrom is the number of folds an account reaches before it gets a
// map from key to fold: most accounts have a handful of folds, found faster
// by a scan than by hashing, but an automation account can have thousands.
const foldIndexFrom = 16

// signInFolds folds events per account as they arrive.
type signInFolds struct {
	byAccount map[string][]inventory.SignInFold
	index     map[string]map[foldKey]int
}

func newSignInFolds() signInFolds {
	return signInFolds{
		byAccount: map[string][]inventory.SignInFold{},
		index:     map[string]map[foldKey]int{},
	}
}

func (f *signInFolds) add(account string, k foldKey, at time.Time) {
	folds := f.byAccount[account]
	i := f.find(account, folds, k)
	if i < 0 {
		folds = append(folds, inventory.SignInFold{
			Day: k.day, App: k.app, ClientAppUsed: k.client, Interactive: k.interactive,
			Requirement: k.requirement, Success: k.success, First: at, Last: at,
		})
		i = len(folds) - 1
		f.byAccount[account] = folds
		if idx := f.index[account]; idx != nil {
			idx[k] = i
		} else if len(folds) >= foldIndexFrom {
			idx = make(map[foldKey]int, len(folds))
			for j, fold := range folds {
				idx[keyOf(fold)] = j
			}
			f.index[account] = idx
		}
	}
	fold := &folds[i]
	fold.Count++
	widen(&fold.First, &fold.Last, at)
}

// widen stretches a fold's first and last times to take in at.
func widen(first, last *time.Time, at time.Time) {
	if at.Before(*first) {
		*first = at
	}
	if at.After(*last) {
		*last = at
	}
}

func (f *signInFolds) find(account string, folds []inventory.SignInFold, k foldKey) int {
	if idx := f.index[account]; idx != nil {
		if i, ok := idx[k]; ok {
			return i
		}
		return -1
	}
	// Events come newest first, so the fold they join is most often the
	// last one made.
	for i := len(folds) - 1; i >= 0; i-- {
		if keyOf(folds[i]) == k {
			return i
		}
	}
	return -1
}

func keyOf(f inventory.SignInFold) foldKey {
	return foldKey{
		day: f.Day, app: f.App, client: f.ClientAppUsed, interactive: f.Interactive,
		requirement: f.Requirement, success: f.Success,
	}
}
