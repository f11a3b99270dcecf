package deliver

import (
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestScheduleDue(t *testing.T) {
	t.Parallel()
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	monday8 := Schedule{Weekday: time.Monday, Hour: 8}
	for _, tc := range []struct {
		name       string
		s          Schedule
		after, now time.Time
		want       time.Time // zero: nothing due
	}{
		{"before the first slot", monday8, utc("2026-10-28 12:00"), utc("2026-11-02 07:59"), time.Time{}},
		{"the slot itself", monday8, utc("2026-10-28 12:00"), utc("2026-11-02 08:00"), utc("2026-11-02 08:00")},
		{"later that week", monday8, utc("2026-10-28 12:00"), utc("2026-11-05 17:00"), utc("2026-11-02 08:00")},
		{"already delivered", monday8, utc("2026-11-02 08:00"), utc("2026-11-05 17:00"), time.Time{}},
		{"saved after the slot", monday8, utc("2026-11-02 09:00"), utc("2026-11-05 17:00"), time.Time{}},
		{"saved after, next week comes", monday8, utc("2026-11-02 09:00"), utc("2026-11-09 08:30"), utc("2026-11-09 08:00")},
		{"weeks missed: only the latest", monday8, utc("2026-10-01 00:00"), utc("2026-11-10 00:00"), utc("2026-11-09 08:00")},
		{"Sunday schedule on a Monday", Schedule{Weekday: time.Sunday, Hour: 23}, utc("2026-10-20 00:00"), utc("2026-10-26 01:00"), utc("2026-10-25 23:00")},
		// 08:00 in Amsterdam is 07:00 UTC in winter (CET) and 06:00 UTC in summer (CEST).
		{"time zone, winter", Schedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, utc("2026-10-28 00:00"), utc("2026-11-02 07:00"),
			time.Date(2026, 11, 2, 8, 0, 0, 0, amsterdam)},
		{"time zone, an hour early", Schedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, utc("2026-10-28 00:00"), utc("2026-11-02 06:59"), time.Time{}},
		{"time zone, summer", Schedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, utc("2026-06-01 00:00"), utc("2026-06-08 06:00"),
			time.Date(2026, 6, 8, 8, 0, 0, 0, amsterdam)},
		{"interval not yet", Schedule{Every: 24 * time.Hour}, utc("2026-11-02 10:00"), utc("2026-11-03 09:59"), time.Time{}},
		{"interval reached", Schedule{Every: 24 * time.Hour}, utc("2026-11-02 10:00"), utc("2026-11-03 10:00"), utc("2026-11-03 10:00")},
		{"interval keeps its cadence", Schedule{Every: 24 * time.Hour}, utc("2026-11-02 10:00"), utc("2026-11-05 13:00"), utc("2026-11-05 10:00")},
		{"interval never anchored", Schedule{Every: 6 * time.Hour}, time.Time{}, utc("2026-11-05 13:00"), utc("2026-11-05 13:00")},
	} {
		got, ok := tc.s.Due(tc.after, tc.now)
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("%s: Due(%s, %s) = %s %v, want %s", tc.name, tc.after, tc.now, got, ok, tc.want)
		}
	}
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	monday8 := Schedule{Weekday: time.Monday, Hour: 8}
	if got := monday8.Next(time.Time{}, utc("2026-11-02 08:00")); !got.Equal(utc("2026-11-09 08:00")) {
		t.Errorf("next after the slot: %s", got)
	}
	if got := monday8.Next(time.Time{}, utc("2026-10-31 10:00")); !got.Equal(utc("2026-11-02 08:00")) {
		t.Errorf("next on a Saturday: %s", got)
	}
	if got := (Schedule{Every: 48 * time.Hour}).Next(utc("2026-11-02 10:00"), utc("2026-11-03 00:00")); !got.Equal(utc("2026-11-04 10:00")) {
		t.Errorf("next of an interval: %s", got)
	}
	// Due and Next agree: at the next moment, it is due.
	after := utc("2026-11-03 00:00")
	next := monday8.Next(after, after)
	if due, ok := monday8.Due(after, next); !ok || !due.Equal(next) {
		t.Errorf("Next says %s, but Due then says %s %v", next, due, ok)
	}
}

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s   Schedule
		bad string
	}{
		{Weekly, ""},
		{Schedule{Weekday: time.Friday, Hour: 23, TimeZone: "America/New_York"}, ""},
		{Schedule{Every: time.Hour}, ""},
		{Schedule{Every: 30 * time.Minute}, "between 1 hour and 90 days"},
		{Schedule{Every: 91 * 24 * time.Hour}, "between 1 hour and 90 days"},
		{Schedule{Weekday: 7, Hour: 8}, "day of the week"},
		{Schedule{Weekday: time.Monday, Hour: 24}, "from 0 to 23"},
		{Schedule{Weekday: time.Monday, Hour: 8, TimeZone: "Mars/Olympus"}, "is not a time zone"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.bad == "") || (err != nil && !contains(err.Error(), tc.bad)) {
			t.Errorf("%+v: %v, want %q", tc.s, err, tc.bad)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	mail := Mail{Host: "smtp.office365.com", Port: 587, From: "reports@partner.example", To: []string{"ceo@partner.example"}}
	noMail := Mail{Port: 587} // no server: what the store reads back when nobody set e-mail up
	for _, tc := range []struct {
		name string
		s    Settings
		bad  string
	}{
		{"mail only", Settings{Enabled: true, Schedule: Weekly, Mail: mail}, ""},
		{"webhook only", Settings{Enabled: true, Schedule: Weekly, Mail: noMail, Webhook: "https://hooks.slack.com/services/T/B/X"}, ""},
		{"nowhere", Settings{Enabled: true, Schedule: Weekly, Mail: noMail}, "needs somewhere to deliver"},
		{"off and empty", Settings{Schedule: Weekly, Mail: noMail}, ""},
		// The table stores a port even without a server: a missing one is
		// refused here with a sentence, not by the database.
		{"no server and no port", Settings{Schedule: Weekly}, "from 1 to 65535"},
		{"no server and a port too high", Settings{Schedule: Weekly, Mail: Mail{Port: 65536}}, "from 1 to 65535"},
		{"recipients without a server", Settings{Schedule: Weekly, Mail: Mail{Port: 587, To: mail.To}}, "no SMTP server"},
		{"host with scheme", Settings{Schedule: Weekly, Mail: Mail{Host: "smtp://x", Port: 587, From: mail.From, To: mail.To}}, "without a scheme"},
		{"port", Settings{Schedule: Weekly, Mail: Mail{Host: "x", Port: 0, From: mail.From, To: mail.To}}, "from 1 to 65535"},
		{"sender with a header", Settings{Schedule: Weekly, Mail: Mail{Host: "x", Port: 25, From: "a@b.c\r\nBcc: x@y.z", To: mail.To}}, "is not an e-mail address"},
		{"display name", Settings{Schedule: Weekly, Mail: Mail{Host: "x", Port: 25, From: "Reports <a@b.c>", To: mail.To}}, "is not an e-mail address"},
		{"no recipient", Settings{Schedule: Weekly, Mail: Mail{Host: "x", Port: 25, From: mail.From}}, "at least one recipient"},
		{"bad recipient", Settings{Schedule: Weekly, Mail: Mail{Host: "x", Port: 25, From: mail.From, To: []string{"ceo"}}}, `"ceo" is not an e-mail address`},
		{"http webhook", Settings{Schedule: Weekly, Mail: noMail, Webhook: "http://hooks.slack.com/services/T/B/SECRET"}, "must start with https://"},
		{"local http webhook", Settings{Schedule: Weekly, Mail: noMail, Webhook: "http://127.0.0.1:8080/hook"}, ""},
		{"not a URL", Settings{Schedule: Weekly, Mail: noMail, Webhook: "hooks.slack.com/services/T/B/SECRET"}, "not a valid URL"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.bad == "") || (err != nil && !contains(err.Error(), tc.bad)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.bad)
			continue
		}
		if err != nil && contains(err.Error(), "SECRET") {
			t.Errorf("%s: the refusal quotes the webhook URL: %v", tc.name, err)
		}
	}
}
