package inventory

import (
	"fmt"
	"time"
	_ "time/tzdata" // time zones work on a server image without /usr/share/zoneinfo
)

// DeliverySchedule is when the report goes out: every week on a day at an hour of
// a time zone, or at a fixed interval.
type DeliverySchedule struct {
	// Every > 0 sends at that interval, counted from the last delivery;
	// Weekday, Hour and TimeZone are then unused.
	Every    time.Duration
	Weekday  time.Weekday
	Hour     int    // 0–23, in TimeZone
	TimeZone string // IANA name such as Europe/Amsterdam; "" is UTC
}

// Interval bounds: more often than hourly floods an inbox; a quarter is the
// longest a "weekly" report can reasonably stretch to.
const (
	MinDeliveryInterval = time.Hour
	MaxDeliveryInterval = 90 * 24 * time.Hour
)

// WeeklyDelivery is the default: Monday 08:00 UTC, before the week's planning.
var WeeklyDelivery = DeliverySchedule{Weekday: time.Monday, Hour: 8}

// Validate checks the schedule.
func (s DeliverySchedule) Validate() error {
	if s.Every != 0 {
		if s.Every < MinDeliveryInterval || s.Every > MaxDeliveryInterval {
			return invalid("The interval must be between 1 hour and 90 days.")
		}
		return nil
	}
	if s.Weekday < time.Sunday || s.Weekday > time.Saturday {
		return invalid("The day of the week is not one of Sunday to Saturday.")
	}
	if s.Hour < 0 || s.Hour > 23 {
		return invalid("The hour must be a whole number from 0 to 23.")
	}
	if _, err := s.location(); err != nil {
		return err
	}
	return nil
}

func (s DeliverySchedule) location() (*time.Location, error) {
	if s.TimeZone == "" || s.TimeZone == "UTC" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, invalid("%q is not a time zone: use a name such as Europe/Amsterdam or America/New_York.", Clip(s.TimeZone))
	}
	return loc, nil
}

// Due returns the scheduled moment that has come, at or before now and
// after `after` (the last delivery, or when the schedule was saved). ok is
// false while nothing is due. Missed moments are not caught up one by one:
// a server down for three weeks sends one report, the latest.
func (s DeliverySchedule) Due(after, now time.Time) (time.Time, bool) {
	if s.Every > 0 {
		if after.IsZero() {
			return now, true
		}
		if now.Before(after.Add(s.Every)) {
			return time.Time{}, false
		}
		// The latest moment of the cadence that started at `after`.
		return after.Add(now.Sub(after) / s.Every * s.Every), true
	}
	loc, err := s.location()
	if err != nil {
		return time.Time{}, false
	}
	local := now.In(loc)
	back := (int(local.Weekday()) - int(s.Weekday) + 7) % 7
	slot := time.Date(local.Year(), local.Month(), local.Day()-back, s.Hour, 0, 0, 0, loc)
	if slot.After(now) {
		slot = time.Date(local.Year(), local.Month(), local.Day()-back-7, s.Hour, 0, 0, 0, loc)
	}
	if !slot.After(after) {
		return time.Time{}, false
	}
	return slot, true
}

// Next is the next scheduled moment after now, for the page ("next report
// Monday 3 Nov 08:00"); last is the last delivery (zero: none yet).
func (s DeliverySchedule) Next(last, now time.Time) time.Time {
	if s.Every > 0 {
		if last.IsZero() {
			return now
		}
		return last.Add(s.Every)
	}
	loc, err := s.location()
	if err != nil {
		return time.Time{}
	}
	local := now.In(loc)
	ahead := (int(s.Weekday) - int(local.Weekday()) + 7) % 7
	slot := time.Date(local.Year(), local.Month(), local.Day()+ahead, s.Hour, 0, 0, 0, loc)
	if !slot.After(now) {
		slot = time.Date(local.Year(), local.Month(), local.Day()+ahead+7, s.Hour, 0, 0, 0, loc)
	}
	return slot
}

// String says the schedule in words: "every Monday at 08:00 (Europe/Amsterdam)".
func (s DeliverySchedule) String() string {
	if s.Every > 0 {
		if s.Every%(24*time.Hour) == 0 {
			return fmt.Sprintf("every %d day(s)", int(s.Every/(24*time.Hour)))
		}
		return fmt.Sprintf("every %d hour(s)", int(s.Every/time.Hour))
	}
	tz := s.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("every %s at %02d:00 (%s)", s.Weekday, s.Hour, tz)
}
