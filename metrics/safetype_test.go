package metrics

import (
	"regexp"
	"strings"
	"testing"
)

// TestSafeTypeMatchesItsPattern: the loop keeps exactly what
// ^[a-z0-9][a-z0-9._-]{0,63}$ matches; anything else is "other".
func TestSafeTypeMatchesItsPattern(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	cases := []string{
		"platform.mysql", "platform.google-analytics", "a", "0x", "x_y", "x.", "x-",
		"", ".mysql", "-a", "_a", "Platform.mysql", "platform.MySQL", "plat form", "platform/mysql",
		"platform.mysql\n", "é", strings.Repeat("a", 64), strings.Repeat("a", 65), "a\x00",
	}
	for _, c := range cases {
		want := "other"
		if re.MatchString(c) {
			want = c
		}
		if got := safeType(c); got != want {
			t.Errorf("safeType(%q) = %q, want %q", c, got, want)
		}
	}
}
