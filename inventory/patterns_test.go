package inventory

import "testing"

func TestMatchesPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, pattern string
		want          bool
	}{
		{"svc-backup", "svc", true},
		{"capital.apps", "api", false},
		{"capital.apps", "apps", true},
		{"api-integration@contoso.com", "api", true},
		{"rapid", "api", false},
		{"SVC_Backup", "svc", true},               // case does not matter
		{"svc01", "svc", true},                    // digits split words
		{"01svc02", "svc", true},                  // on both sides
		{"backup#svc", "svc", true},               // '#' splits
		{"svc@contoso.com", "svc", true},          // '@' splits
		{"Break Glass 1", "break glass", true},    // several words in a row
		{"break-glass-01", "break glass", true},   // any separators between
		{"Glass Break", "break glass", false},     // not in that order
		{"break the glass", "break glass", false}, // not in a row
		{"breakglass", "break glass", false},      // one word is not two
		{"breakglass", "breakglass", true},
		{"Teams\tRoom", "teams room", true}, // any white space
		{"Boardroom 4", "room", false},      // whole words only
		{"Boardroom 4", "boardroom", true},
		{"", "svc", false},
		{"svc", "", false},     // an empty pattern matches nothing
		{"svc", "--", false},   // nor one of separators only
		{"svc", " svc ", true}, // a pattern is split like the text
		{"Svc.Ticket", "ticket", true},
		{"ticketing", "ticket", false},
		{"Ærø-konto", "ærø", true}, // non-ASCII letters are letters
	}
	for _, tt := range tests {
		if got := MatchesPattern(tt.text, tt.pattern); got != tt.want {
			t.Errorf("MatchesPattern(%q, %q) = %v, want %v", tt.text, tt.pattern, got, tt.want)
		}
	}
}

func TestPatternSetFirstFollowsSettingsOrder(t *testing.T) {
	t.Parallel()
	set := compilePatterns([]string{"scanner", "", "svc", "svc backup"})
	tests := []struct {
		text string
		want string
		ok   bool
	}{
		{"svc backup scanner", "scanner", true}, // the first pattern of the settings wins
		{"nightly svc backup", "svc", true},
		{"svcbackup", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := set.first(words(tt.text))
		if got != tt.want || ok != tt.ok {
			t.Errorf("first(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPatternsIgnoreTheUPNDomain(t *testing.T) {
	t.Parallel()
	// A partner whose domain holds a service word must not see every
	// account classified as a service account.
	set := compilePatterns([]string{"service"})
	u := User{DisplayName: "Ann Lee", UserPrincipalName: "ann.lee@it-service.com"}
	if why, ok := set.match(wordsOf(&u), "service"); ok {
		t.Fatalf("matched the domain: %s", why)
	}
	u.UserPrincipalName = "service.desk@it-service.com"
	why, ok := set.match(wordsOf(&u), "service")
	if !ok || why != `UPN matches service pattern "service"` {
		t.Fatalf("local part: got %q, %v", why, ok)
	}
	u.DisplayName = "Service Desk"
	if why, _ := set.match(wordsOf(&u), "service"); why != `name matches service pattern "service"` {
		t.Fatalf("display name should be tried first, got %q", why)
	}
}
