package connect_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

// echoUpstream answers every request 400 with an error whose message, bad
// properties and raw body repeat the request body, raw and JSON-escaped,
// and the Authorization header: the worst an upstream can do.
func echoUpstream(status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		quoted := strings.Trim(fmt.Sprintf("%q", string(body)), `"`)
		fmt.Fprintf(w, `{"error":"InvalidProperties","data":{"message":"you sent %s with %s","bad_properties":["%s"],"echo":%s}}`,
			quoted, r.Header.Get("Authorization"), quoted, orNull(body))
	})
}

func orNull(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "null"
	}
	return string(b)
}

// TestEchoingUpstreamNeverLeaksSecrets sends typed passwords, OAuth tokens
// and client secrets through every method with a body, to a fake that
// echoes them back (with a 400 and with a retried 503), and checks neither
// the error, its body, nor a log line of the client contains any of them.
func TestEchoingUpstreamNeverLeaksSecrets(t *testing.T) {
	t.Parallel()
	const (
		password     = `hunter2-"db"-pässword\`
		clientSecret = "gocspx-client-secret-42"
		refreshToken = "1//refresh-token-value"
		apiKey       = "sk_live_4242424242"
	)
	secrets := []string{testToken, partnerSecret, password, clientSecret, refreshToken, apiKey, `hunter2-\"db\"`}
	for _, status := range []int{http.StatusBadRequest, http.StatusServiceUnavailable} {
		var logs bytes.Buffer
		c := newTestClient(t, echoUpstream(status),
			connect.WithRetry(2, 0, 0), connect.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		ctx := context.Background()
		props := map[string]any{"host": "db.example.com", "password": password, "api_key": apiKey}
		oauth := map[string]any{"client_id": "id-1", "client_secret": clientSecret, "refresh_token": refreshToken}
		calls := map[string]func() error{
			"create source": func() error {
				_, err := c.CreateSource(ctx, testToken, connect.CreateSourceRequest{Type: "platform.postgres", DisplayName: "PG", Properties: props})
				return err
			},
			"update source": func() error {
				_, err := c.UpdateSource(ctx, testToken, 7, connect.UpdateSourceRequest{Properties: oauth})
				return err
			},
			"create destination": func() error {
				_, err := c.CreateDestination(ctx, testToken, connect.CreateDestinationRequest{Type: "postgres", Properties: props})
				return err
			},
			"update destination": func() error {
				_, err := c.UpdateDestination(ctx, testToken, 8, props)
				return err
			},
			"create account": func() error {
				_, err := c.CreateAccount(ctx, connect.CreateAccountRequest{Email: "a@example.com"})
				return err
			},
			"exchange code": func() error {
				_, err := c.ExchangeCode(ctx, "one-time-code-123")
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if err == nil {
				t.Fatalf("%d %s: got no error, want one", status, name)
			}
			var e *connect.Error
			if !errors.As(err, &e) {
				t.Fatalf("%d %s: got %T, want *connect.Error", status, name, err)
			}
			if !strings.Contains(string(e.Body), "[REDACTED]") {
				t.Errorf("%d %s: body %q shows no redaction: the fake did not echo, so the test proves nothing", status, name, e.Body)
			}
			for _, s := range append(secrets, "one-time-code-123") {
				for what, text := range map[string]string{"Error()": err.Error(), "Body": string(e.Body), "Message": e.Message, "BadProperties": fmt.Sprint(e.BadProperties)} {
					if strings.Contains(text, s) {
						t.Errorf("%d %s: %s contains secret %q: %s", status, name, what, s, text)
					}
				}
			}
		}
		if status == http.StatusServiceUnavailable && !strings.Contains(logs.String(), "retrying") {
			t.Errorf("no retry was logged, so the log check proves nothing:\n%s", logs.String())
		}
		for _, s := range secrets {
			if strings.Contains(logs.String(), s) {
				t.Errorf("%d: a log line contains secret %q:\n%s", status, s, logs.String())
			}
		}
	}
}
