package inventory

import (
	"strings"
	"testing"
	"time"
)

func deliveryUTC(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestScheduleDue(t *testing.T) {
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	monday8 := DeliverySchedule{Weekday: time.Monday, Hour: 8}
	for _, tc := range []struct {
		name       string
		s          DeliverySchedule
		after, now time.Time
		want       time.Time // zero: nothing due
	}{
		{"before the first slot", monday8, deliveryUTC("2026-10-28 12:00"), deliveryUTC("2026-11-02 07:59"), time.Time{}},
		{"the slot itself", monday8, deliveryUTC("2026-10-28 12:00"), deliveryUTC("2026-11-02 08:00"), deliveryUTC("2026-11-02 08:00")},
		{"later that week", monday8, deliveryUTC("2026-10-28 12:00"), deliveryUTC("2026-11-05 17:00"), deliveryUTC("2026-11-02 08:00")},
		{"already delivered", monday8, deliveryUTC("2026-11-02 08:00"), deliveryUTC("2026-11-05 17:00"), time.Time{}},
		{"saved after the slot", monday8, deliveryUTC("2026-11-02 09:00"), deliveryUTC("2026-11-05 17:00"), time.Time{}},
		{"saved after, next week comes", monday8, deliveryUTC("2026-11-02 09:00"), deliveryUTC("2026-11-09 08:30"), deliveryUTC("2026-11-09 08:00")},
		{"weeks missed: only the latest", monday8, deliveryUTC("2026-10-01 00:00"), deliveryUTC("2026-11-10 00:00"), deliveryUTC("2026-11-09 08:00")},
		{"Sunday schedule on a Monday", DeliverySchedule{Weekday: time.Sunday, Hour: 23}, deliveryUTC("2026-10-20 00:00"), deliveryUTC("2026-10-26 01:00"), deliveryUTC("2026-10-25 23:00")},
		// 08:00 in Amsterdam is 07:00 UTC in winter (CET) and 06:00 UTC in summer (CEST).
		{"time zone, winter", DeliverySchedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, deliveryUTC("2026-10-28 00:00"), deliveryUTC("2026-11-02 07:00"),
			time.Date(2026, 11, 2, 8, 0, 0, 0, amsterdam)},
		{"time zone, an hour early", DeliverySchedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, deliveryUTC("2026-10-28 00:00"), deliveryUTC("2026-11-02 06:59"), time.Time{}},
		{"time zone, summer", DeliverySchedule{Weekday: time.Monday, Hour: 8, TimeZone: "Europe/Amsterdam"}, deliveryUTC("2026-06-01 00:00"), deliveryUTC("2026-06-08 06:00"),
			time.Date(2026, 6, 8, 8, 0, 0, 0, amsterdam)},
		{"interval not yet", DeliverySchedule{Every: 24 * time.Hour}, deliveryUTC("2026-11-02 10:00"), deliveryUTC("2026-11-03 09:59"), time.Time{}},
		{"interval reached", DeliverySchedule{Every: 24 * time.Hour}, deliveryUTC("2026-11-02 10:00"), deliveryUTC("2026-11-03 10:00"), deliveryUTC("2026-11-03 10:00")},
		{"interval keeps its cadence", DeliverySchedule{Every: 24 * time.Hour}, deliveryUTC("2026-11-02 10:00"), deliveryUTC("2026-11-05 13:00"), deliveryUTC("2026-11-05 10:00")},
		{"interval never anchored", DeliverySchedule{Every: 6 * time.Hour}, time.Time{}, deliveryUTC("2026-11-05 13:00"), deliveryUTC("2026-11-05 13:00")},
	} {
		got, ok := tc.s.Due(tc.after, tc.now)
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("%s: Due(%s, %s) = %s %v, want %s", tc.name, tc.after, tc.now, got, ok, tc.want)
		}
	}
}

func TestScheduleNext(t *testing.T) {
	monday8 := DeliverySchedule{Weekday: time.Monday, Hour: 8}
	if got := monday8.Next(time.Time{}, deliveryUTC("2026-11-02 08:00")); !got.Equal(deliveryUTC("2026-11-09 08:00")) {
		t.Errorf("next after the slot: %s", got)
	}
	if got := monday8.Next(time.Time{}, deliveryUTC("2026-10-31 10:00")); !got.Equal(deliveryUTC("2026-11-02 08:00")) {
		t.Errorf("next on a Saturday: %s", got)
	}
	if got := (DeliverySchedule{Every: 48 * time.Hour}).Next(deliveryUTC("2026-11-02 10:00"), deliveryUTC("2026-11-03 00:00")); !got.Equal(deliveryUTC("2026-11-04 10:00")) {
		t.Errorf("next of an interval: %s", got)
	}
	// Due and Next agree: at the next moment, it is due.
	after := deliveryUTC("2026-11-03 00:00")
	next := monday8.Next(after, after)
	if due, ok := monday8.Due(after, next); !ok || !due.Equal(next) {
		t.Errorf("Next says %s, but Due then says %s %v", next, due, ok)
	}
}

func TestScheduleValidate(t *testing.T) {
	for _, tc := range []struct {
		s   DeliverySchedule
		bad string
	}{
		{WeeklyDelivery, ""},
		{DeliverySchedule{Weekday: time.Friday, Hour: 23, TimeZone: "America/New_York"}, ""},
		{DeliverySchedule{Every: time.Hour}, ""},
		{DeliverySchedule{Every: 30 * time.Minute}, "between 1 hour and 90 days"},
		{DeliverySchedule{Every: 91 * 24 * time.Hour}, "between 1 hour and 90 days"},
		{DeliverySchedule{Weekday: 7, Hour: 8}, "day of the week"},
		{DeliverySchedule{Weekday: time.Monday, Hour: 24}, "from 0 to 23"},
		{DeliverySchedule{Weekday: time.Monday, Hour: 8, TimeZone: "Mars/Olympus"}, "is not a time zone"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.bad == "") || (err != nil && !strings.Contains(err.Error(), tc.bad)) {
			t.Errorf("%+v: %v, want %q", tc.s, err, tc.bad)
		}
	}
}
