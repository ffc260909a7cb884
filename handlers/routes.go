// Package handlers holds Onramp's HTTP surface: routes, middleware, sessions,
// CSRF, error pages and one handler struct per area.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/guide"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/presets"
	"github.com/onramp/onramp/seal"
	"github.com/onramp/onramp/selection"
	"github.com/onramp/onramp/static"
	"github.com/onramp/onramp/store"
)

// API is every Connect API call the handlers make. *connect.Client satisfies it.
type API interface {
	TypesAPI
	AccountsAPI
	OverviewAPI
	SourcesAPI
	DestinationsAPI
	SessionsAPI
	ExtractionsAPI
}

var _ API = (*connect.Client)(nil)

// Options is everything the router needs.
type Options struct {
	Log      *slog.Logger
	API      API
	Sessions sessions.Store
	// Product, PartnerName and Theme are white-label settings.
	Product     string
	PartnerName string
	Theme       Theme
	// EmbedOrigins may frame Onramp and receive its events.
	EmbedOrigins []string
	// Launch tokens: partner API keys, how long a token lives, where it is
	// kept, and the allowed return_url prefixes.
	APIKeys   []string
	LaunchTTL time.Duration
	// Now is the clock of launch token expiry; nil means time.Now.
	Now        func() time.Time
	Launches   LaunchStore
	ReturnURLs []string
	// BaseURL is Onramp's public base URL (for OAuth redirect URIs).
	BaseURL string
	// StitchAppURL is the Stitch web app (account OAuth, js-client).
	StitchAppURL string
	PartnerID    string
	// Security configures CSP and framing.
	Security SecurityOptions
	// TypeCache caches report cards of types.
	TypeCache *TypeCache
	// OneTime makes OAuth states and launch tokens single use.
	OneTime OneTimeStore
	// Ready is the readiness check of the Stitch API.
	Ready func(ctx context.Context) error
	// StoreReady, when set, is the readiness check of the shared store (Redis).
	StoreReady func(ctx context.Context) error
	// BodyLimit caps request bodies, e.g. "1M".
	BodyLimit string
	// Forms builds forms from report cards.
	Forms *forms.Engine
	// Claims makes create forms single use.
	Claims Claims
	// Sealer keeps typed secrets across re-rendered forms (keyed from the
	// session keys); nil uses a random key (one replica).
	Sealer *seal.Sealer
	// DebugFields allows ?all_fields=1 on form pages.
	DebugFields bool
	// OAuthApps are the partner's own OAuth apps per source type (white-label OAuth).
	OAuthApps OAuthApps
	// Drafts keeps unsaved stream selections (default: in memory).
	Drafts selection.DraftStore
	// Journey hears funnel steps and partner events (package journey); nil: none.
	Journey Journey
	// Metrics counts requests (nil: off); MetricsPage, when set, is
	// served at /metrics (it checks its own bearer token).
	Metrics     *metrics.Metrics
	MetricsPage http.Handler
	// Locales is the message catalog (package i18n); nil: the built-in
	// catalog with English as the default.
	Locales *i18n.Catalog
	// HandoffTTL is how long a hand-off link works (default 72 hours).
	HandoffTTL time.Duration
	// Guides resolve the setup guide beside forms (package guide); nil:
	// the built-in words only.
	Guides *guide.Guides
	// Templates are the partner's global templates (ONRAMP_TEMPLATES_FILE,
	// checked at start-up); a launch may lay its own over them.
	Templates presets.Template
}

// NewRouter builds the Echo instance with every route and middleware.
func NewRouter(o Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	ui := &UI{Log: o.Log, Product: o.Product, Theme: o.Theme, EmbedOrigins: o.EmbedOrigins, PartnerName: o.PartnerName}
	e.HTTPErrorHandler = ui.ErrorHandler
	if o.BodyLimit == "" {
		o.BodyLimit = "1M"
	}
	mem := &store.Memory{}
	if o.OneTime == nil {
		o.OneTime = mem
	}
	if o.Claims == nil {
		o.Claims = mem
	}
	if o.Launches == nil {
		o.Launches = mem
	}
	if o.TypeCache == nil {
		o.TypeCache = NewTypeCache(o.API, 0)
	}
	if o.LaunchTTL == 0 {
		o.LaunchTTL = 5 * time.Minute
	}
	if o.HandoffTTL == 0 {
		o.HandoffTTL = 72 * time.Hour
	}
	if o.Drafts == nil {
		o.Drafts = &selection.MemoryDrafts{}
	}
	if o.Forms == nil {
		o.Forms = forms.NewEngine(forms.EngineOptions{Logger: o.Log})
	}
	ui.Words = o.Forms
	ui.Journey = o.Journey
	if o.Locales == nil {
		o.Locales = i18n.MustNew(i18n.Options{})
	}
	ui.Locales = o.Locales
	if o.Guides == nil {
		o.Guides, _ = guide.New(o.Locales, nil) // built-in words only: nothing to refuse
	}
	guides := NewGuidePanels(o.Guides)
	templates := &Templates{Global: o.Templates, Store: o.Claims} // launch templates kept by id: see Templates
	handoff := &Handoff{UI: ui, API: o.API, Store: o.Launches, Revoked: o.Claims, TTL: o.HandoffTTL, BaseURL: o.BaseURL, APIKeys: o.APIKeys, Now: o.Now, Templates: templates}

	limit, err := bytesOf(o.BodyLimit)
	if err != nil {
		panic(fmt.Sprintf("handlers: BodyLimit %q: %v", o.BodyLimit, err))
	}
	e.Pre(o.Metrics.Middleware(e.Routes)) // requests by route pattern, method and status (first: it sees the method sent)
	e.Pre(headAsGet())                    // HEAD is answered by every GET route, without a body
	// Every request, in this order; composed once at start (see chain).
	e.Use(chain(
		headRestored(),
		requestID(),
		accessLog(o.Log),
		recoverPanics(o.Log),
		securityHeaders(o.Security),
		bodyLimit(limit, "/api/"),
		sessionMiddleware(o.Sessions, o.Log),
		localize(o.Locales),
		sameOrigin(o.BaseURL, o.EmbedOrigins, "/api/"),
		csrf("/api/"),
		handoff.Restrict, // a session opened by a hand-off link sees its one source and step only
	))

	locale := &Locale{Catalog: o.Locales}
	if st, ok := o.Sessions.(*SessionStore); ok {
		locale.Secure, locale.Embedded = st.options.Secure, st.options.Partitioned
	}
	health := &Health{Ready: o.Ready, StoreReady: o.StoreReady}
	home := &Home{UI: ui, API: o.API}
	catalog := &Catalog{UI: ui, Types: o.TypeCache}
	accounts := &Accounts{
		UI: ui, API: o.API, AppURL: o.StitchAppURL, PartnerID: o.PartnerID,
		CallbackURL: o.BaseURL + "/oauth/stitch/callback", States: o.OneTime,
	}
	launch := &Launch{
		UI: ui, Store: o.Launches, API: o.API, APIKeys: o.APIKeys,
		TTL: o.LaunchTTL, BaseURL: o.BaseURL, ReturnURLs: o.ReturnURLs, Now: o.Now,
		Templates: templates, Schemas: o.Forms,
	}
	if o.Sealer == nil {
		o.Sealer = seal.Random(seal.Options{}) // typed secrets then survive re-renders on this replica only
	}
	keep := &Keep{UI: ui, Forms: o.Forms, Seal: o.Sealer} // every form POST keeps what was typed on failures
	sources := &Sources{UI: ui, API: o.API, Types: o.TypeCache, Forms: o.Forms, Claims: o.Claims, Seal: o.Sealer, DebugFields: o.DebugFields, Templates: templates, Guides: guides,
		Syncs: NewLastSyncs(o.API, o.Log, o.Now)} // one cache of extractions for every page (rate limited)
	oauth := &SourceOAuth{Sources: sources, Sessions: o.API, AppURL: o.StitchAppURL, WhiteLabel: o.OAuthApps.Has}
	whiteLabel := &WhiteLabelOAuth{
		Sources: sources, Apps: o.OAuthApps, CallbackURL: o.BaseURL + "/oauth/source/callback",
		States: o.OneTime, Tickets: o.Launches, Progress: o.Claims, HTTPClient: &http.Client{Timeout: 20 * time.Second},
	}
	fields := &Fields{Sources: sources, Drafts: o.Drafts}
	repairs := &Repair{Sources: sources, Sessions: o.API, AppURL: o.StitchAppURL, WhiteLabel: whiteLabel, Handoffs: true}
	dests := &Destinations{UI: ui, API: o.API, Types: o.TypeCache, Forms: o.Forms, Seal: o.Sealer, Claims: o.Claims, Guides: guides}

	e.GET("/healthz", health.Live)                         // process is up
	e.GET("/readyz", health.Readiness)                     // Stitch API (or emulator) and Redis (when configured) reachable
	e.GET("/static/*", echo.WrapHandler(static.Handler())) // CSS, JS and icon, content-hashed URLs
	e.GET("/favicon.ico", ui.Favicon)                      // the icon, for browsers that ask before reading the page
	e.GET("/metrics", serveMetrics(o.MetricsPage))         // Prometheus metrics, with ONRAMP_METRICS_TOKEN as bearer (404 when not served here)
	e.GET("/theme.css", ui.ThemeCSS)                       // theme as CSS custom properties
	e.GET("/", home.Show)                                  // start page: choose create/connect, or where you stand
	e.GET("/locale", locale.Set)                           // language switcher: remember ?set=, back to the local ?return= path

	e.GET("/account/new", accounts.New, fixedAccount)                // form: create a Stitch account (not in a launch session)
	e.POST("/account", accounts.Create, fixedAccount)                // create it with the partner credentials
	e.GET("/account/connect", accounts.Connect, fixedAccount)        // redirect to Stitch's OAuth authorization (top-level only)
	e.GET("/oauth/stitch/callback", accounts.Callback, fixedAccount) // Stitch OAuth callback: state, code exchange
	e.POST("/account/disconnect", accounts.Disconnect)               // forget the account in this browser

	e.POST("/api/v1/launch", launch.Create) // partner backend mints a launch token (JSON, bearer API key)
	e.GET("/launch/:token", launch.Redeem)  // a browser redeems it, once, into a session

	e.POST("/api/v1/handoff", handoff.CreateAPI)       // partner backend mints a hand-off link for one source and step (JSON, bearer API key)
	e.DELETE("/api/v1/handoff/:id", handoff.RevokeAPI) // partner backend revokes one
	e.GET("/handoff/:token", handoff.Open)             // a hand-off link: a page whose button uses it (previews do not)
	e.POST("/handoff/:token", handoff.Redeem)          // use it, once: a restricted session for that step on this device

	signedIn := requireAccount
	e.GET("/destination", dests.Show, signedIn)                          // the destination and its check, or the type catalog
	e.GET("/destination/new/:type", dests.New, signedIn)                 // form for a destination type
	e.POST("/destination/new/:type", dests.Create, signedIn, keep.Typed) // create it (replacing the old one when confirmed)
	e.GET("/destination/edit", dests.Edit, signedIn)                     // edit the destination's connection details
	e.POST("/destination/edit", dests.Update, signedIn, keep.Typed)      // save them (credentials left as saved are kept)

	e.GET("/sources", sources.List, signedIn)                                                 // the account's sources and their status
	e.GET("/sources/new", catalog.SourceTypes, signedIn)                                      // searchable source type catalog
	e.GET("/sources/new/:type", sources.New, signedIn)                                        // form step of a new source
	e.POST("/sources/new/:type", sources.Create, signedIn, keep.Typed)                        // create it, then follow the report card
	e.GET("/sources/:id", sources.Show, signedIn)                                             // step router: the page of the current step
	e.GET("/sources/:id/form", sources.Edit, signedIn)                                        // edit the form step
	e.POST("/sources/:id/form", sources.Update(connect.StepForm), signedIn, keep.Typed)       // save it
	e.GET("/sources/:id/oauth", oauth.Show, signedIn)                                         // oauth step: own fields, then authorize
	e.POST("/sources/:id/oauth", oauth.Save, signedIn, keep.Typed)                            // save the oauth step's own fields
	e.POST("/sources/:id/oauth/session", oauth.Session, signedIn)                             // ephemeral token for Stitch's popup (JSON)
	e.GET("/sources/:id/oauth/window", oauth.Window, signedIn)                                // new tab that opens Stitch's popup when the first tab's was blocked
	e.GET("/sources/:id/oauth/status", oauth.Status, signedIn)                                // where the report card stands (JSON), for pages whose hand-off ran elsewhere
	e.GET("/sources/:id/oauth/continue", oauth.Continue, signedIn)                            // "I have finished": re-read the report card
	e.GET("/sources/:id/oauth/authorize", whiteLabel.Authorize, signedIn)                     // white-label: to the provider (state + PKCE); framed: the new-tab hand-off
	e.POST("/sources/:id/oauth/ticket", whiteLabel.Ticket, signedIn)                          // white-label, framed: a single-use handshake ticket for a popup/new tab
	e.GET("/sources/:id/oauth/handoff", whiteLabel.Handoff, signedIn)                         // white-label, framed: sign in in a new tab, then continue
	e.GET("/sources/:id/oauth/ticket/status", whiteLabel.TicketStatus, signedIn)              // white-label, framed: how far the ticket got (JSON)
	e.POST("/sources/:id/oauth/ticket/apply", whiteLabel.Apply, signedIn)                     // white-label, framed: apply the ticket's result (PUT the tokens)
	e.GET("/oauth/source/ticket", whiteLabel.StartTicket)                                     // white-label, top-level popup/tab: redeem the ticket, to the provider
	e.GET("/oauth/source/callback", whiteLabel.Callback)                                      // white-label: exchange; PUT the tokens (session) or keep them under the ticket
	e.GET("/sources/:id/profile", sources.Profile, signedIn)                                  // profile step
	e.POST("/sources/:id/profile", sources.Update(connect.StepProfile), signedIn, keep.Typed) // save it
	e.GET("/sources/:id/discover", sources.Discover, signedIn)                                // waiting for the connection check
	e.GET("/sources/:id/discover/status", sources.DiscoverStatus, signedIn)                   // its live status region (fragment)
	e.GET("/sources/:id/fields", fields.Choose, signedIn)                                     // stream selection (draft over Stitch's; ?partial=1 live region)
	e.POST("/sources/:id/fields", fields.Save, signedIn)                                      // keep choices in the draft; page, filter, select all, or save
	e.GET("/sources/:id/fields/:stream", fields.Stream, signedIn)                             // one stream's columns and replication
	e.POST("/sources/:id/fields/:stream", fields.SaveStream, signedIn)                        // save them
	e.GET("/sources/:id/done", sources.Done, signedIn)                                        // fully configured: summary, next actions
	e.GET("/sources/:id/repair", repairs.Show, signedIn)                                      // repair a broken connection: only the fields at fault, or sign in again
	e.POST("/sources/:id/repair", repairs.Save, signedIn)                                     // save the fields at fault (the rest is kept)
	e.GET("/sources/:id/repair/result", repairs.Result, signedIn)                             // wait for the repair's check; repaired or back to the repair page
	e.POST("/sources/:id/repair/session", repairs.Session, signedIn)                          // ephemeral token for Stitch's window to re-authorize (JSON)
	e.GET("/sources/:id/repair/status", repairs.Status, signedIn)                             // whether Stitch ran a check since the re-authorization began (JSON)
	e.GET("/sources/:id/repair/authorize", repairs.Authorize, signedIn)                       // white-label: sign in again with the partner's OAuth app
	e.GET("/sources/:id/handoff", handoff.New, signedIn)                                      // "Send this step to someone else": the step and this browser's links
	e.POST("/sources/:id/handoff", handoff.Create, signedIn)                                  // create a link (shown once)
	e.POST("/sources/:id/handoff/revoke", handoff.Revoke, signedIn)                           // revoke one of them
	e.POST("/sources/:id/sync", sources.Sync, signedIn)                                       // start a replication job now
	e.POST("/sources/:id/pause", sources.Pause, signedIn)                                     // pause replication
	e.POST("/sources/:id/unpause", sources.Unpause, signedIn)                                 // resume it
	e.POST("/sources/:id/delete", sources.Delete, signedIn)                                   // delete the source

	return e
}
