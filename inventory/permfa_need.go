package inventory

// PerUserMFASkips says which accounts' per-user MFA states cannot change
// their verdicts, so a sync need not ask Graph for them (one $batch step
// each): by user id, the reason in words ("CA001 enforces MFA"), which the
// account page shows as "not read: CA001 enforces MFA". An account not in
// the map must be read.
//
// It applies the verdict's own rules (DOMAIN.md §3) to the snapshot's
// users, groups, roles, policies and security defaults, which must be
// complete; registrations, sign-ins and per-user states are not looked at.
// A state is not needed when
//   - the account is disabled: its verdict is not_applicable whatever the
//     state;
//   - security defaults are on and the account is not the Entra Connect
//     sync account (which they exclude by design);
//   - an enabled policy covers it with a plain MFA grant. A policy that
//     enforces only an authentication strength does not count here: a
//     per-user state that enforces MFA would spare the account the
//     strength's "cannot meet" reason, so it can change the verdict.
//
// With any of these the account is enforced with or without a per-user
// state, and whether it is at_risk depends on its registration and its
// sign-ins alone, so its compliance is the same whatever the state says.
func PerUserMFASkips(s *Snapshot) map[string]string {
	skips := map[string]string{}
	if s == nil {
		return skips
	}
	r := newRun(s, Inputs{})
	sdOn := s.SecurityDefaults != nil && *s.SecurityDefaults
	var none evidence
	for i := range s.Users {
		u := &s.Users[i]
		if !u.AccountEnabled {
			skips[u.ID] = "the account is disabled"
			continue
		}
		acc := r.dir.Account(*u)
		if sdOn {
			m := r.markers(u, &acc, nil, wordsOf(u), &none)
			if !m.has(DirectorySync) {
				skips[u.ID] = "security defaults enforce MFA"
				continue
			}
		}
		for _, rule := range r.rules {
			if c := rule.cover(&acc, false); c.Covers && c.AuthStrength == nil {
				skips[u.ID] = c.Policy + " enforces MFA"
				break
			}
		}
	}
	return skips
}
