package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/guide"
	"github.com/onramp/onramp/handlers"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/reqlog"
	"github.com/onramp/onramp/seal"
	"github.com/onramp/onramp/selection"
	"github.com/onramp/onramp/store"
	"github.com/onramp/onramp/webhook"
)

// Version is set at build time (-ldflags "-X github.com/onramp/onramp/app.Version=…").
var Version = "dev"

// App is a configured Onramp ready to serve.
type App struct {
	Config   Config
	Log      *slog.Logger
	Client   *connect.Client
	Emulator *emulator.Server // nil against real Stitch
	Handler  http.Handler
	// EmbedDemoURL is the example host page, when ONRAMP_EMBED_DEMO is on.
	EmbedDemoURL string
	// Metrics is the Prometheus registry and collectors; MetricsURL the
	// separate metrics listener's /metrics (ONRAMP_METRICS_ADDR), set by Run.
	Metrics    *metrics.Metrics
	MetricsURL string
	// Webhooks delivers partner webhooks (nil without ONRAMP_WEBHOOK_URL).
	Webhooks *webhook.Dispatcher

	closers   []func() error
	flushLogs func() error // Run's log buffer (reqlog.Writer)
}

// FlushLogs writes out the log lines Run holds in its buffer (tests that
// read the log call it first; warnings and errors are never held).
func (a *App) FlushLogs() error {
	if a.flushLogs == nil {
		return nil
	}
	return a.flushLogs()
}

// NewLogger builds the slog logger the configuration asks for. When w
// buffers (a reqlog.Writer), warnings and errors flush it.
func NewLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	rh := reqlog.New(h, handlers.RequestID) // every line of a request names its id
	if f, ok := w.(interface{ Flush() error }); ok {
		rh = rh.WithFlush(f.Flush)
	}
	return slog.New(rh)
}

// logInterval is how long an info line may wait in the log's buffer.
const logInterval = 100 * time.Millisecond

// New builds the application for a server listening on listenAddr (the real
// address, so port 0 works); cfg.BaseURL and the emulator URLs are resolved here.
func New(cfg Config, listenAddr string, log *slog.Logger) (*App, error) {
	cfg.ResolveBaseURL(listenAddr)
	a := &App{Config: cfg, Log: log, Metrics: metrics.New()}

	var emu http.Handler
	if cfg.Emulated {
		srv, err := emulator.New(emulator.Config{
			PartnerID:     cfg.PartnerID,
			PartnerSecret: cfg.PartnerSecret,
			CheckDelay:    cfg.CheckDelay,
			BasePath:      EmulatorPrefix,
			Logger:        log.With("component", "emulator"),
		})
		if err != nil {
			return nil, fmt.Errorf("start embedded emulator: %w", err)
		}
		a.Emulator = srv
		emu = http.StripPrefix(EmulatorPrefix, srv)
	}

	// Pages call Stitch in parallel, and many pages run at once: the
	// client's transport keeps a keep-alive pool sized for that and speaks
	// HTTP/2 where Stitch offers it (connect.NewTransport).
	hc := &http.Client{Transport: connect.NewTransport()}
	hc.Transport = a.observedTransport(hc.Transport, cfg.StitchAPIURL)
	a.Client = connect.New(
		connect.WithHTTPClient(hc),
		connect.WithBaseURL(cfg.StitchAPIURL),
		connect.WithTimeout(cfg.APITimeout),
		connect.WithUserAgent("onramp/"+Version),
		connect.WithPartner(cfg.PartnerID, cfg.PartnerSecret),
		connect.WithLogger(log.With("component", "connect")),
		connect.WithRetryHook(a.Metrics.Retry),
	)

	apps, err := handlers.LoadOAuthApps(cfg.OAuthApps)
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_OAUTH_APPS: %w", err)
	}
	if apps == nil && cfg.Emulated {
		apps = demoOAuthApps(cfg.StitchAPIURL)
	}
	var texts *forms.Texts
	var localeTexts map[string]map[string]json.RawMessage
	if cfg.TextsFile != "" {
		if texts, localeTexts, err = forms.LoadTextsWithLocales(cfg.TextsFile); err != nil {
			return nil, fmt.Errorf("ONRAMP_TEXTS_FILE: %w", err)
		}
	}
	locales, err := i18n.New(i18n.Options{Default: cfg.DefaultLocale, Pseudo: cfg.PseudoLocale, Overrides: localeTexts})
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_TEXTS_FILE or ONRAMP_DEFAULT_LOCALE: %w", err)
	}
	guides, err := guide.New(locales, texts)
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_TEXTS_FILE: %w", err)
	}

	engine := forms.NewEngine(forms.EngineOptions{Texts: texts, Logger: log.With("component", "forms")})
	templates, err := a.loadTemplates(cfg, engine, emu)
	if err != nil {
		return nil, err
	}

	theme, err := handlers.ParseTheme(cfg.Theme)
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_THEME: %w", err)
	}
	var stores store.All = &store.Memory{Now: cfg.Now}
	var storeReady func(context.Context) error
	if cfg.RedisURL != "" {
		rs, err := store.NewRedis(context.Background(), cfg.RedisURL, log.With("component", "store"))
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, rs.Close)
		stores, storeReady = rs, rs.Ping
	}
	stores = a.Metrics.Store(stores) // store errors and launch token outcomes counted
	if storeReady != nil {
		storeReady = stores.Ping // failed readiness pings count too
	}
	rec, err := a.observability(cfg, log)
	if err != nil {
		return nil, err
	}
	var drafts selection.DraftStore = &selection.MemoryDrafts{}
	if cfg.RedisURL != "" {
		rd, closeDrafts, err := selection.OpenRedisDrafts(context.Background(), cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, closeDrafts)
		drafts = rd
	}

	store := handlers.NewSessionStore(handlers.SessionOptions{
		Keys:     cfg.SessionKeys,
		Secure:   cfg.SecureCookies(),
		Embedded: cfg.Embedded(),
	})
	sealer, err := seal.New(cfg.SessionKeys, seal.Options{})
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_SESSION_KEYS: %w", err)
	}
	router := handlers.NewRouter(handlers.Options{
		Sealer:       sealer,
		Log:          log,
		API:          a.Client,
		Sessions:     store,
		BaseURL:      cfg.BaseURL,
		StitchAppURL: cfg.StitchAppURL,
		PartnerID:    cfg.PartnerID,
		Security:     handlers.SecurityOptions{FrameAncestors: cfg.EmbedOrigins},
		TypeCache:    a.typeCache(a.Client, cfg.CacheTTL),
		Ready:        a.ready,
		StoreReady:   storeReady,
		Forms:        engine,
		Templates:    templates,
		DebugFields:  cfg.DebugFields,
		Locales:      locales,
		Guides:       guides,
		OAuthApps:    apps,
		Product:      cfg.ProductName,
		PartnerName:  cfg.PartnerName,
		Theme:        theme,
		EmbedOrigins: cfg.EmbedOrigins,
		APIKeys:      cfg.APIKeys,
		LaunchTTL:    cfg.LaunchTTL,
		HandoffTTL:   cfg.HandoffTTL,
		Now:          cfg.Now,
		ReturnURLs:   cfg.ReturnURLs,
		OneTime:      stores,
		Claims:       stores,
		Launches:     stores,
		Drafts:       drafts,
		Journey:      rec,
		Metrics:      a.Metrics,
		MetricsPage:  a.metricsHandler(cfg),
	})

	if emu == nil {
		a.Handler = router
	} else {
		a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == EmulatorPrefix || strings.HasPrefix(r.URL.Path, EmulatorPrefix+"/") {
				emu.ServeHTTP(w, r)
				return
			}
			router.ServeHTTP(w, r)
		})
	}
	return a, nil
}

// demoOAuthApps makes Google Analytics use white-label OAuth against the
// emulator's pretend provider, so the embedded demo shows both OAuth modes.
func demoOAuthApps(emulatorURL string) handlers.OAuthApps {
	return handlers.OAuthApps{
		"platform.google-analytics": {
			AuthURL:      emulatorURL + "/provider/authorize",
			TokenURL:     emulatorURL + "/provider/token",
			ClientID:     emulator.DefaultProviderClientID,
			ClientSecret: emulator.DefaultProviderClientSecret,
			Scopes:       []string{"https://www.googleapis.com/auth/analytics.readonly"},
			Params:       map[string]string{"access_type": "offline", "prompt": "consent"},
		},
	}
}

// ready checks that the Stitch API answers: any HTTP answer (even 401 for
// the probe's missing token) proves it is reachable.
func (a *App) ready(ctx context.Context) error {
	_, err := a.Client.ListSourceTypes(ctx, "readiness-probe")
	if err == nil || connect.IsUnauthorized(err) {
		return nil
	}
	var apiErr *connect.Error
	if errors.As(err, &apiErr) && apiErr.Status < 500 {
		return nil
	}
	return err
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if a.Webhooks != nil {
		a.Webhooks.Start() // stopped by the closers, after the server
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	for _, c := range a.closers {
		_ = c()
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Run loads the configuration, listens and serves until ctx is cancelled.
// ready, when not nil, receives the app once the server accepts connections.
func Run(ctx context.Context, getenv func(string) string, stderr io.Writer, ready func(a *App)) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	lw := reqlog.NewWriter(stderr, logInterval) // a line per request, written in batches
	defer lw.Close()
	log := NewLogger(cfg, lw)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	var demoLn net.Listener
	var demoOrigin, demoKey string
	if cfg.EmbedDemo {
		if demoLn, err = net.Listen("tcp", cfg.EmbedDemoAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s: %w", cfg.EmbedDemoAddr, err)
		}
		_, port, _ := net.SplitHostPort(demoLn.Addr().String())
		host, _, _ := net.SplitHostPort(cfg.EmbedDemoAddr)
		if host == "" {
			host = "localhost"
		}
		demoOrigin = "http://" + net.JoinHostPort(host, port)
		demoKey = hexKey(24)
		cfg.EmbedOrigins = append(cfg.EmbedOrigins, demoOrigin)
		cfg.ReturnURLs = append(cfg.ReturnURLs, demoOrigin+"/")
		cfg.APIKeys = append(cfg.APIKeys, demoKey)
	}
	a, err := New(cfg, ln.Addr().String(), log)
	if err != nil {
		ln.Close()
		if demoLn != nil {
			demoLn.Close()
		}
		return err
	}
	a.flushLogs = lw.Flush
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			if demoLn != nil {
				demoLn.Close()
			}
			return fmt.Errorf("listen on %s (ONRAMP_METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		a.serveMetrics(ctx, mln)
		log.Info("metrics", "url", a.MetricsURL)
	}
	if demoLn != nil {
		demo := &http.Server{Handler: newEmbedDemo(a, demoOrigin, demoKey), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = demo.Serve(demoLn) }()
		go func() {
			<-ctx.Done()
			_ = demo.Close()
		}()
		a.EmbedDemoURL = demoOrigin + "/embed-demo"
		log.Info("embed demo (an example partner page framing Onramp)", "url", a.EmbedDemoURL)
	}
	if cfg.GeneratedKeys {
		log.Warn("ONRAMP_SESSION_KEYS is not set: using keys generated for this run; sessions end when Onramp restarts")
	}
	if cfg.Emulated {
		log.Info("no STITCH_API_URL: using the embedded Stitch emulator", "emulator", a.Config.StitchAPIURL)
	}
	log.Info("Onramp is ready — open this URL", "url", a.Config.BaseURL+"/", "version", Version)
	if ready != nil {
		ready(a)
	}
	return a.Serve(ctx, ln)
}

func hexKey(n int) string {
	return fmt.Sprintf("%x", randomBytes(n))
}
