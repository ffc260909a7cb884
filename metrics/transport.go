package metrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Transport wraps next (nil: http.DefaultTransport) so each attempt of a
// Connect API call is counted and timed by endpoint pattern, method and
// status class. basePath is the path prefix of the API base URL
// ("/_stitch" for the embedded emulator, "" for Stitch). With requestID set,
// the caller's request id travels as X-Request-Id, so upstream logs can be
// joined with Onramp's.
func (m *Metrics) Transport(next http.RoundTripper, basePath string, requestID func(context.Context) string) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{m: m, next: next, base: strings.TrimRight(basePath, "/"), requestID: requestID}
}

type transport struct {
	m         *Metrics
	next      http.RoundTripper
	base      string
	requestID func(context.Context) string
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.requestID != nil && req.Header.Get("X-Request-Id") == "" {
		if id := t.requestID(req.Context()); id != "" {
			req = req.Clone(req.Context()) // a RoundTripper must not modify the caller's request
			req.Header.Set("X-Request-Id", id)
		}
	}
	if t.m == nil {
		return t.next.RoundTrip(req)
	}
	endpoint, method := t.Endpoint(req.URL.Path), req.Method
	if !knownMethod[method] {
		method = "other"
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	t.m.stitchDuration.WithLabelValues(endpoint, method).Observe(time.Since(start).Seconds())
	class := statusClass(req.Context(), resp, err)
	t.m.stitchRequests.WithLabelValues(endpoint, method, class).Inc()
	if class == "timeout" {
		t.m.stitchTimeouts.WithLabelValues(endpoint, method).Inc()
	}
	return resp, err
}

// Endpoint is the pattern of an absolute request path of this API.
func (t *transport) Endpoint(path string) string {
	rest, ok := strings.CutPrefix(path, t.base)
	if !ok {
		return "other"
	}
	return Endpoint(rest)
}

func statusClass(ctx context.Context, resp *http.Response, err error) string {
	if err == nil {
		return string("0123456789"[min(max(resp.StatusCode/100, 0), 9)]) + "xx"
	}
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded),
		errors.As(err, &te) && te.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error"
}

// Retry counts one retry of a Connect API request; path is below the base
// URL ("/v4/sources/12"). It fits connect.WithRetryHook.
func (m *Metrics) Retry(_ context.Context, method, path string, _ int) {
	if m == nil {
		return
	}
	if !knownMethod[method] {
		method = "other"
	}
	m.stitchRetries.WithLabelValues(Endpoint(path), method).Inc()
}
