package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Default credentials of the fake third-party OAuth provider under /provider/.
const (
	DefaultProviderClientID     = "onramp-demo-client"
	DefaultProviderClientSecret = "onramp-demo-secret"
)

// defaultJobDuration is how long a replication job started with POST …/sync runs.
const defaultJobDuration = 3 * time.Second

// maxBody caps request bodies; the largest legitimate one is a metadata update
// selecting a few thousand streams.
const maxBody = 8 << 20

// Config configures an emulator Server.
type Config struct {
	// PartnerID and PartnerSecret are the partner credentials accepted by
	// POST /v3/accounts, the OAuth consent page (client_id) and /oauth/token
	// (client_secret). They also guard the /_emulator/ admin endpoint.
	PartnerID, PartnerSecret string
	// CheckDelay is how long a connection check stays "running"; 0 means it
	// completes on the next read after the request that started it.
	CheckDelay time.Duration
	// JobDuration is how long a replication job runs (0 = 3s).
	JobDuration time.Duration
	// BasePath is the path prefix the handler is mounted under (e.g. "/_stitch"),
	// used for absolute links and form actions in the emulator's HTML pages.
	BasePath string
	// Logger receives one Debug line per request (method, path, status,
	// duration; never queries, bodies or headers); nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests pass a fake clock.
	Now func() time.Time
	// Catalog holds the source and destination types; nil means LoadCatalog().
	Catalog *Catalog
	// PartnerName is how the consent page names the partner ("Onramp" if empty).
	PartnerName string
	// ProviderClientID and ProviderClientSecret are the credentials of the fake
	// third-party OAuth provider (defaults DefaultProviderClientID/-Secret).
	ProviderClientID, ProviderClientSecret string
}

// Server is an in-memory Stitch Connect API (and the Stitch web app pages the
// onboarding flows need). It is an http.Handler, safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	cat     *Catalog
	schemas map[string]*jsonschema.Schema
	mux     *http.ServeMux
	pages   map[string]*template.Template

	mu sync.Mutex // guards st
	st *state

	faultsMu   sync.Mutex // guards faults and acctFaults
	faults     Faults
	acctFaults map[string]Faults // by lower-cased account email (faults.go)

	jobsMu sync.Mutex           // guards jobs
	jobs   map[int64]*jobsCalls // jobs endpoint requests by client id (extractions.go)
}

// New builds a Server. It fails when the partner credentials are missing or
// the catalog cannot be loaded or holds a schema that does not compile.
func New(cfg Config) (*Server, error) {
	if cfg.PartnerID == "" || cfg.PartnerSecret == "" {
		return nil, errors.New("new emulator: partner id and partner secret are required")
	}
	cfg.BasePath = strings.TrimRight(cfg.BasePath, "/")
	if cfg.ProviderClientID == "" {
		cfg.ProviderClientID = DefaultProviderClientID
	}
	if cfg.ProviderClientSecret == "" {
		cfg.ProviderClientSecret = DefaultProviderClientSecret
	}
	if cfg.PartnerName == "" {
		cfg.PartnerName = "Onramp"
	}
	if cfg.JobDuration <= 0 {
		cfg.JobDuration = defaultJobDuration
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, cat: cfg.Catalog, st: newState()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cat == nil {
		c, err := LoadCatalog()
		if err != nil {
			return nil, fmt.Errorf("new emulator: %w", err)
		}
		s.cat = c
	}
	var err error
	if s.schemas, err = compileSchemas(s.cat); err != nil {
		return nil, fmt.Errorf("new emulator: %w", err)
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, fmt.Errorf("new emulator: %w", err)
	}
	s.mux = s.routes()
	return s, nil
}

// routes registers every endpoint. A catch-all answers 404 for unknown paths
// and for known paths with another method (the API documents no 405).
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	// Accounts, OAuth and sessions (§4, §5).
	m.HandleFunc("POST /v3/accounts", s.createAccount)
	m.HandleFunc("GET /oauth/authorization", s.consentPage)
	m.HandleFunc("POST /oauth/authorization", s.consentDecision)
	m.HandleFunc("POST /oauth/token", s.oauthToken)
	m.HandleFunc("POST /v3/sessions/ephemeral", s.auth(s.createEphemeral))
	// Types (§7, §11).
	m.HandleFunc("GET /v4/source-types", s.auth(s.listSourceTypes))
	m.HandleFunc("GET /v4/source-types/{type}", s.auth(s.getSourceType))
	m.HandleFunc("GET /v4/destination-types", s.auth(s.listDestinationTypes))
	m.HandleFunc("GET /v4/destination-types/{type}", s.auth(s.getDestinationType))
	// Sources (§8, §9, §10, §13).
	m.HandleFunc("POST /v4/sources", s.auth(s.createSource))
	m.HandleFunc("GET /v4/sources", s.auth(s.listSources))
	m.HandleFunc("GET /v4/sources/{id}", s.auth(s.getSource))
	m.HandleFunc("PUT /v4/sources/{id}", s.auth(s.updateSource))
	m.HandleFunc("DELETE /v4/sources/{id}", s.auth(s.deleteSource))
	m.HandleFunc("GET /v4/sources/{id}/last-connection-check", s.auth(s.sourceCheck))
	m.HandleFunc("GET /v4/sources/{id}/streams", s.auth(s.listStreams))
	m.HandleFunc("GET /v4/sources/{id}/streams/{stream}", s.auth(s.getStreamSchema))
	m.HandleFunc("PUT /v4/sources/{id}/streams/metadata", s.auth(s.updateMetadata))
	m.HandleFunc("POST /v4/sources/{id}/sync", s.auth(s.startSync))
	m.HandleFunc("DELETE /v4/sources/{id}/sync", s.auth(s.stopSync))
	// Destinations (§12).
	m.HandleFunc("POST /v4/destinations", s.auth(s.createDestination))
	m.HandleFunc("GET /v4/destinations", s.auth(s.listDestinations))
	m.HandleFunc("PUT /v4/destinations/{id}", s.auth(s.updateDestination))
	m.HandleFunc("DELETE /v4/destinations/{id}", s.auth(s.deleteDestination))
	m.HandleFunc("GET /v4/destinations/{id}/last-connection-check", s.auth(s.destinationCheck))
	// Stitch.js popup (Stitch-managed source OAuth).
	m.HandleFunc("GET /v2/js-client", s.jsClientPage)
	m.HandleFunc("POST /v2/js-client/source", s.jsClientSource)
	m.HandleFunc("POST /v2/js-client/authorize", s.jsClientAuthorize)
	// Fake third-party OAuth provider.
	m.HandleFunc("GET /provider/authorize", s.providerPage)
	m.HandleFunc("POST /provider/authorize", s.providerDecision)
	m.HandleFunc("POST /provider/token", s.providerToken)
	// Static assets of the emulator's pages.
	m.HandleFunc("GET /assets/{file}", s.asset)
	// Admin endpoint (partner credentials as HTTP Basic auth).
	m.HandleFunc("GET /_emulator/faults", s.admin(s.getFaults))
	m.HandleFunc("PUT /_emulator/faults", s.admin(s.putFaults))
	m.HandleFunc("DELETE /_emulator/faults", s.admin(s.deleteFaults))
	m.HandleFunc("POST /_emulator/accounts", s.admin(s.adminAccount))
	m.HandleFunc("POST /_emulator/revoke", s.admin(s.adminRevoke))
	// Everything else: GET /v4/{stitch_client_id}/extractions (§14; a
	// pattern that would clash with /v4/sources/{id}), else 404.
	m.HandleFunc("/", s.notFoundOrJobs)
	return m
}

// ServeHTTP answers one request: faults first, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
	s.countJobs(r) // the jobs rate limit counts every request, faults included
	if !s.injectFault(rec, r) {
		s.mux.ServeHTTP(rec, r)
	}
	// Only method and path: queries carry emails and OAuth state, bodies secrets.
	s.log.Debug("emulator request", "method", r.Method, "path", r.URL.Path,
		"status", rec.status, "duration", time.Since(start))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// accountHandler is a handler that auth has given the caller's account id.
type accountHandler func(w http.ResponseWriter, r *http.Request, acct int64)

// auth requires "Authorization: Bearer <live access token>"; otherwise it
// answers 401 with an empty body (the API documents no 401 body).
func (s *Server) auth(h accountHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r.Header.Get("Authorization"))
		s.mu.Lock()
		acct, ok := s.st.tokens[tok]
		s.mu.Unlock()
		if tok == "" || !ok {
			unauthorized(w)
			return
		}
		h(w, r, acct)
	}
}

// bearer extracts the token of "Bearer <t>" (also the documented variant "Bearer: <t>").
func bearer(h string) string {
	if len(h) < 8 || !strings.EqualFold(h[:6], "bearer") || (h[6] != ' ' && h[6] != ':') {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(h[6:], ":"))
}

// admin guards the /_emulator/ endpoint with the partner credentials as HTTP
// Basic auth, so an emulator mounted in a reachable Onramp cannot be driven by
// strangers.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || !secretEqual(id, s.cfg.PartnerID) || !secretEqual(secret, s.cfg.PartnerSecret) {
			w.Header().Set("WWW-Authenticate", `Basic realm="stitch emulator"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "partner credentials required (HTTP Basic auth)"})
			return
		}
		h(w, r)
	}
}

func secretEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// writeJSON answers v as JSON without HTML escaping, so texts such as
// "(x -> y)" read as documented.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeString answers a bare-string error body (family E) as a JSON string.
func writeString(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, msg)
}

// errorB answers a family-B error: {"error": code, "data": {"message": msg, …}}.
func errorB(w http.ResponseWriter, code, msg string, extra map[string]any) {
	data := map[string]any{"message": msg}
	for k, v := range extra {
		data[k] = v
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": code, "data": data})
}

// errorC answers a family-C error: {"error": {"type": typ, "message": msg}}.
func errorC(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"type": typ, "message": msg}})
}

// decodeObject decodes a JSON object body keeping numbers as json.Number.
func decodeObject(r *http.Request) (map[string]any, error) {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	if m == nil {
		return nil, errors.New("decode body: not an object")
	}
	return m, nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// newUUID returns a random UUID string, the suffix of job names.
func newUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// stamp formats a time as the API does: UTC, second precision, "Z".
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func stampPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := stamp(*t)
	return &v
}
