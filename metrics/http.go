package metrics

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Unmatched is the route label of requests that matched no route (a 404
// or 405 from the router itself): never the raw URL, which is unbounded.
const Unmatched = "unmatched"

// Middleware counts and times every request by route pattern (c.Path()),
// method and status. Install it with e.Pre, first, so it sees the method
// the client sent (before HEAD is routed as GET) and the final status.
// routes lists the registered patterns; it is read once, on the first request.
func (m *Metrics) Middleware(routes func() []*echo.Route) echo.MiddlewareFunc {
	var once sync.Once
	known := map[string]bool{}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if m == nil {
			return next
		}
		return func(c echo.Context) error {
			once.Do(func() {
				for _, r := range routes() {
					known[r.Path] = true
				}
			})
			method := c.Request().Method
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			route := c.Path()
			if !known[route] {
				route = Unmatched
			}
			if !knownMethod[method] {
				method = "other"
			}
			status := c.Response().Status
			if clientGone(c.Request()) {
				status = 499
			}
			o := m.routeObservers(route, method, status)
			o.requests.Inc()
			o.duration.Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// routeKey is one label set of the HTTP collectors.
type routeKey struct {
	route, method string
	status        int
}

// routeObserver is a label set's counter and histogram, looked up once:
// hashing the label values on every request costs more than counting.
type routeObserver struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// routeObservers returns the collectors of a label set (route and method
// are bounded by the routes and knownMethod, status by HTTP).
func (m *Metrics) routeObservers(route, method string, status int) routeObserver {
	k := routeKey{route, method, status}
	if o, ok := m.routes.Load(k); ok {
		return o.(routeObserver)
	}
	o := routeObserver{
		requests: m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)),
		duration: m.httpDuration.WithLabelValues(route, method),
	}
	m.routes.Store(k, o)
	return o
}

var knownMethod = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodDelete: true, http.MethodPatch: true, http.MethodOptions: true,
}

func clientGone(r *http.Request) bool { return r.Context().Err() != nil }

// Handler serves the registry in the Prometheus text format. With a token,
// it answers 401 unless the request carries "Authorization: Bearer TOKEN".
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="onramp-metrics"`)
			http.Error(w, "metrics need Authorization: Bearer ONRAMP_METRICS_TOKEN", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// safeType is t when it looks like a Stitch source or destination type
// ("platform.mysql": ^[a-z0-9][a-z0-9._-]{0,63}$), else "other". A loop, not
// a regexp: it runs on every form page.
func safeType(t string) string {
	if t == "" || len(t) > 64 {
		return "other"
	}
	for i := 0; i < len(t); i++ {
		switch b := t[i]; {
		case 'a' <= b && b <= 'z', '0' <= b && b <= '9':
		case (b == '.' || b == '_' || b == '-') && i > 0:
		default:
			return "other"
		}
	}
	return t
}

// Endpoint is the pattern of a Connect API path below the base URL
// ("/v4/sources/12/streams" → "/v4/sources/{id}/streams"), or "other".
func Endpoint(path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range endpoints {
		if match(p, segs) {
			return "/" + strings.Join(p, "/")
		}
	}
	return "other"
}

// endpoints are the Connect API paths the client calls.
var endpoints = func() [][]string {
	var out [][]string
	for _, p := range []string{
		"v3/accounts", "oauth/token", "v3/sessions/ephemeral",
		"v4/source-types", "v4/source-types/{type}",
		"v4/destination-types", "v4/destination-types/{type}",
		"v4/sources", "v4/sources/{id}", "v4/sources/{id}/sync", "v4/sources/{id}/last-connection-check",
		"v4/sources/{id}/streams", "v4/sources/{id}/streams/metadata", "v4/sources/{id}/streams/{id}",
		"v4/destinations", "v4/destinations/{id}", "v4/destinations/{id}/last-connection-check",
		"v4/{id}/extractions",
	} {
		out = append(out, strings.Split(p, "/"))
	}
	return out
}()

func match(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		switch p {
		case "{id}":
			if _, err := strconv.ParseInt(segs[i], 10, 64); err != nil {
				return false
			}
		case "{type}":
			if segs[i] == "" {
				return false
			}
		default:
			if p != segs[i] {
				return false
			}
		}
	}
	return true
}
