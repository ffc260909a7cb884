package dates

import (
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	t.Parallel()
	mar31 := time.Date(2026, 3, 31, 15, 4, 5, 0, time.UTC)
	leap := time.Date(2024, 2, 29, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		expr string
		now  time.Time
		want string
	}{
		{"-30 days", mar31, "2026-03-01"},
		{"-4 weeks", mar31, "2026-03-03"},
		{"-1 year", mar31, "2025-03-31"},
		{"-1 month", mar31, "2026-02-28"},
		{"-1 months", time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), "2024-02-29"},
		{"-13 months", mar31, "2025-02-28"},
		{"+1 month", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), "2026-02-28"},
		{"-2 months", time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC), "2026-03-31"},
		{"-1 month", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), "2025-12-15"},
		{"-1 year", leap, "2023-02-28"},
		{"-4 years", leap, "2020-02-29"},
		{"-60 Days", mar31, "2026-01-30"},
		{"-1 day", time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("x", 3600)), "2026-02-27"},
	}
	for _, tt := range tests {
		got, ok := Relative(tt.expr, tt.now)
		if !ok || got.Format("2006-01-02") != tt.want {
			t.Errorf("%q from %s: got %s %v, want %s", tt.expr, tt.now.Format(time.RFC3339), got.Format("2006-01-02"), ok, tt.want)
		}
	}
	for _, bad := range []string{"", "soon", "-1", "x days", "-1 fortnight", "-1 day ago"} {
		if _, ok := Relative(bad, mar31); ok {
			t.Errorf("%q: parsed, want refused", bad)
		}
	}
}

// TestAddMonthsAgreesWithAddDate is a differential test: wherever the day
// exists in the target month, AddMonths must agree with time.AddDate.
func TestAddMonthsAgreesWithAddDate(t *testing.T) {
	t.Parallel()
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3*366; i++ {
		day := start.AddDate(0, 0, i)
		for n := -25; n <= 25; n++ {
			got := AddMonths(day, n)
			want := day.AddDate(0, n, 0)
			if want.Day() == day.Day() {
				if !got.Equal(want) {
					t.Fatalf("%s %+d months: got %s, want %s", day.Format("2006-01-02"), n, got, want)
				}
				continue
			}
			// Overflow: AddDate rolled into the next month; we clamp.
			if got.Month() == want.Month() || got.AddDate(0, 0, 1).Day() != 1 {
				t.Fatalf("%s %+d months: got %s, want the last day of the month before %s", day.Format("2006-01-02"), n, got, want)
			}
		}
	}
}
