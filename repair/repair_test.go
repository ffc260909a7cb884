package repair

import (
	"slices"
	"strings"
	"testing"
)

var mysqlProps = []Prop{
	{Name: "host", Editable: true}, {Name: "port", Editable: true}, {Name: "user", Editable: true},
	{Name: "password", Editable: true, Credential: true}, {Name: "database", Editable: true},
	{Name: "ssl", Editable: true}, {Name: "frequency_in_minutes", Editable: true},
}

var hubspotProps = []Prop{
	{Name: "start_date", Editable: true}, {Name: "frequency_in_minutes", Editable: true},
	{Name: "client_id", OAuth: true}, {Name: "refresh_token", OAuth: true, Credential: true},
}

var apiKeyProps = []Prop{{Name: "api_key", Editable: true, Credential: true}, {Name: "start_date", Editable: true}}

func TestDiagnose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     Input
		action Action
		cause  string
		fields []string
	}{
		{"mysql password", Input{Detail: `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`, Props: mysqlProps}, ReEnter, CauseAuth, []string{"password"}},
		{"postgres password", Input{Detail: `FATAL:  password authentication failed for user "stitch"`, Props: mysqlProps}, ReEnter, CauseAuth, []string{"password"}},
		{"mysql unknown host", Input{Detail: `(2005, "Unknown MySQL server host 'db.invalid' (-2)")`, Props: mysqlProps}, ReEnter, CauseHost, []string{"host"}},
		{"refused", Input{Detail: `(2003, "Can't connect to MySQL server on 'db' ([Errno 111] Connection refused)")`, Props: mysqlProps}, ReEnter, CauseUnreachable, []string{"host", "port"}},
		{"database", Input{Detail: `(1049, "Unknown database 'missing'")`, Props: mysqlProps}, ReEnter, CauseDatabase, []string{"database"}},
		{"ssl", Input{Detail: "SSL connection error: certificate verify failed", Props: mysqlProps}, ReEnter, CauseSSL, []string{"ssl"}},
		{"unknown", Input{Detail: "FATAL:  the database system is starting up", Props: mysqlProps}, FullForm, CauseUnknown, nil},
		{"named api key", Input{Detail: "HTTP-error-code: 401, Error: the api_key provided was rejected by the API (invalid credentials)", Props: apiKeyProps}, ReEnter, CauseAuth, []string{"api_key"}},
		{"oauth token named", Input{OAuth: true, Detail: "HTTP-error-code: 401, Error: the refresh_token provided was rejected by the API (invalid credentials)", Props: hubspotProps}, Reauthorize, CauseOAuth, nil},
		{"oauth revoked", Input{OAuth: true, Detail: "invalid_grant: Token has been expired or revoked.", Props: hubspotProps}, Reauthorize, CauseOAuth, nil},
		{"oauth 401", Input{OAuth: true, Detail: "HTTP-error-code: 401, Error: unauthorized", Props: hubspotProps}, Reauthorize, CauseOAuth, nil},
		{"paused by stitch", Input{PausedByStitch: true, Props: mysqlProps}, FullForm, CausePaused, nil},
		{"paused oauth", Input{PausedByStitch: true, OAuth: true, Props: hubspotProps}, Reauthorize, CausePaused, nil},
		{"healthy", Input{Props: mysqlProps}, "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Diagnose(tc.in)
			if got.Action != tc.action || got.Cause != tc.cause || !slices.Equal(got.Fields, tc.fields) {
				t.Fatalf("got %s/%s %v, want %s/%s %v", got.Action, got.Cause, got.Fields, tc.action, tc.cause, tc.fields)
			}
			if tc.action != "" && !strings.HasPrefix(got.MessageID, "repairWhy.") {
				t.Fatalf("got message %q, want one of the catalog's repairWhy.* words", got.MessageID)
			}
		})
	}
}
