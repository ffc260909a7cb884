// Package app wires Onramp together: configuration, the Connect API client,
// the embedded emulator, the HTTP server and graceful shutdown. main.go stays
// tiny and tests (including e2e) start the whole product in-process.
package app

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onramp/onramp/i18n"
)

// EmulatorPrefix is the path under which the embedded emulator is mounted on
// Onramp's own port when no STITCH_API_URL is configured.
const EmulatorPrefix = "/_stitch"

// Demo partner credentials used with the embedded emulator.
const (
	DemoPartnerID     = "oc_demo_partner"
	DemoPartnerSecret = "oc_demo_secret"
)

// Config is everything Onramp reads from its environment. See README.md for
// the table of variables and defaults.
type Config struct {
	Addr          string   // ONRAMP_ADDR
	BaseURL       string   // ONRAMP_BASE_URL; derived from Addr when empty
	StitchAPIURL  string   // STITCH_API_URL; empty = embedded emulator
	StitchAppURL  string   // STITCH_APP_URL
	PartnerID     string   // STITCH_PARTNER_ID
	PartnerSecret string   // STITCH_PARTNER_SECRET
	SessionKeys   [][]byte // ONRAMP_SESSION_KEYS, decoded auth/encryption pairs
	EmbedOrigins  []string // ONRAMP_EMBED_ORIGINS
	LogLevel      slog.Level
	LogFormat     string        // text or json
	DebugFields   bool          // ONRAMP_DEBUG_FIELDS: allow ?all_fields=1
	TextsFile     string        // ONRAMP_TEXTS_FILE: label/hint overrides
	DefaultLocale string        // ONRAMP_DEFAULT_LOCALE: en, de, fr or es
	PseudoLocale  bool          // ONRAMP_PSEUDO_LOCALE: offer en-XA, which marks every translated string
	CacheTTL      time.Duration // ONRAMP_CACHE_TTL: report card cache
	CheckDelay    time.Duration // ONRAMP_EMULATOR_CHECK_DELAY
	APITimeout    time.Duration // ONRAMP_API_TIMEOUT
	OAuthApps     string        // ONRAMP_OAUTH_APPS: file or inline JSON of white-label OAuth apps
	ProductName   string        // ONRAMP_PRODUCT_NAME
	PartnerName   string        // ONRAMP_PARTNER_NAME
	Theme         string        // ONRAMP_THEME: JSON theme
	APIKeys       []string      // ONRAMP_API_KEYS: partner API keys for launch tokens
	LaunchTTL     time.Duration // ONRAMP_LAUNCH_TTL
	HandoffTTL    time.Duration // ONRAMP_HANDOFF_TTL: how long a hand-off link works
	ReturnURLs    []string      // ONRAMP_RETURN_URLS: allowed return_url prefixes
	RedisURL      string        // REDIS_URL
	EmbedDemo     bool          // ONRAMP_EMBED_DEMO: serve the example host page on a second port
	EmbedDemoAddr string        // ONRAMP_EMBED_DEMO_ADDR

	// TemplatesFile is ONRAMP_TEMPLATES_FILE: the partner templates
	// (package presets), checked at start-up against each type's report card;
	// TemplatesToken (ONRAMP_TEMPLATES_TOKEN) is the Stitch access token that
	// reads those cards against real Stitch (the emulator needs none).
	TemplatesFile  string
	TemplatesToken string

	// Now is the clock of launch token expiry (tests pass a fake one); nil means time.Now.
	Now func() time.Time

	MetricsAddr   string // ONRAMP_METRICS_ADDR: serve /metrics on this listener instead
	MetricsToken  string // ONRAMP_METRICS_TOKEN: bearer token /metrics requires
	WebhookURL    string // ONRAMP_WEBHOOK_URL: partner endpoint of signed webhooks
	WebhookSecret string // ONRAMP_WEBHOOK_SECRET: HMAC-SHA256 key of their signature
	// WebhookRetry tunes webhook delivery (tests shorten it); zero values keep the defaults.
	WebhookRetry WebhookRetry

	// Emulated is true when no STITCH_API_URL is set: the emulator runs in-process.
	Emulated bool
	// GeneratedKeys is true when session keys were generated at start-up.
	GeneratedKeys bool
}

// Embedded reports whether pages may be framed by other origins.
func (c Config) Embedded() bool { return len(c.EmbedOrigins) > 0 }

// LoadConfig reads the configuration from getenv and checks it is coherent.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:          envOr(getenv, "ONRAMP_ADDR", "127.0.0.1:8080"),
		BaseURL:       strings.TrimRight(getenv("ONRAMP_BASE_URL"), "/"),
		StitchAPIURL:  strings.TrimRight(getenv("STITCH_API_URL"), "/"),
		StitchAppURL:  strings.TrimRight(getenv("STITCH_APP_URL"), "/"),
		PartnerID:     getenv("STITCH_PARTNER_ID"),
		PartnerSecret: getenv("STITCH_PARTNER_SECRET"),
		LogFormat:     strings.ToLower(envOr(getenv, "ONRAMP_LOG_FORMAT", "text")),
		TextsFile:     getenv("ONRAMP_TEXTS_FILE"),
		DefaultLocale: strings.TrimSpace(getenv("ONRAMP_DEFAULT_LOCALE")),
		OAuthApps:     getenv("ONRAMP_OAUTH_APPS"),
		TemplatesFile: strings.TrimSpace(getenv("ONRAMP_TEMPLATES_FILE")),
		ProductName:   strings.TrimSpace(getenv("ONRAMP_PRODUCT_NAME")),
		PartnerName:   strings.TrimSpace(getenv("ONRAMP_PARTNER_NAME")),
		Theme:         getenv("ONRAMP_THEME"),
		APIKeys:       splitList(getenv("ONRAMP_API_KEYS")),
		ReturnURLs:    splitList(getenv("ONRAMP_RETURN_URLS")),
		RedisURL:      strings.TrimSpace(getenv("REDIS_URL")),
		EmbedDemoAddr: envOr(getenv, "ONRAMP_EMBED_DEMO_ADDR", "localhost:0"),
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	if err := c.LogLevel.UnmarshalText([]byte(envOr(getenv, "ONRAMP_LOG_LEVEL", "info"))); err != nil {
		add(fmt.Errorf("ONRAMP_LOG_LEVEL: want debug, info, warn or error: %w", err))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add(fmt.Errorf("ONRAMP_LOG_FORMAT: want text or json, got %q", c.LogFormat))
	}
	var err error
	c.DebugFields, err = parseBool(getenv, "ONRAMP_DEBUG_FIELDS", false)
	add(err)
	c.CacheTTL, err = parseDuration(getenv, "ONRAMP_CACHE_TTL", 5*time.Minute)
	add(err)
	c.CheckDelay, err = parseDuration(getenv, "ONRAMP_EMULATOR_CHECK_DELAY", 2*time.Second)
	add(err)
	c.APITimeout, err = parseDuration(getenv, "ONRAMP_API_TIMEOUT", 15*time.Second)
	add(err)
	c.LaunchTTL, err = parseDuration(getenv, "ONRAMP_LAUNCH_TTL", 5*time.Minute)
	add(err)
	c.HandoffTTL, err = parseDuration(getenv, "ONRAMP_HANDOFF_TTL", 72*time.Hour)
	add(err)
	c.EmbedDemo, err = parseBool(getenv, "ONRAMP_EMBED_DEMO", false)
	add(err)
	c.PseudoLocale, err = parseBool(getenv, "ONRAMP_PSEUDO_LOCALE", false)
	add(err)
	if c.DefaultLocale != "" {
		if _, err := i18n.New(i18n.Options{Default: c.DefaultLocale, Pseudo: c.PseudoLocale}); err != nil {
			add(fmt.Errorf("ONRAMP_DEFAULT_LOCALE: want one of %s, got %q", strings.Join(i18n.Shipped, ", "), c.DefaultLocale))
		}
	}
	for _, k := range c.APIKeys {
		if len(k) < 16 {
			add(errors.New("ONRAMP_API_KEYS: each key must be at least 16 characters"))
			break
		}
	}
	for _, r := range c.ReturnURLs {
		add(checkURL("ONRAMP_RETURN_URLS", r))
	}
	loadObservability(getenv, &c, add)

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		add(fmt.Errorf("ONRAMP_ADDR: want host:port, got %q", c.Addr))
	}
	if c.BaseURL != "" {
		add(checkURL("ONRAMP_BASE_URL", c.BaseURL))
	}
	for _, o := range splitList(getenv("ONRAMP_EMBED_ORIGINS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			add(fmt.Errorf("ONRAMP_EMBED_ORIGINS: %q is not an origin like https://app.example.com", o))
			continue
		}
		c.EmbedOrigins = append(c.EmbedOrigins, u.Scheme+"://"+u.Host)
	}

	c.Emulated = c.StitchAPIURL == ""
	if c.EmbedDemo && !c.Emulated {
		add(errors.New("ONRAMP_EMBED_DEMO needs the embedded emulator (unset STITCH_API_URL)"))
	}
	if c.Emulated {
		if c.PartnerID != "" || c.PartnerSecret != "" || c.StitchAppURL != "" {
			add(errors.New("STITCH_PARTNER_ID, STITCH_PARTNER_SECRET and STITCH_APP_URL need STITCH_API_URL; unset them to use the embedded emulator"))
		}
		c.PartnerID, c.PartnerSecret = DemoPartnerID, DemoPartnerSecret
	} else {
		add(checkURL("STITCH_API_URL", c.StitchAPIURL))
		if c.PartnerID == "" || c.PartnerSecret == "" {
			add(errors.New("STITCH_API_URL is set but STITCH_PARTNER_ID or STITCH_PARTNER_SECRET is missing"))
		}
		if c.StitchAppURL == "" {
			c.StitchAppURL = "https://app.stitchdata.com"
		} else {
			add(checkURL("STITCH_APP_URL", c.StitchAppURL))
		}
	}

	c.TemplatesToken = strings.TrimSpace(getenv("ONRAMP_TEMPLATES_TOKEN"))
	if c.TemplatesFile != "" && !c.Emulated && c.TemplatesToken == "" {
		// Report cards are the same for every account (API.md §7.1), but
		// Stitch answers none without a token.
		add(errors.New("ONRAMP_TEMPLATES_FILE with STITCH_API_URL needs ONRAMP_TEMPLATES_TOKEN: an access token of any Stitch account, to read the report cards the templates are checked against"))
	}

	keys := getenv("ONRAMP_SESSION_KEYS")
	switch {
	case keys != "":
		c.SessionKeys, err = parseSessionKeys(keys)
		add(err)
	case c.Emulated:
		c.SessionKeys = [][]byte{randomBytes(32), randomBytes(32)}
		c.GeneratedKeys = true
	default:
		add(errors.New("ONRAMP_SESSION_KEYS is required with STITCH_API_URL (generate one pair with: openssl rand -hex 32 twice, as AUTH:ENC)"))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return c, nil
}

// ResolveBaseURL fills BaseURL from the address Onramp actually listens on
// (useful with port 0) and, in emulator mode, the Stitch URLs.
func (c *Config) ResolveBaseURL(listenAddr string) {
	if c.BaseURL == "" {
		c.BaseURL = "http://" + listenAddr
	}
	if c.Emulated {
		c.StitchAPIURL = c.BaseURL + EmulatorPrefix
		c.StitchAppURL = c.BaseURL + EmulatorPrefix
	}
}

// SecureCookies reports whether cookies need the Secure attribute: always,
// except on plain http served from a loopback host without embedding.
func (c Config) SecureCookies() bool {
	if c.Embedded() {
		return true
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// parseSessionKeys reads "AUTH:ENC[,AUTH:ENC…]" (hex or base64); the first pair
// signs and encrypts new cookies, later pairs still open old ones (rotation).
func parseSessionKeys(s string) ([][]byte, error) {
	var out [][]byte
	for i, pair := range splitList(s) {
		auth, enc, ok := strings.Cut(pair, ":")
		if !ok {
			return nil, fmt.Errorf("ONRAMP_SESSION_KEYS pair %d: want AUTH:ENC (authentication key, then encryption key)", i+1)
		}
		a, err := decodeKey(auth)
		if err != nil || (len(a) != 32 && len(a) != 64) {
			return nil, fmt.Errorf("ONRAMP_SESSION_KEYS pair %d: the authentication key must be 32 or 64 bytes (64 or 128 hex characters)", i+1)
		}
		e, err := decodeKey(enc)
		if err != nil || (len(e) != 16 && len(e) != 24 && len(e) != 32) {
			return nil, fmt.Errorf("ONRAMP_SESSION_KEYS pair %d: the encryption key must be 16, 24 or 32 bytes (32, 48 or 64 hex characters)", i+1)
		}
		out = append(out, a, e)
	}
	if len(out) == 0 {
		return nil, errors.New("ONRAMP_SESSION_KEYS: no key pair given")
	}
	return out, nil
}

func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return b
}

func envOr(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseBool(getenv func(string) string, key string, def bool) (bool, error) {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s: want true or false, got %q", key, v)
	}
	return b, nil
}

func parseDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return def, fmt.Errorf("%s: want a duration like 30s or 5m, got %q", key, v)
	}
	return d, nil
}

func checkURL(key, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: want an http(s) URL, got %q", key, v)
	}
	return nil
}

// WebhookRetry tunes webhook delivery; see package webhook for the defaults
// (first retry after 30 s, doubling to 1 h, for 24 h; idle workers look for
// due events every second).
type WebhookRetry struct {
	BaseDelay, MaxDelay, MaxAge, Poll, Lease, Timeout time.Duration
}

// loadObservability reads the metrics and webhook variables.
func loadObservability(getenv func(string) string, c *Config, add func(error)) {
	c.MetricsAddr = strings.TrimSpace(getenv("ONRAMP_METRICS_ADDR"))
	c.MetricsToken = strings.TrimSpace(getenv("ONRAMP_METRICS_TOKEN"))
	c.WebhookURL = strings.TrimSpace(getenv("ONRAMP_WEBHOOK_URL"))
	c.WebhookSecret = getenv("ONRAMP_WEBHOOK_SECRET")
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			add(fmt.Errorf("ONRAMP_METRICS_ADDR: want host:port, got %q", c.MetricsAddr))
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		add(errors.New("ONRAMP_METRICS_TOKEN: must be at least 16 characters"))
	}
	switch {
	case c.WebhookURL != "":
		add(checkURL("ONRAMP_WEBHOOK_URL", c.WebhookURL))
		if len(c.WebhookSecret) < 16 {
			add(errors.New("ONRAMP_WEBHOOK_SECRET: required with ONRAMP_WEBHOOK_URL, at least 16 characters (generate one: openssl rand -hex 32)"))
		}
	case c.WebhookSecret != "":
		add(errors.New("ONRAMP_WEBHOOK_SECRET is set but ONRAMP_WEBHOOK_URL is not"))
	}
}

// MetricsServed reports whether /metrics is served on the main listener:
// with a token and no separate metrics address.
func (c Config) MetricsServed() bool { return c.MetricsAddr == "" && c.MetricsToken != "" }
