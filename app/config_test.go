package app

import (
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(envMap(nil))
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.Addr != "127.0.0.1:8080" || !c.Emulated || !c.GeneratedKeys || c.PartnerID != DemoPartnerID {
		t.Fatalf("got %+v, want emulator defaults", c)
	}
	c.ResolveBaseURL("127.0.0.1:8080")
	if c.StitchAPIURL != "http://127.0.0.1:8080/_stitch" || c.SecureCookies() {
		t.Fatalf("got api %q secure %v, want the embedded emulator URL and no Secure on loopback http", c.StitchAPIURL, c.SecureCookies())
	}
}

func TestLoadConfigRefusesInconsistentSettings(t *testing.T) {
	key := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32)
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"stitch url without credentials", map[string]string{"STITCH_API_URL": "https://api.stitchdata.com", "ONRAMP_SESSION_KEYS": key}, "STITCH_PARTNER_ID or STITCH_PARTNER_SECRET is missing"},
		{"stitch url without session keys", map[string]string{"STITCH_API_URL": "https://api.stitchdata.com", "STITCH_PARTNER_ID": "a", "STITCH_PARTNER_SECRET": "b"}, "ONRAMP_SESSION_KEYS is required"},
		{"credentials without url", map[string]string{"STITCH_PARTNER_ID": "a"}, "need STITCH_API_URL"},
		{"short auth key", map[string]string{"ONRAMP_SESSION_KEYS": "abcd:" + strings.Repeat("cd", 32)}, "authentication key must be 32 or 64 bytes"},
		{"bad encryption key", map[string]string{"ONRAMP_SESSION_KEYS": strings.Repeat("ab", 32) + ":abcd"}, "encryption key must be 16, 24 or 32 bytes"},
		{"no pair", map[string]string{"ONRAMP_SESSION_KEYS": strings.Repeat("ab", 32)}, "want AUTH:ENC"},
		{"bad origin", map[string]string{"ONRAMP_EMBED_ORIGINS": "app.example.com"}, "is not an origin"},
		{"bad log level", map[string]string{"ONRAMP_LOG_LEVEL": "loud"}, "ONRAMP_LOG_LEVEL"},
		{"bad duration", map[string]string{"ONRAMP_CACHE_TTL": "soon"}, "ONRAMP_CACHE_TTL"},
		{"bad addr", map[string]string{"ONRAMP_ADDR": "8080"}, "ONRAMP_ADDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(envMap(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigRealStitch(t *testing.T) {
	keys := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32) + "," + strings.Repeat("ef", 64) + ":" + strings.Repeat("01", 16)
	c, err := LoadConfig(envMap(map[string]string{
		"STITCH_API_URL": "https://api.stitchdata.com/", "STITCH_PARTNER_ID": "oc_x", "STITCH_PARTNER_SECRET": "oc_y",
		"ONRAMP_SESSION_KEYS": keys, "ONRAMP_BASE_URL": "https://onramp.example.com",
	}))
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.Emulated || c.StitchAPIURL != "https://api.stitchdata.com" || c.StitchAppURL != "https://app.stitchdata.com" {
		t.Fatalf("got %+v", c)
	}
	if len(c.SessionKeys) != 4 || len(c.SessionKeys[0]) != 32 || len(c.SessionKeys[2]) != 64 || len(c.SessionKeys[3]) != 16 {
		t.Fatalf("got %d keys, want 2 decoded pairs", len(c.SessionKeys))
	}
	c.ResolveBaseURL("0.0.0.0:8080")
	if c.StitchAPIURL != "https://api.stitchdata.com" || !c.SecureCookies() {
		t.Fatalf("real Stitch URL must be kept and cookies Secure on https")
	}
}
