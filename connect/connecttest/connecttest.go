// Package connecttest runs a connect.Client against an in-process server, the
// way google/go-github's tests do: the handler is mounted under a path prefix
// so that any absolute URL built by the client misses it and fails the test.
// Both the client's unit tests and the contract suite (client against the
// emulator) use it.
package connecttest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// Prefix is the path under which NewServer mounts the handler.
const Prefix = "/_stitch"

// Server is an httptest server that serves a handler under Prefix.
type Server struct {
	*httptest.Server
}

// BaseURL is the API root to give to connect.WithBaseURL.
func (s *Server) BaseURL() string { return s.URL + Prefix }

// NewServer starts a server on 127.0.0.1 serving h under Prefix; requests
// outside the prefix fail tb and get a 599. It is closed with tb's cleanup.
func NewServer(tb testing.TB, h http.Handler) *Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.Handle(Prefix+"/", http.StripPrefix(Prefix, h))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		tb.Errorf("request outside base URL prefix %q: %s %s", Prefix, r.Method, r.URL.Path)
		http.Error(w, "outside base URL", 599)
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return &Server{Server: srv}
}

// NewClient starts a server for h (see NewServer) and returns a client aimed
// at it, with fast retries so that tests stay quick. opts are applied last.
func NewClient(tb testing.TB, h http.Handler, opts ...connect.Option) (*connect.Client, *Server) {
	tb.Helper()
	srv := NewServer(tb, h)
	base := []connect.Option{
		connect.WithBaseURL(srv.BaseURL()),
		connect.WithHTTPClient(srv.Client()),
		connect.WithTimeout(5 * time.Second),
		connect.WithRetry(connect.DefaultRetryAttempts, time.Millisecond, 10*time.Millisecond),
	}
	return connect.New(append(base, opts...)...), srv
}
