// Package dates reads the relative date expressions of report cards
// (details.default_start_date: "-1 year", "-30 days", "-4 weeks", API.md §6.5).
package dates

import (
	"strconv"
	"strings"
	"time"
)

// Relative returns the day (midnight UTC) that expr ("-30 days", "-4 weeks",
// "-1 month", "+2 years"; singular or plural units) points to from now.
// Months and years are clamped to the end of a shorter month: "-1 month" from
// 31 March is the last day of February, never 3 March.
func Relative(expr string, now time.Time) (time.Time, bool) {
	f := strings.Fields(strings.TrimSpace(expr))
	if len(f) != 2 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return time.Time{}, false
	}
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch strings.TrimSuffix(strings.ToLower(f[1]), "s") {
	case "day":
		return day.AddDate(0, 0, n), true
	case "week":
		return day.AddDate(0, 0, 7*n), true
	case "month":
		return AddMonths(day, n), true
	case "year":
		return AddMonths(day, 12*n), true
	}
	return time.Time{}, false
}

// AddMonths moves t by n calendar months, keeping its day of the month when
// the target month has it and taking the target month's last day otherwise.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if last := daysIn(first.Year(), first.Month()); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
