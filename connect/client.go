// Package connect is a typed client for the Stitch Connect API.
//
// It is shaped like google/go-github: one Client built with functional options,
// one method per endpoint, and one place (checkResponse) that turns non-2xx
// answers into a *Error. The client is multi-tenant: the bearer token is an
// argument of every call and never stored.
package connect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults used by New.
const (
	DefaultBaseURL          = "https://api.stitchdata.com"
	DefaultTimeout          = 15 * time.Second
	DefaultUserAgent        = "onramp-connect/1"
	DefaultMaxResponseBytes = 10 << 20
	DefaultRetryAttempts    = 3
	DefaultRetryBase        = 200 * time.Millisecond
	DefaultRetryCap         = 2 * time.Second
)

// ErrResponseTooLarge is returned (wrapped) when a successful answer is larger
// than the configured limit; the body is never silently truncated.
var ErrResponseTooLarge = errors.New("response body exceeds size limit")

// ErrNoPartnerCredentials is returned by calls that need the partner id and
// secret when the client was built without WithPartner.
var ErrNoPartnerCredentials = errors.New("partner credentials not configured")

// Client calls the Stitch Connect API. It is safe for concurrent use; build it
// once with New and share it between requests of all tenants.
type Client struct {
	baseURL          *url.URL // always ends with "/"
	baseErr          error
	httpClient       *http.Client
	timeout          time.Duration
	userAgent        string
	partnerID        string
	partnerSecret    string
	maxResponseBytes int64
	retryAttempts    int
	retryBase        time.Duration
	retryCap         time.Duration
	log              *slog.Logger
	onRetry          RetryHook // see WithRetryHook
}

// Option configures a Client built by New.
type Option func(*Client)

// WithBaseURL sets the API root, which may carry a path prefix
// (http://127.0.0.1:8080/_stitch); endpoint paths are joined below it. An
// invalid URL makes every call fail with a clear error.
func WithBaseURL(raw string) Option {
	return func(c *Client) {
		u, err := parseBaseURL(raw)
		c.baseURL, c.baseErr = u, err
	}
}

// WithHTTPClient sets the HTTP client used for every request (for its
// transport); per-attempt timeouts are applied through the context.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithTimeout sets the time limit of each attempt, body included (default 15s).
// Non-positive values keep the default: every outbound call has a timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithUserAgent sets the User-Agent header sent with every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// WithPartner sets the partner id and secret used by CreateAccount and ExchangeCode.
func WithPartner(id, secret string) Option {
	return func(c *Client) { c.partnerID, c.partnerSecret = id, secret }
}

// WithMaxResponseBytes limits the size of a response body (default 10 MiB).
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxResponseBytes = n
		}
	}
}

// WithRetry sets how idempotent requests are retried: at most maxAttempts
// attempts in total (1 disables retries), waiting an exponential backoff from
// base up to limit, with jitter. A Retry-After longer than limit is not waited
// for: the call fails at once with the error's RetryAfter set.
func WithRetry(maxAttempts int, base, limit time.Duration) Option {
	return func(c *Client) {
		c.retryAttempts = max(maxAttempts, 1)
		c.retryBase = max(base, 0)
		c.retryCap = max(limit, c.retryBase)
	}
}

// WithLogger sets the logger for retries and failures (default: discard).
// Tokens and request bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// DefaultMaxIdleConnsPerHost is how many idle keep-alive connections the
// transport of NewTransport keeps to the Connect API. Onramp calls one host,
// from every page it serves at once, and a page may make several calls in
// parallel (the sources list reads each source's last check; stream
// selection fetches several schemas): a pool smaller than that parallelism
// closes connections after each burst and opens (TLS handshakes) new ones
// on the next, as Go's default of two per host does.
const DefaultMaxIdleConnsPerHost = 128

// NewTransport returns the HTTP transport a Client uses by default: a clone
// of http.DefaultTransport (its proxy settings and its dial, TLS handshake,
// idle and Expect-Continue timeouts) with a keep-alive pool sized for
// Onramp's concurrency (DefaultMaxIdleConnsPerHost) and HTTP/2 attempted
// whenever the server offers it over TLS (many parallel calls then share
// one connection). Wrap it, don't replace it, to observe calls.
func NewTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second, IdleConnTimeout: 90 * time.Second}
	}
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, 2*DefaultMaxIdleConnsPerHost)
	return t
}

// New returns a Client configured by opts.
func New(opts ...Option) *Client {
	base, err := parseBaseURL(DefaultBaseURL)
	c := &Client{
		baseURL:          base,
		baseErr:          err,
		httpClient:       &http.Client{Transport: NewTransport()},
		timeout:          DefaultTimeout,
		userAgent:        DefaultUserAgent,
		maxResponseBytes: DefaultMaxResponseBytes,
		retryAttempts:    DefaultRetryAttempts,
		retryBase:        DefaultRetryBase,
		retryCap:         DefaultRetryCap,
		log:              slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// BaseURL returns the API root the client calls, without a trailing slash,
// or "" when the configured one was invalid.
func (c *Client) BaseURL() string {
	if c.baseURL == nil {
		return ""
	}
	return strings.TrimSuffix(c.baseURL.String(), "/")
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("connect: invalid base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("connect: invalid base URL %q: want http(s)://host[/prefix]", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// request describes one API call. path is relative to the base URL, without
// a leading slash, with its segments already escaped (see pathf).
type request struct {
	method      string
	path        string
	token       string // bearer token; empty for unauthenticated endpoints
	body        []byte
	contentType string
	secrets     []string // values redacted from error messages
	// once: never retried, even when idempotent (rate-limited endpoints,
	// where every attempt spends the caller's request budget).
	once bool
}

// jsonRequest builds a request whose body is v encoded as JSON.
func jsonRequest(method, path, token string, v any) (request, error) {
	r := request{method: method, path: path, token: token}
	if v == nil {
		return r, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return r, fmt.Errorf("encode request body: %w", err)
	}
	r.body, r.contentType = b, "application/json"
	r.secrets = bodySecrets(b)
	return r, nil
}

// secretKeys are body fields whose values are secrets wherever they appear.
var secretKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "client_secret": true, "partner_secret": true,
	"password": true, "secret": true, "token": true, "code": true, "code_verifier": true, "api_key": true,
}

// plainWord are values too common to be anybody's secret; blanking them
// would only garble error bodies ("selected":[REDACTED]).
var plainWord = map[string]bool{"true": true, "false": true, "null": true}

// bodySecrets lists the values of a JSON body that an error must never
// repeat: every string value under "properties" (the client cannot tell
// which properties are credentials, so it treats all as such) and every
// value of a secret-named field (access_token, client_secret, …) at any
// depth. An upstream that echoes the request body into its error then
// leaks nothing: redaction is by construction, not by a list of names
// callers must remember to pass.
func bodySecrets(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(x, secret || k == "properties" || secretKeys[strings.ToLower(k)])
			}
		case []any:
			for _, x := range t {
				walk(x, secret)
			}
		case string:
			if secret && !plainWord[t] {
				out = append(out, t)
			}
		case float64:
			if secret {
				out = append(out, fmt.Sprint(t))
			}
		}
	}
	walk(v, false)
	return out
}

// pathf joins segments into a relative path, escaping each one.
func pathf(segments ...string) string {
	esc := make([]string, len(segments))
	for i, s := range segments {
		esc[i] = url.PathEscape(s)
	}
	return strings.Join(esc, "/")
}

// idempotent reports whether a method may be retried: the request can be
// repeated without a second side effect.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// do sends r, retrying idempotent requests on transient failures, and decodes
// a 2xx JSON answer into v (when v is non-nil and the body is not empty).
func (c *Client) do(ctx context.Context, r request, v any) error {
	body, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	return decodeBody(r, body, v)
}

func decodeBody(r request, body []byte, v any) error {
	if v == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("connect: decode %s /%s response: %w", r.method, r.path, err)
	}
	return nil
}

// send performs r with retries and returns the body of a 2xx answer.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	u, err := c.baseURL.Parse(r.path)
	if err != nil {
		return nil, fmt.Errorf("connect: build URL for %q: %w", r.path, err)
	}
	attempts := 1
	if idempotent(r.method) && !r.once {
		attempts = c.retryAttempts
	}
	for attempt := 1; ; attempt++ {
		body, err := c.attempt(ctx, u, r)
		if err == nil {
			return body, nil
		}
		wait, retry := c.retryDelay(err, attempt)
		if !retry || attempt >= attempts {
			return nil, err
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "stitch connect request failed, retrying",
			slog.String("method", r.method), slog.String("path", "/"+r.path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if c.onRetry != nil {
			c.onRetry(ctx, r.method, "/"+r.path, attempt)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("connect: %s /%s: waiting to retry: %w", r.method, r.path, err)
		}
	}
}

// attempt performs one HTTP exchange under the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, u *url.URL, r request) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, r.method, u.String(), bytes.NewReader(r.body))
	if err != nil {
		return nil, fmt.Errorf("connect: build %s /%s request: %w", r.method, r.path, err)
	}
	if r.body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, r, err)
	}
	defer resp.Body.Close()
	body, tooLarge, err := readLimited(resp, c.maxResponseBytes)
	if err != nil {
		return nil, c.transportError(ctx, r, fmt.Errorf("read body: %w", err))
	}
	if err := checkResponse(resp, body, r); err != nil {
		return nil, err
	}
	if tooLarge {
		return nil, fmt.Errorf("connect: %s /%s: %w (limit %d bytes)", r.method, r.path, ErrResponseTooLarge, c.maxResponseBytes)
	}
	return body, nil
}

// readLimited reads at most limit bytes and reports whether there was more.
func readLimited(resp *http.Response, limit int64) ([]byte, bool, error) {
	if resp.ContentLength > limit {
		return nil, true, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	return b, false, nil
}

// transportError wraps a failure to get an answer. The caller's own
// cancellation or deadline is reported as such; anything else (per-attempt
// timeout, refused or reset connection) becomes a *NetworkError.
func (c *Client) transportError(ctx context.Context, r request, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("connect: %s /%s: %w", r.method, r.path, ctxErr)
	}
	ne := &NetworkError{Method: r.method, Path: "/" + r.path, Err: err}
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout() {
		ne.Timeout = true
	}
	return ne
}

// retryDelay decides whether err is worth another attempt and how long to wait.
func (c *Client) retryDelay(err error, attempt int) (time.Duration, bool) {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		switch apiErr.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
		if apiErr.RetryAfter > 0 {
			return apiErr.RetryAfter, apiErr.RetryAfter <= c.retryCap
		}
		return c.backoff(attempt), true
	}
	var ne *NetworkError
	if errors.As(err, &ne) && ne.connectionFailed() {
		return c.backoff(attempt), true
	}
	return 0, false
}

// backoff returns the capped exponential delay before attempt+1, with the
// upper half randomised so that concurrent callers spread out.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryBase
	for i := 1; i < attempt && d < c.retryCap; i++ {
		d *= 2
	}
	d = min(d, c.retryCap)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(half+1)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
