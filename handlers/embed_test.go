package handlers

import (
	"encoding/json"
	"testing"
)

func TestURLAllowed(t *testing.T) {
	t.Parallel()
	prefixes := []string{"https://app.example.com", "https://partner.example/data/", "http://localhost:5173/cb"}
	tests := []struct {
		url  string
		want bool
	}{
		{"https://app.example.com", true},
		{"https://app.example.com/", true},
		{"https://app.example.com/anything?x=1#y", true},
		{"https://APP.example.com/x", true},
		{"https://app.example.com.evil.example/", false},
		{"https://app.example.com@evil.example/", false},
		{"https://user:pw@app.example.com/", false},
		{"http://app.example.com/", false},
		{"https://app.example.com:8443/", false},
		{"https://evil.example/https://app.example.com/", false},
		{"//app.example.com/", false},
		{"javascript:alert(1)//app.example.com", false},
		{"https://app.example.com\\@evil.example/", false},
		{"https://partner.example/data", true},
		{"https://partner.example/data/", true},
		{"https://partner.example/data/x/y", true},
		{"https://partner.example/database", false},
		{"https://partner.example/dat", false},
		{"https://partner.example/", false},
		{"https://partner.example/data/../admin", false},
		{"https://partner.example/data/%2E%2E/admin", false},
		{"https://partner.example/data/./x", false},
		{"https://partner.example/data/..x", true},
		{"https://partner.example/data%2F..%2Fadmin", false},
		{"http://localhost:5173/cb", true},
		{"http://localhost:5173/cb/next", true},
		{"http://localhost:5173/cbx", false},
		{"http://localhost:5174/cb", false},
		{"", false},
		{"not a url", false},
	}
	for _, tt := range tests {
		if got := URLAllowed(tt.url, prefixes); got != tt.want {
			t.Errorf("URLAllowed(%q): got %v, want %v", tt.url, got, tt.want)
		}
	}
	if URLAllowed("https://app.example.com/", nil) {
		t.Error("no prefixes must allow nothing")
	}
}

func TestLaunchIDAcceptsNumbersAndStrings(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]LaunchID{`45612`: 45612, `"45612"`: 45612, `null`: 0, `""`: 0} {
		var id LaunchID
		if err := json.Unmarshal([]byte(in), &id); err != nil || id != want {
			t.Errorf("%s: got %d %v, want %d", in, id, err, want)
		}
	}
	for _, in := range []string{`-1`, `0`, `"+4"`, `"12a"`, `4.5`, `true`, `"99999999999999999999"`} {
		var id LaunchID
		if err := json.Unmarshal([]byte(in), &id); err == nil {
			t.Errorf("%s: got %d, want an error", in, id)
		}
	}
}
