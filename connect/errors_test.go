package connect_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

const examplesDir = "../../shared/stitch-connect/report-cards"

// mustExamplesDir returns the documented examples directory, or stops the test
// with instructions when ../shared is missing.
func mustExamplesDir(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(examplesDir); err != nil {
		tb.Fatalf("reference examples missing at %s (%v): check out ../shared next to the repository (CI has it)", examplesDir, err)
	}
	return examplesDir
}

// wantError is what the client must read from an error answer.
type wantError struct {
	code         string
	message      string
	bad          []string
	notFound     bool
	invalidProps bool
	reportCard   bool
}

// documentedErrors lists every error.*.json example (API.md §3.3, §18) with
// what the client must make of it. The 200 already_running body is covered by
// StartReplication.
var documentedErrors = map[string]wantError{
	"accounts.400.post.BadRequest.missing-or-invalid-partner-id":                                              {code: "BadRequest", message: "Invalid form data.", bad: []string{"partner_id"}},
	"accounts.400.post.BadRequest.missing-or-invalid-partner-secret":                                          {code: "BadRequest", message: "Invalid form data.", bad: []string{"partner_secret"}},
	"accounts.400.post.BadRequest.request-body-contains-malformed-data":                                       {code: "BadRequest", message: "Invalid form data."},
	"accounts.400.post.ExistingUser.a-stitch-account-is-already-associated-with-the-provided-ema":             {code: "ExistingUser", message: "This email address is already associated with an active user."},
	"custom-email-notifications.400.post.account-doesn-t-have-access-to-the-custom-notification-list":         {message: "Account not authorized to create custom notification email addresses."},
	"custom-email-notifications.400.post.account-has-reached-the-maximum-number-of-allowed-custom-ema":        {message: "Account not authorized to create additional custom notification email addresses."},
	"custom-email-notifications.400.post.email-address-property-is-missing-or-invalid":                        {message: "email_address: Required. Must be valid email address format.", bad: []string{"email_address"}},
	"custom-email-notifications.400.put.disabled-at-property-is-missing-or-invalid":                           {message: "disabled_at: <INVALID_VALUE>", bad: []string{"disabled_at"}},
	"custom-email-notifications.404.put.notification-id-is-missing-or-invalid":                                {message: "NOT FOUND", notFound: true},
	"hook-notifications.400.delete.NotFound.invalid-hook-notification-id":                                     {code: "NotFound", message: "NotFound", notFound: true},
	"hook-notifications.400.post.InvalidBody.missing-or-prohibited-arguments":                                 {code: "InvalidBody", message: "Invalid POST body"},
	"hook-notifications.400.post.account-doesn-t-have-access-to-the-hook-notification-feature":                {message: "Client does not have access to hooks."},
	"hook-notifications.400.post.account-has-reached-the-maximum-number-of-allowed-hook-notif":                {message: "You have exceeded the limit of [LIMIT] hooks."},
	"hook-notifications.400.put.InvalidBody.missing-or-incorrectly-typed-boolean-argument-or-prohibited":      {code: "InvalidBody", message: "PUT body must only contain boolean 'enable' key"},
	"replication-jobs.400.post.invalid_source.invalid-source-id":                                              {code: "invalid_source", message: "Unable to locate source(<SOURCE_ID>) for client (<CLIENT_ID>)", notFound: true},
	"replication-jobs.400.post.invalid_source.source-has-been-deleted":                                        {code: "invalid_source", message: "Integration is deleted.", notFound: true},
	"sources.400.post-put.AccessDenied.insufficient-account-access-to-cron-scheduling-feature":                {code: "AccessDenied", message: "access to cron_expression based scheduling is not permitted"},
	"sources.400.post-put.InvalidCronExpression.cron-expressions-can-t-specify-both-a-day-of-week-and-day-of": {code: "InvalidCronExpression", message: `cron_expression "* * * * * *" is invalid: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.`},
	// The example's report_card is a placeholder string, so no ReportCard.
	"sources.400.post-put.InvalidProperties.invalid-properties-data":       {code: "InvalidProperties", message: "properties do not match schema", bad: []string{"<property_name_1>", "<property_name_2>"}, invalidProps: true},
	"sources.400.post.AccessDenied.insufficient-access-to-source-type":     {code: "AccessDenied", message: "you do not have access to source type (platform.<SOURCE_TYPE>)"},
	"sources.400.post.InvalidBody.prohibited-arguments":                    {code: "InvalidBody", message: "POST body may only include a non-empty type, a non-empty display_name and map of string properties"},
	"sources.400.post.InvalidDisplayName.invalid-name-property":            {code: "InvalidDisplayName", message: "invalid name after deriving it from display_name (#### -> )"},
	"sources.400.post.InvalidName.invalid-name-property":                   {code: "InvalidName", message: "The name field must be under 50 characters, and can only contain lowercase letters, numbers, underscores, or dollar signs. It must begin with a letter or an underscore."},
	"sources.400.post.InvalidName.non-unique-name-property":                {code: "InvalidName", message: "non-unique name after deriving it from display_name (<DISPLAY_NAME!!!> -> <display_name>)"},
	"sources.400.post.InvalidName.source-s-display-name-is-already-in-use": {code: "InvalidName", message: "non-unique name (<NAME>)"},
	"sources.400.post.InvalidType.invalid-source-type":                     {code: "InvalidType", message: "invalid source type (platform.<SOURCE_TYPE>)"},
	"sources.400.put-delete.InvalidId.invalid-source-id":                   {code: "InvalidId", message: "source not found (<SOURCE_ID>)", notFound: true},
	"sources.400.put.InvalidBody.prohibited-arguments":                     {code: "InvalidBody", message: "PUT body many only include the keys: display_name, properties, and paused_at"},
	"sources.400.put.InvalidDisplayName.invalid-display-name":              {code: "InvalidDisplayName", message: "invalid display_name (<INVALID_DISPLAY_NAME>)"},
	"streams.400.put.invalid-tap-stream-id":                                {code: "invalid_fields", message: "invalid tap-stream-ids:  [<INVALID_TAP_STREAM_ID>]"},
	"streams.400.put.missing-tap-stream-id":                                {code: "invalid_fields", message: "invalid tap-stream-ids:  [nil]"},
	"streams.400.put.request-body-includes-read-only-properties":           {code: "invalid_fields", message: `only non-discoverable metadata can be produced by the UI: #{"<PROPERTY_NAME>"}`},
	"streams.400.put.request-body-includes-unsupported-fields":             {code: "invalid_fields", message: "Unsupported fields cannot be selected by default"},
}

// TestDocumentedErrorBodies serves every documented error body and checks the
// *connect.Error the client returns.
func TestDocumentedErrorBodies(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(mustExamplesDir(t), "error.*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got %d error examples (%v), want some", len(files), err)
	}
	seen := 0
	for _, f := range files {
		key := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "error."), ".json")
		status, err := strconv.Atoi(strings.Split(key, ".")[1])
		if err != nil {
			t.Fatalf("%s: status: %v", f, err)
		}
		if status == http.StatusOK {
			continue
		}
		want, ok := documentedErrors[key]
		if !ok {
			t.Errorf("%s: no expectation in documentedErrors", key)
			continue
		}
		seen++
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, newRecorder(t, reply{status: status, body: string(body)}))
			_, err := c.GetSource(context.Background(), testToken, 42)
			assertAPIError(t, err, status, want)
		})
	}
	if seen != len(documentedErrors) {
		t.Errorf("got %d files for %d expectations, want every expectation used", seen, len(documentedErrors))
	}
}

func assertAPIError(t *testing.T, err error, status int, want wantError) {
	t.Helper()
	var e *connect.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want *connect.Error", err, err)
	}
	if e.Status != status || e.Code != want.code || e.Message != want.message {
		t.Errorf("got %d %q %q, want %d %q %q", e.Status, e.Code, e.Message, status, want.code, want.message)
	}
	if !slices.Equal(e.BadProperties, want.bad) {
		t.Errorf("got bad properties %q, want %q", e.BadProperties, want.bad)
	}
	if got := connect.IsNotFound(err); got != want.notFound {
		t.Errorf("got IsNotFound %v, want %v", got, want.notFound)
	}
	if got := connect.IsInvalidProperties(err); got != want.invalidProps {
		t.Errorf("got IsInvalidProperties %v, want %v", got, want.invalidProps)
	}
	if got := e.ReportCard != nil; got != want.reportCard {
		t.Errorf("got report card %v, want %v", got, want.reportCard)
	}
	if e.Method != http.MethodGet || e.Path != "/v4/sources/42" {
		t.Errorf("got %s %s, want GET /v4/sources/42", e.Method, e.Path)
	}
	// An empty answer's message is the status text; any other keeps its raw body.
	emptyAnswer := want.message == http.StatusText(status) || want.message == fmt.Sprintf("HTTP status %d", status)
	if len(e.Body) == 0 && !emptyAnswer {
		t.Errorf("got empty Body, want the raw answer")
	}
}

// TestErrorBodyShapes covers the families without example files (bare strings,
// raw or JSON-encoded) and edge cases.
func TestErrorBodyShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   wantError
	}{
		{name: "E raw text", status: 400, body: "you are at your destination limit", want: wantError{message: "you are at your destination limit"}},
		{name: "E JSON string", status: 400, body: `"you are at your destination limit"`, want: wantError{message: "you are at your destination limit"}},
		{name: "E invalid stream id", status: 400, body: "invalid stream-id: 12", want: wantError{message: "invalid stream-id: 12", notFound: true}},
		{name: "E invalid connection id", status: 400, body: `"invalid connection id"`, want: wantError{message: "invalid connection id", notFound: true}},
		{name: "E unable to locate dest", status: 400, body: "Unable to locate dest (9) for client (1) to delete", want: wantError{message: "Unable to locate dest (9) for client (1) to delete", notFound: true}},
		{name: "E body must contain streams", status: 400, body: "body must contain a 'streams' property with a list of metadatas by tap_stream_id", want: wantError{message: "body must contain a 'streams' property with a list of metadatas by tap_stream_id"}},
		{name: "empty 404", status: 404, body: "", want: wantError{message: "Not Found", notFound: true}},
		{name: "empty 401", status: 401, body: "", want: wantError{message: "Unauthorized"}},
		{name: "whitespace 502", status: 502, body: " \n", want: wantError{message: "Bad Gateway"}},
		{name: "unknown status, empty", status: 499, body: "", want: wantError{message: "HTTP status 499"}},
		{name: "B with report card", status: 400, body: `{"error":"InvalidProperties","data":{"message":"properties do not match schema","bad_properties":["port"],"report_card":{"type":"postgres","current_step":1,"current_step_type":"form","steps":[{"type":"form","properties":[{"name":"port","is_required":true,"provided":false}]}]}}}`,
			want: wantError{code: "InvalidProperties", message: "properties do not match schema", bad: []string{"port"}, invalidProps: true, reportCard: true}},
		{name: "B without data", status: 400, body: `{"error":"Oops"}`, want: wantError{code: "Oops", message: "Oops"}},
		{name: "OAuth error description", status: 400, body: `{"error":"invalid_grant","error_description":"code expired"}`, want: wantError{code: "invalid_grant", message: "code expired"}},
		{name: "plain message object", status: 500, body: `{"message":"boom"}`, want: wantError{message: "boom"}},
		{name: "JSON array", status: 500, body: `[1,2]`, want: wantError{message: "Internal Server Error"}},
		{name: "C without message", status: 400, body: `{"error":{"type":"generic"}}`, want: wantError{code: "generic", message: "generic"}},
		{name: "F non-string field value", status: 400, body: `{"error":{"message":{"a":1}}}`, want: wantError{message: "a", bad: []string{"a"}}},
		{name: "HTML", status: 502, body: "<html><body>Bad gateway</body></html>", want: wantError{message: "<html><body>Bad gateway</body></html>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, newRecorder(t, reply{status: tt.status, body: tt.body, header: map[string]string{"Content-Type": "text/plain"}}), connect.WithRetry(1, 0, 0))
			_, err := c.GetSource(context.Background(), testToken, 42)
			assertAPIError(t, err, tt.status, tt.want)
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	apiErr := func(status int, code, msg string) error {
		return fmt.Errorf("op: %w", &connect.Error{Status: status, Code: code, Message: msg})
	}
	tests := []struct {
		name                                                   string
		err                                                    error
		notFound, unauthorized, rateLimited, upstream, invalid bool
		unknownType                                            bool
	}{
		{name: "nil", err: nil},
		{name: "plain error", err: errors.New("x")},
		{name: "404", err: apiErr(404, "", "Not Found"), notFound: true, unknownType: true},
		{name: "400 InvalidName", err: apiErr(400, "InvalidName", "x"), unknownType: true},
		{name: "400 coded but not found-like", err: apiErr(400, "InvalidBody", "invalid connection id"), unknownType: true},
		{name: "401", err: apiErr(401, "", ""), unauthorized: true},
		{name: "403", err: apiErr(403, "", ""), unauthorized: true},
		{name: "429", err: apiErr(429, "", ""), rateLimited: true, upstream: true},
		{name: "500", err: apiErr(500, "", ""), upstream: true},
		{name: "503", err: apiErr(503, "", ""), upstream: true},
		{name: "invalid properties", err: apiErr(400, connect.CodeInvalidProperties, ""), invalid: true, unknownType: true},
		{name: "network", err: fmt.Errorf("op: %w", &connect.NetworkError{Err: errors.New("reset")}), upstream: true},
		{name: "deadline", err: fmt.Errorf("op: %w", context.DeadlineExceeded), upstream: true},
		{name: "canceled", err: fmt.Errorf("op: %w", context.Canceled)},
		{name: "canceled network", err: &connect.NetworkError{Err: context.Canceled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := []bool{connect.IsNotFound(tt.err), connect.IsUnauthorized(tt.err), connect.IsRateLimited(tt.err), connect.IsUpstreamUnavailable(tt.err), connect.IsInvalidProperties(tt.err), connect.IsUnknownType(tt.err)}
			want := []bool{tt.notFound, tt.unauthorized, tt.rateLimited, tt.upstream, tt.invalid, tt.unknownType}
			if !slices.Equal(got, want) {
				t.Errorf("got [notFound unauthorized rateLimited upstream invalid unknownType] %v, want %v", got, want)
			}
		})
	}
}

// TestSecretsNeverInError checks neither the token, the partner secret, the
// OAuth code nor the request body leak into error text, even when the server
// echoes them back.
func TestSecretsNeverInError(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"InvalidProperties","data":{"message":"you sent %s %s %s","bad_properties":["%s"]}}`,
			r.Header.Get("Authorization"), r.PostForm.Get("client_secret"), r.PostForm.Get("code"), r.Header.Get("Authorization"))
	})
	c := newTestClient(t, echo)
	const password = "hunter2-db-password"
	_, errSource := c.CreateSource(context.Background(), testToken, connect.CreateSourceRequest{Type: "platform.postgres", DisplayName: "PG", Properties: map[string]any{"password": password}})
	_, errCode := c.ExchangeCode(context.Background(), "one-time-code-123")
	_, errAcct := c.CreateAccount(context.Background(), connect.CreateAccountRequest{Email: "a@b.c"})
	for name, err := range map[string]error{"create source": errSource, "exchange code": errCode, "create account": errAcct} {
		if err == nil {
			t.Fatalf("%s: got no error, want one", name)
		}
		var e *connect.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: got %T, want *connect.Error", name, err)
		}
		for _, secret := range []string{testToken, partnerSecret, password, "one-time-code-123"} {
			if strings.Contains(err.Error(), secret) || strings.Contains(string(e.Body), secret) || strings.Contains(e.Message, secret) {
				t.Errorf("%s: error %q or body %q contains a secret", name, err, e.Body)
			}
		}
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *connect.Error
		want string
	}{
		{&connect.Error{Method: "GET", Path: "/v4/sources/1", Status: 404, Message: "Not Found"}, "connect: GET /v4/sources/1: 404: Not Found"},
		{&connect.Error{Method: "POST", Path: "/v4/sources", Status: 400, Code: "InvalidProperties", Message: "properties do not match schema", BadProperties: []string{"port"}},
			"connect: POST /v4/sources: 400 InvalidProperties: properties do not match schema [port]"},
		{&connect.Error{Method: "DELETE", Path: "/x", Status: 400, Code: "NotFound", Message: "NotFound"}, "connect: DELETE /x: 400 NotFound"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
