package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// WhatIfStore is what asking Microsoft needs of the store.
type WhatIfStore interface {
	LoadSnapshot(ctx context.Context, tenantID string) (*Snapshot, error)
	// Verdict is the account's stored verdict and what enforced MFA.
	Verdict(ctx context.Context, tenantID, accountID string) (Compliance, []string, error)
	SaveWhatIf(ctx context.Context, actor Actor, c WhatIfCheck) error
}

// WhatIfAsker asks Microsoft about the accounts of one tenant, against the
// synced policies, read once however many accounts are asked about. The
// web's button, `mfaboard whatif` and its --all all ask through it.
type WhatIfAsker struct {
	store    WhatIfStore
	ev       WhatIfEvaluator
	tenantID string
	snap     *Snapshot
	dir      *Directory
	// Now stamps each answer; time.Now when nil.
	Now func() time.Time
}

// NewWhatIfAsker reads the tenant's synced snapshot. actor is checked
// first, so a person who may not ask costs no read.
func NewWhatIfAsker(ctx context.Context, store WhatIfStore, ev WhatIfEvaluator, actor Actor, tenantID string) (*WhatIfAsker, error) {
	if err := CanAskMicrosoft(actor); err != nil {
		return nil, err
	}
	snap, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return &WhatIfAsker{store: store, ev: ev, tenantID: tenantID, snap: snap, dir: NewDirectory(snap)}, nil
}

// Ask evaluates one account with Microsoft, compares, and keeps the answer
// with its time and an audit event (the store checks actor again, in the
// transaction that writes).
func (w *WhatIfAsker) Ask(ctx context.Context, actor Actor, accountID string) (WhatIfCheck, error) {
	if err := CanAskMicrosoft(actor); err != nil {
		return WhatIfCheck{}, err
	}
	u, ok := w.snap.FindUser(accountID)
	if !ok {
		return WhatIfCheck{}, Errorf(ENOTFOUND, "Account %s is not in the tenant's last sync.", accountID)
	}
	verdict, enforcedBy, err := w.store.Verdict(ctx, w.tenantID, u.ID)
	if err != nil {
		return WhatIfCheck{}, err
	}
	answer, err := w.ev.EvaluateSignIn(ctx, u.ID)
	if err != nil {
		return WhatIfCheck{}, fmt.Errorf("ask Microsoft about %s: %w", u.UserPrincipalName, err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	c := WhatIfCheck{
		TenantID: w.tenantID, AccountID: u.ID, UPN: u.UserPrincipalName, At: now().UTC(),
		Verdict: verdict, EnforcedBy: enforcedBy, Policies: answer,
		Disagreements: CompareWhatIf(w.snap, w.dir, u, answer),
	}
	if err := w.store.SaveWhatIf(ctx, actor, c); err != nil {
		return WhatIfCheck{}, err
	}
	return c, nil
}

// AccountByUPN finds an account of the synced tenant by its UPN, without
// regard to case.
func (w *WhatIfAsker) AccountByUPN(upn string) (User, bool) {
	for _, u := range w.snap.Users {
		if strings.EqualFold(u.UserPrincipalName, upn) {
			return u, true
		}
	}
	return User{}, false
}
