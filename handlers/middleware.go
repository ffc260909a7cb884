package handlers

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// HeaderRequestID carries the request id, inbound (from a trusted proxy) and outbound.
const HeaderRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID gives every request an id, kept from X-Request-Id when it looks
// sane, and puts it in the response and the request context.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(HeaderRequestID)
			if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n\"") {
				id = newRequestID()
			}
			c.Response().Header().Set(HeaderRequestID, id)
			ctx := context.WithValue(c.Request().Context(), requestIDKey{}, id)
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// newRequestID is 16 random URL-safe characters (96 bits). An id only
// correlates log lines, it guards nothing: math/rand/v2's generator
// (ChaCha8, seeded by the runtime) is unpredictable enough and, unlike
// crypto/rand, costs no system call.
func newRequestID() string {
	var raw [12]byte
	binary.LittleEndian.PutUint64(raw[:8], rand.Uint64())
	binary.LittleEndian.PutUint32(raw[8:], rand.Uint32())
	var out [16]byte
	base64.RawURLEncoding.Encode(out[:], raw[:])
	return string(out[:])
}

// chain composes middleware once, around whatever handler the router found
// (c.Handler()). Echo v4 applies the middleware given to Use to each
// request's handler, which costs a closure per middleware and request;
// Use(chain(…)) runs the same middleware in the same order, built once.
func chain(mws ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	h := echo.HandlerFunc(func(c echo.Context) error { return c.Handler()(c) })
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return func(echo.HandlerFunc) echo.HandlerFunc { return h }
}

// StatusClientClosedRequest is logged when the client went away before the
// answer (nginx's 499): not a server error.
const StatusClientClosedRequest = 499

// accessLog logs one line per request. It logs the path without the query
// string (OAuth codes and states travel there), with token-bearing segments
// redacted (logPath), and never any header. A request the client abandoned
// is logged as such, at INFO, not as a 500.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req := c.Request()
			level := slog.LevelInfo
			status := c.Response().Status
			aborted := clientGone(req.Context())
			switch {
			case aborted:
				status = StatusClientClosedRequest
			case status == http.StatusServiceUnavailable:
				level = slog.LevelWarn // Stitch or Redis is down: reported once by whoever noticed
			case status >= 500:
				level = slog.LevelError
			}
			if req.URL.Path == "/healthz" || req.URL.Path == "/readyz" || strings.HasPrefix(req.URL.Path, "/static/") || req.URL.Path == "/favicon.ico" {
				level = slog.LevelDebug
			}
			if !log.Enabled(req.Context(), level) {
				return nil
			}
			r := slog.NewRecord(time.Now(), level, "request", 0)
			r.AddAttrs(
				slog.String("id", RequestID(req.Context())),
				slog.String("method", methodOf(c)),
				slog.String("path", logPath(c)),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("took", time.Since(start)),
			)
			if aborted {
				r.AddAttrs(slog.Bool("client_aborted", true))
			}
			_ = log.Handler().Handle(req.Context(), r)
			return nil
		}
	}
}

// clientGone reports whether the request's client went away (its context
// was cancelled by the server because the connection closed).
func clientGone(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// tokenPaths are path prefixes whose next segment is a bearer secret.
var tokenPaths = []string{"/launch/", "/handoff/"}

// secretParams are route parameters that carry secrets.
var secretParams = map[string]bool{"token": true, "ticket": true, "state": true, "code": true}

// logPath is the request path fit for a log line: a launch token (or any
// route parameter named like a secret) becomes "[redacted]".
func logPath(c echo.Context) string {
	p := c.Request().URL.Path
	for _, pre := range tokenPaths {
		if rest, ok := strings.CutPrefix(p, pre); ok && rest != "" {
			return pre + "[redacted]"
		}
	}
	for _, name := range c.ParamNames() {
		if v := c.Param(name); secretParams[name] && v != "" {
			p = strings.ReplaceAll(p, v, "[redacted]")
		}
	}
	return p
}

type headKey struct{}

// headAsGet lets every GET route answer HEAD. Echo routes the very request
// it was given, so this pre-routing middleware turns its method into GET;
// headRestored (the first routed middleware) turns it back into HEAD, so
// net/http, which holds that request, drops the body and still sends the
// headers a GET would (Content-Length included). Handlers see a GET (their
// copy of the request) and isHead tells those whose GET has an effect
// (redeeming a launch token).
func headAsGet() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodHead {
				return next(c)
			}
			req.Method = http.MethodGet
			c.SetRequest(req.WithContext(context.WithValue(req.Context(), headKey{}, req)))
			return next(c)
		}
	}
}

// headRestored gives the server's request its HEAD method back, once routed.
func headRestored() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if orig, ok := c.Request().Context().Value(headKey{}).(*http.Request); ok {
				orig.Method = http.MethodHead
			}
			return next(c)
		}
	}
}

// isHead reports whether the request arrived as a HEAD.
func isHead(c echo.Context) bool {
	_, ok := c.Request().Context().Value(headKey{}).(*http.Request)
	return ok
}

// methodOf is the request's method as the client sent it.
func methodOf(c echo.Context) string {
	if isHead(c) {
		return http.MethodHead
	}
	return c.Request().Method
}

// bytesOf reads a size such as "1M", "512K" or "2048".
func bytesOf(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "KB"):
		mult, s = 1<<10, strings.TrimRight(s, "KB")
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "MB"):
		mult, s = 1<<20, strings.TrimRight(s, "MB")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a size like 1M or 512K")
	}
	return n * mult, nil
}

// ErrTooLarge is returned when a request body exceeds the limit: 413, as
// JSON under /api/.
var ErrTooLarge = echo.ErrStatusRequestEntityTooLarge

// bodyLimit caps request bodies at limit bytes, whether they declare a
// length or arrive chunked. Forms are parsed here, so an oversized form is
// answered 413 instead of failing later as a missing CSRF token.
func bodyLimit(limit int64, skipParse ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return ErrTooLarge
			}
			if req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			for _, p := range skipParse {
				if strings.HasPrefix(req.URL.Path, p) {
					return next(c)
				}
			}
			ct := req.Header.Get(echo.HeaderContentType)
			var err error
			switch {
			case strings.HasPrefix(ct, echo.MIMEMultipartForm):
				err = req.ParseMultipartForm(limit)
			case strings.HasPrefix(ct, echo.MIMEApplicationForm):
				err = req.ParseForm()
			}
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				return ErrTooLarge
			case err != nil:
				return echo.NewHTTPError(http.StatusBadRequest)
			}
			return next(c)
		}
	}
}

// ErrOrigin is returned when a state-changing request comes from another site.
var ErrOrigin = errors.New("request from another origin")

// sameOrigin refuses state-changing requests that a browser says come from
// another site: the Origin header must be Onramp's own origin (its base URL,
// or the Host it was reached at) or an embed origin; "null" (sandboxed
// frames, data: URLs) is refused. Without Origin, Sec-Fetch-Site must be
// same-origin or none, and a Referer, if any, must be of an allowed origin.
// Requests without any of these (non-browser clients) still need the CSRF
// token. Paths under skip (bearer-authenticated JSON APIs) are exempt.
func sameOrigin(baseURL string, embedOrigins []string, skip ...string) echo.MiddlewareFunc {
	own := strings.ToLower(OriginOf(baseURL))
	scheme, _, _ := strings.Cut(own, "://")
	embed := map[string]bool{}
	for _, o := range embedOrigins {
		embed[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			switch req.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			for _, p := range skip {
				if strings.HasPrefix(req.URL.Path, p) {
					return next(c)
				}
			}
			sch := scheme
			if sch == "" { // no base URL configured (tests): the request's own scheme
				sch = "http"
				if req.TLS != nil {
					sch = "https"
				}
			}
			self := func(o string) bool {
				return o != "" && (o == own || o == sch+"://"+strings.ToLower(req.Host))
			}
			origin := strings.ToLower(req.Header.Get("Origin"))
			site := strings.ToLower(req.Header.Get("Sec-Fetch-Site"))
			var ok bool
			switch {
			case origin != "":
				ok = self(origin) || embed[origin]
				if site == "same-site" || site == "cross-site" {
					ok = ok && embed[origin]
				}
			case site != "":
				ok = site == "same-origin" || site == "none"
			default:
				ref := strings.ToLower(OriginOf(req.Header.Get("Referer")))
				ok = req.Header.Get("Referer") == "" || self(ref) || embed[ref]
			}
			if !ok {
				return ErrOrigin
			}
			return next(c)
		}
	}
}

// recoverPanics turns a panic into a 500 page and logs the stack (never shown).
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.Error("panic", "id", RequestID(c.Request().Context()), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = errors.New("internal error")
				}
			}()
			return next(c)
		}
	}
}

// SecurityOptions configures the security headers.
type SecurityOptions struct {
	// FrameAncestors are the origins allowed to frame Onramp, besides itself.
	FrameAncestors []string
	// FormTargets are extra origins forms may post to (none by default: no
	// Onramp form posts to the Stitch app, whose popup has no form entry).
	FormTargets []string
	// ConnectTargets are extra origins scripts may fetch.
	ConnectTargets []string
}

// securityHeaders sets CSP (no inline scripts), framing, sniffing and referrer policy.
func securityHeaders(o SecurityOptions) echo.MiddlewareFunc {
	ancestors := append([]string{"'self'"}, o.FrameAncestors...)
	forms := append([]string{"'self'"}, o.FormTargets...)
	connect := append([]string{"'self'"}, o.ConnectTargets...)
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: https:",
		"font-src 'self'",
		"connect-src " + strings.Join(connect, " "),
		"form-action " + strings.Join(forms, " "),
		"frame-ancestors " + strings.Join(ancestors, " "),
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
	// The same values go out on every response: built once, and shared
	// (their len == cap, so a later Header.Add copies instead of writing
	// into them).
	fixed := [][2]string{
		{"Content-Security-Policy", csp},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Cross-Origin-Opener-Policy", "same-origin-allow-popups"},
	}
	if len(o.FrameAncestors) == 0 {
		fixed = append(fixed, [2]string{"X-Frame-Options", "SAMEORIGIN"})
	}
	values := make([][]string, len(fixed))
	for i, kv := range fixed {
		values[i] = []string{kv[1]}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			for i, kv := range fixed {
				h[kv[0]] = values[i]
			}
			return next(c)
		}
	}
}

// ErrCSRF is returned when a state-changing request lacks a valid CSRF token.
var ErrCSRF = errors.New("missing or invalid CSRF token")

// csrfField is the hidden form field carrying the CSRF token.
const csrfField = "_csrf"

// csrf protects every state-changing request with a token bound to the session
// (not a separate cookie, so it survives in a partitioned, cross-site iframe).
// Paths under skip (bearer-authenticated JSON APIs) are exempt.
func csrf(skip ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			switch req.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			for _, p := range skip {
				if strings.HasPrefix(req.URL.Path, p) {
					return next(c)
				}
			}
			tok := req.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = req.FormValue(csrfField)
			}
			if !sessionOf(c).validCSRF(tok) {
				return ErrCSRF
			}
			return next(c)
		}
	}
}

// OriginOf returns scheme://host of a URL, or "" when it has none.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
