package connect_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// TestEveryMethodWrapsAPIErrors calls each method against a server answering
// 404 and checks the error names the operation and stays a *connect.Error.
func TestEveryMethodWrapsAPIErrors(t *testing.T) {
	t.Parallel()
	calls := map[string]func(context.Context, *connect.Client) error{
		"create account": func(ctx context.Context, c *connect.Client) error {
			_, err := c.CreateAccount(ctx, connect.CreateAccountRequest{})
			return err
		},
		"exchange oauth code": func(ctx context.Context, c *connect.Client) error { _, err := c.ExchangeCode(ctx, "x"); return err },
		"create ephemeral session": func(ctx context.Context, c *connect.Client) error {
			_, err := c.CreateEphemeralSession(ctx, testToken)
			return err
		},
		"list source types": func(ctx context.Context, c *connect.Client) error {
			_, err := c.ListSourceTypes(ctx, testToken)
			return err
		},
		`get source type "t"`: func(ctx context.Context, c *connect.Client) error {
			_, err := c.GetSourceType(ctx, testToken, "t")
			return err
		},
		`create source "t"`: func(ctx context.Context, c *connect.Client) error {
			_, err := c.CreateSource(ctx, testToken, connect.CreateSourceRequest{Type: "t"})
			return err
		},
		"get source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.GetSource(ctx, testToken, 1)
			return err
		},
		"list sources": func(ctx context.Context, c *connect.Client) error {
			_, err := c.ListSources(ctx, testToken)
			return err
		},
		"update source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.UpdateSource(ctx, testToken, 1, connect.UpdateSourceRequest{})
			return err
		},
		"delete source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.DeleteSource(ctx, testToken, 1)
			return err
		},
		"pause source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.PauseSource(ctx, testToken, 1, time.Now())
			return err
		},
		"unpause source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.UnpauseSource(ctx, testToken, 1)
			return err
		},
		"last connection check of source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.SourceLastConnectionCheck(ctx, testToken, 1)
			return err
		},
		"last connection check of destination 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.DestinationLastConnectionCheck(ctx, testToken, 1)
			return err
		},
		"list streams of source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.ListStreams(ctx, testToken, 1)
			return err
		},
		"get schema of stream 2 of source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.GetStreamSchema(ctx, testToken, 1, 2)
			return err
		},
		"update stream metadata of source 1": func(ctx context.Context, c *connect.Client) error {
			return c.UpdateStreamMetadata(ctx, testToken, 1, nil)
		},
		"list destination types": func(ctx context.Context, c *connect.Client) error {
			_, err := c.ListDestinationTypes(ctx, testToken)
			return err
		},
		`get destination type "t"`: func(ctx context.Context, c *connect.Client) error {
			_, err := c.GetDestinationType(ctx, testToken, "t")
			return err
		},
		`create destination "t"`: func(ctx context.Context, c *connect.Client) error {
			_, err := c.CreateDestination(ctx, testToken, connect.CreateDestinationRequest{Type: "t"})
			return err
		},
		"list destinations": func(ctx context.Context, c *connect.Client) error {
			_, err := c.ListDestinations(ctx, testToken)
			return err
		},
		"update destination 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.UpdateDestination(ctx, testToken, 1, nil)
			return err
		},
		"delete destination 1": func(ctx context.Context, c *connect.Client) error { return c.DeleteDestination(ctx, testToken, 1) },
		"start replication of source 1": func(ctx context.Context, c *connect.Client) error {
			_, err := c.StartReplication(ctx, testToken, 1)
			return err
		},
		"stop replication of source 1": func(ctx context.Context, c *connect.Client) error { return c.StopReplication(ctx, testToken, 1) },
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, newRecorder(t, reply{status: http.StatusNotFound}))
			err := call(context.Background(), c)
			if !connect.IsNotFound(err) {
				t.Fatalf("got %v, want a not-found *connect.Error", err)
			}
			if !strings.HasPrefix(err.Error(), op+": connect: ") {
				t.Errorf("got %q, want it to start with %q", err, op+": connect: ")
			}
		})
	}
}

// TestLongRetryAfterNotWaited checks a Retry-After beyond the retry cap ends
// the call at once, with the delay reported to the caller.
func TestLongRetryAfterNotWaited(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, reply{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "120"}})
	c := newTestClient(t, rec, connect.WithRetry(3, time.Millisecond, time.Second))
	start := time.Now()
	_, err := c.ListSources(context.Background(), testToken)
	var e *connect.Error
	if !errors.As(err, &e) || e.RetryAfter != 2*time.Minute || !connect.IsUpstreamUnavailable(err) {
		t.Fatalf("got %v, want a 503 *connect.Error with RetryAfter 2m", err)
	}
	if n, took := len(rec.requests()), time.Since(start); n != 1 || took > time.Second {
		t.Errorf("got %d requests in %v, want 1 without waiting", n, took)
	}
}

// TestRetryLogsWithoutSecrets checks retries are logged, with method and path
// but never the token.
func TestRetryLogsWithoutSecrets(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := newRecorder(t, reply{status: http.StatusBadGateway, body: `"` + testToken + `"`}, reply{status: http.StatusOK, body: `[]`})
	c := newTestClient(t, rec, connect.WithLogger(logger), connect.WithLogger(nil))
	if _, err := c.ListSources(context.Background(), testToken); err != nil {
		t.Fatalf("got %v, want success after a retry", err)
	}
	out := logs.String()
	if !strings.Contains(out, "retrying") || !strings.Contains(out, "path=/v4/sources") {
		t.Errorf("got logs %q, want a retry line naming the path", out)
	}
	if strings.Contains(out, testToken) {
		t.Errorf("got logs %q, want no token", out)
	}
}
