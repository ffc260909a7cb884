package connect_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

const okSource = `{"id":42,"type":"platform.mysql","report_card":{"type":"platform.mysql","current_step":1,"current_step_type":"form","steps":[]}}`

func TestGetRetriedHonouringRetryAfter(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t,
				reply{status: status, header: map[string]string{"Retry-After": "1"}, body: `"busy"`},
				reply{status: http.StatusOK, body: okSource},
			)
			c := newTestClient(t, rec, connect.WithRetry(3, time.Millisecond, 2*time.Second))
			src, err := c.GetSource(context.Background(), testToken, 42)
			if err != nil || src.ID != 42 {
				t.Fatalf("got %v %v, want the source after one retry", src, err)
			}
			reqs := rec.requests()
			if len(reqs) != 2 {
				t.Fatalf("got %d requests, want 2", len(reqs))
			}
			if wait := reqs[1].Elapsed - reqs[0].Elapsed; wait < 900*time.Millisecond {
				t.Fatalf("retried after %v, want the 1 s Retry-After honoured", wait)
			}
		})
	}
}

func TestRetryGivesUpAndReportsRateLimit(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, reply{status: http.StatusTooManyRequests, body: `"slow down"`})
	c := newTestClient(t, rec, connect.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	_, err := c.ListSources(context.Background(), testToken)
	if !connect.IsRateLimited(err) || !connect.IsUpstreamUnavailable(err) {
		t.Fatalf("got %v, want a rate-limit error", err)
	}
	if n := len(rec.requests()); n != 3 {
		t.Fatalf("got %d attempts, want 3", n)
	}
}

func TestPutRetriedWithTheSameBody(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, reply{status: http.StatusBadGateway, body: ""}, reply{status: http.StatusOK, body: okSource})
	c := newTestClient(t, rec, connect.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	_, err := c.UpdateSource(context.Background(), testToken, 42, connect.UpdateSourceRequest{Properties: map[string]any{"port": "3306"}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || string(reqs[0].Body) != string(reqs[1].Body) || !strings.Contains(string(reqs[1].Body), `"port":"3306"`) {
		t.Fatalf("got %d requests with bodies %q / %q, want the same body twice", len(reqs), reqs[0].Body, reqs[len(reqs)-1].Body)
	}
}

func TestPostNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway} {
		rec := newRecorder(t, reply{status: status, header: map[string]string{"Retry-After": "0"}, body: `"busy"`}, reply{status: http.StatusOK, body: okSource})
		c := newTestClient(t, rec, connect.WithRetry(5, time.Millisecond, 5*time.Millisecond))
		_, err := c.CreateSource(context.Background(), testToken, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: "x"})
		if err == nil || !connect.IsUpstreamUnavailable(err) {
			t.Fatalf("status %d: got %v, want the error", status, err)
		}
		if n := len(rec.requests()); n != 1 {
			t.Fatalf("status %d: POST sent %d times, want once", status, n)
		}
		oauth := newRecorder(t, reply{status: status, body: `"busy"`})
		c = newTestClient(t, oauth, connect.WithRetry(5, time.Millisecond, 5*time.Millisecond))
		if _, err := c.ExchangeCode(context.Background(), "code"); err == nil {
			t.Fatalf("status %d: the exchange succeeded", status)
		}
		if n := len(oauth.requests()); n != 1 {
			t.Fatalf("status %d: the OAuth code exchange was sent %d times, want once", status, n)
		}
	}
}

func TestTimeoutRespected(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := connect.New(connect.WithBaseURL(srv.URL), connect.WithTimeout(200*time.Millisecond), connect.WithRetry(1, 0, 0))
	start := time.Now()
	_, err := c.ListSourceTypes(context.Background(), testToken)
	took := time.Since(start)
	if !connect.IsUpstreamUnavailable(err) {
		t.Fatalf("got %v, want an upstream-unavailable error", err)
	}
	if took < 150*time.Millisecond || took > 2*time.Second {
		t.Fatalf("the call took %v, want about the 200 ms timeout", took)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatal("the token appears in the error")
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, reply{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "30"}, body: ""})
	c := newTestClient(t, rec, connect.WithRetry(3, time.Millisecond, time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetSource(ctx, testToken, 1)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %v, want a prompt error when the context ends", err, time.Since(start))
	}
}

func TestConnectionRefusedIsRetriedThenUnavailable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := connect.New(connect.WithBaseURL("http://"+addr), connect.WithRetry(2, time.Millisecond, 5*time.Millisecond))
	_, err = c.ListSources(context.Background(), testToken)
	var ne *connect.NetworkError
	if !connect.IsUpstreamUnavailable(err) || !errors.As(err, &ne) {
		t.Fatalf("got %v, want a network error that counts as upstream unavailable", err)
	}
}
