package connect

import (
	"slices"
	"testing"
)

func TestBodySecrets(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"platform.postgres","display_name":"Shop DB",
		"properties":{"host":"db.example.com","password":"pw-1234","ssl":"true","port":5432,"nested":{"key":"k-5678"}},
		"client_secret":"cs-9999","meta":{"refresh_token":"rt-0000","note":"public"},"streams":[{"selected":true}]}`)
	got := bodySecrets(body)
	for _, want := range []string{"db.example.com", "pw-1234", "5432", "k-5678", "cs-9999", "rt-0000"} {
		if !slices.Contains(got, want) {
			t.Errorf("bodySecrets: %q missing from %v", want, got)
		}
	}
	for _, not := range []string{"platform.postgres", "Shop DB", "true", "public"} {
		if slices.Contains(got, not) {
			t.Errorf("bodySecrets: %q should not be a secret (%v)", not, got)
		}
	}
	if bodySecrets([]byte("not json")) != nil {
		t.Error("a body that is not JSON has no secrets to find")
	}
}

func TestRedactKeepsPropertyNamesAndEscapedForms(t *testing.T) {
	t.Parallel()
	e := &Error{Message: `bad "host": ab\"cd and ab%22cd`, Body: []byte(`{"v":"ab\"cd"}`), BadProperties: []string{"host", "x ab\"cd"}}
	redact(e, []string{`ab"cd`, "host"})
	if e.Message != `bad "[REDACTED]": [REDACTED] and [REDACTED]` {
		t.Errorf("message: got %q", e.Message)
	}
	if string(e.Body) != `{"v":"[REDACTED]"}` {
		t.Errorf("body: got %s", e.Body)
	}
	if e.BadProperties[0] != "host" || e.BadProperties[1] != "x [REDACTED]" {
		t.Errorf("bad properties: got %v, want the name kept and the value redacted", e.BadProperties)
	}
}
