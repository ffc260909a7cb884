package connect_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// gatedServer answers GET /v4/source-types with [] once the test opens the
// gate, so a whole burst of requests is in flight at once; it counts the
// connections clients open to it.
type gatedServer struct {
	srv     *httptest.Server
	newConn atomic.Int64
	arrived chan int // the protocol major version of each request
	mu      sync.Mutex
	gate    chan struct{}
}

func newGatedServer(tb testing.TB, tlsHTTP2 bool) *gatedServer {
	tb.Helper()
	g := &gatedServer{arrived: make(chan int, 1024)}
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		gate := g.gate
		g.mu.Unlock()
		g.arrived <- r.ProtoMajor
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[]"))
	}))
	g.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			g.newConn.Add(1)
		}
	}
	if tlsHTTP2 {
		g.srv.EnableHTTP2 = true
		g.srv.StartTLS()
	} else {
		g.srv.Start()
	}
	tb.Cleanup(g.srv.Close)
	return g
}

// burst sends n concurrent calls, holds them until all n have arrived, then
// lets them finish; it returns the protocol versions the server saw.
func (g *gatedServer) burst(tb testing.TB, c *connect.Client, n int) []int {
	tb.Helper()
	gate := make(chan struct{})
	g.mu.Lock()
	g.gate = gate
	g.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListSourceTypes(context.Background(), testToken); err != nil {
				errs <- err
			}
		}()
	}
	protos := make([]int, 0, n)
	deadline := time.After(10 * time.Second)
	for len(protos) < n {
		select {
		case p := <-g.arrived:
			protos = append(protos, p)
		case err := <-errs:
			tb.Fatalf("call failed: %v", err)
		case <-deadline:
			tb.Fatalf("only %d of %d requests arrived together", len(protos), n)
		}
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("call failed: %v", err)
	}
	return protos
}

// TestTransportKeepsConnectionsForConcurrentCalls: bursts of 64 concurrent
// calls reuse the connections the first burst opened. Go's default
// transport keeps two idle connections per host, so each later burst would
// open (and against Stitch, TLS-handshake) about 62 new ones.
func TestTransportKeepsConnectionsForConcurrentCalls(t *testing.T) {
	t.Parallel()
	const parallel, bursts = 64, 4
	g := newGatedServer(t, false)
	c := connect.New(connect.WithBaseURL(g.srv.URL), connect.WithRetry(1, 0, 0))
	for range bursts {
		g.burst(t, c, parallel)
	}
	if got := g.newConn.Load(); got > parallel {
		t.Fatalf("got %d new connections for %d bursts of %d concurrent calls, want at most %d (one burst's worth)", got, bursts, parallel, parallel)
	}
}

// TestTransportSpeaksHTTP2 over TLS: concurrent calls share a connection.
func TestTransportSpeaksHTTP2(t *testing.T) {
	t.Parallel()
	g := newGatedServer(t, true)
	tr := connect.NewTransport()
	srvTLS := g.srv.Client().Transport.(*http.Transport).TLSClientConfig
	tr.TLSClientConfig = &tls.Config{RootCAs: srvTLS.RootCAs}
	c := connect.New(connect.WithBaseURL(g.srv.URL), connect.WithHTTPClient(&http.Client{Transport: tr}), connect.WithRetry(1, 0, 0))
	g.burst(t, c, 1) // the first connection, negotiated
	for _, p := range g.burst(t, c, 64) {
		if p != 2 {
			t.Fatalf("got HTTP/%d, want HTTP/2 where the server offers it", p)
		}
	}
	if got := g.newConn.Load(); got != 1 {
		t.Fatalf("got %d connections, want 1: HTTP/2 multiplexes the calls", got)
	}
}

// TestNewTransportKeepsTimeouts: the pool is resized, the default
// transport's timeouts are kept.
func TestNewTransportKeepsTimeouts(t *testing.T) {
	t.Parallel()
	tr := connect.NewTransport()
	def := http.DefaultTransport.(*http.Transport)
	if tr.MaxIdleConnsPerHost < 64 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost || !tr.ForceAttemptHTTP2 {
		t.Fatalf("got MaxIdleConnsPerHost %d, MaxIdleConns %d, ForceAttemptHTTP2 %v; want ≥ 64, ≥ per host, true", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.ForceAttemptHTTP2)
	}
	if tr.TLSHandshakeTimeout != def.TLSHandshakeTimeout || tr.IdleConnTimeout != def.IdleConnTimeout || tr.ExpectContinueTimeout != def.ExpectContinueTimeout || tr.TLSHandshakeTimeout == 0 {
		t.Fatalf("timeouts changed: got TLS %v idle %v expect %v, want %v %v %v", tr.TLSHandshakeTimeout, tr.IdleConnTimeout, tr.ExpectContinueTimeout, def.TLSHandshakeTimeout, def.IdleConnTimeout, def.ExpectContinueTimeout)
	}
	if tr == def {
		t.Fatal("NewTransport returned the shared default transport")
	}
}
