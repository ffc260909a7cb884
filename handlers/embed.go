package handlers

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/presets"
	"github.com/onramp/onramp/store"
	"github.com/onramp/onramp/views"
)

// Session slots used by embedding.
const (
	embedReturnKey = "ret"
	embedThemeKey  = "theme"
	embedLocaleKey = "locale"
	embedEventsKey = "ev"
	// embedLaunchKey marks a session started by a launch token: Onramp is a
	// widget inside the partner's app (no site navigation, no disconnect).
	embedLaunchKey = "launch"
)

// Event is one message posted to an embedding parent page.
type Event struct {
	Type string         `json:"type"`
	Data map[string]any `json:"data,omitempty"`
}

// emit queues an event for the next page this browser renders (after a
// redirect), where embed.js posts it to the parent window.
func emit(c echo.Context, typ string, data map[string]any) {
	s := sessionOf(c)
	var evs []Event
	_ = json.Unmarshal([]byte(s.Get(embedEventsKey)), &evs)
	if len(evs) >= 8 {
		evs = evs[1:] // keep the cookie small
	}
	evs = append(evs, Event{Type: typ, Data: data})
	b, _ := json.Marshal(evs)
	s.Set(embedEventsKey, string(b))
}

// takeEvents returns the queued events and the page's own, JSON encoded.
func takeEvents(c echo.Context, own ...Event) string {
	var evs []Event
	_ = json.Unmarshal([]byte(sessionOf(c).Take(embedEventsKey)), &evs)
	evs = append(evs, own...)
	if len(evs) == 0 {
		return ""
	}
	b, _ := json.Marshal(evs)
	return string(b)
}

// inLaunch reports whether the session was started by a launch token.
func inLaunch(c echo.Context) bool { return sessionOf(c).Get(embedLaunchKey) != "" }

// APIError is the one shape of every JSON API error: a stable code and a message.
type APIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func apiError(c echo.Context, status int, code, msg string) error {
	var e APIError
	e.Error.Code, e.Error.Message = code, msg
	return c.JSON(status, e)
}

// Launch serves launch tokens: a partner backend mints one for a customer, the
// customer's browser redeems it (once) into an Onramp session.
type Launch struct {
	*UI
	Store LaunchStore
	// API checks the launch at Stitch: the token works, the type is usable
	// by the account, the source is the account's.
	API LaunchAPI
	// APIKeys authenticate partner backends (Authorization: Bearer KEY).
	APIKeys []string
	// TTL is how long a token may wait to be redeemed.
	TTL time.Duration
	// BaseURL is Onramp's public base URL.
	BaseURL string
	// ReturnURLs are the allowed return_url prefixes: scheme and host must
	// match exactly, the path at a segment boundary.
	ReturnURLs []string
	// Now is the clock of token expiry; nil means time.Now.
	Now func() time.Time
	// Templates keeps a launch's template for its session; Schemas checks
	// a template's defaults (the forms engine's schema validation).
	Templates *Templates
	Schemas   presets.Checker
}

func (h *Launch) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// LaunchRequest is the body of POST /api/v1/launch. SourceID may be sent as a
// number (as Stitch ids are) or a string of digits.
type LaunchRequest struct {
	AccessToken     string   `json:"access_token"`
	StitchAccountID int64    `json:"stitch_account_id"`
	SourceType      string   `json:"source_type,omitempty"`
	SourceID        LaunchID `json:"source_id,omitempty"`
	ReturnURL       string   `json:"return_url,omitempty"`
	Theme           *Theme   `json:"theme,omitempty"`
	Locale          string   `json:"locale,omitempty"`
	// Mode "repair" opens the repair page of SourceID (a broken connection).
	Mode string `json:"mode,omitempty"`
	// Template is a partner template for this session (package presets),
	// laid over the global one; kept raw so numbers stay exact.
	Template json.RawMessage `json:"template,omitempty"`
}

// launchTemplate parses the request's template; nil when there is none
// (also for {}: nothing to keep for the session).
func launchTemplate(req LaunchRequest) (presets.Template, error) {
	if len(bytes.TrimSpace(req.Template)) == 0 || string(bytes.TrimSpace(req.Template)) == "null" {
		return nil, nil
	}
	tpl, err := presets.Parse(req.Template)
	if err != nil || len(tpl) == 0 {
		return nil, err
	}
	return tpl, nil
}

// launchModeRepair is the launch mode that opens a source's repair page.
const launchModeRepair = "repair"

// LaunchID is a source id given as a JSON number or string; 0 is none.
type LaunchID int64

// UnmarshalJSON accepts 45612 and "45612".
func (id *LaunchID) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*id = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*id = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || s[0] == '+' {
		return errBadSourceID
	}
	*id = LaunchID(n)
	return nil
}

var errBadSourceID = errors.New("source_id must be a positive integer")

// LaunchResponse is the answer to POST /api/v1/launch.
type LaunchResponse struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

var (
	typePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,80}$`)
	localePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// jsonKeys lists the JSON field names of struct type t.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

var (
	launchKeys = jsonKeys(reflect.TypeFor[LaunchRequest]())
	themeKeys  = jsonKeys(reflect.TypeFor[Theme]())
)

// unknownKey returns the first key of obj not in known ("" when none).
func unknownKey(obj map[string]json.RawMessage, known []string) string {
	var bad []string
	for k := range obj {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	if len(bad) == 0 {
		return ""
	}
	return bad[0]
}

func (h *Launch) authorized(c echo.Context) bool {
	auth := c.Request().Header.Get("Authorization")
	key, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || key == "" {
		return false
	}
	for _, k := range h.APIKeys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			return true
		}
	}
	return false
}

func (h *Launch) returnAllowed(raw string) bool {
	return URLAllowed(raw, h.ReturnURLs)
}

// URLAllowed reports whether raw is an absolute http(s) URL under one of the
// allowed prefixes: the same scheme and host (port included, compared
// exactly, case-insensitively), and a path equal to the prefix's path or
// below it at a segment boundary. "https://app.example.com" admits
// "https://app.example.com/x" but not "https://app.example.com.evil.example/",
// and "https://app.example.com/data" admits "/data/x" but not "/database".
// URLs with credentials, backslashes, control characters or dot segments
// ("/data/../admin") are refused.
func URLAllowed(raw string, prefixes []string) bool {
	if strings.ContainsAny(raw, "\\\r\n\t ") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if hasDotSegment(path) {
		return false // a browser would resolve it to another path
	}
	for _, p := range prefixes {
		pu, err := url.Parse(p)
		if err != nil || pu.Host == "" {
			continue
		}
		if !strings.EqualFold(pu.Scheme, u.Scheme) || !strings.EqualFold(pu.Host, u.Host) {
			continue
		}
		pp := strings.TrimSuffix(pu.EscapedPath(), "/")
		if pp == "" || path == pp || strings.HasPrefix(path, pp+"/") {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether an escaped path has a "." or ".." segment,
// also spelt with %2e (browsers resolve those too).
func hasDotSegment(escaped string) bool {
	for _, seg := range strings.Split(escaped, "/") {
		switch strings.ToLower(seg) {
		case ".", "..", "%2e", "%2e%2e", ".%2e", "%2e.":
			return true
		}
	}
	return false
}

// Create handles POST /api/v1/launch. Everything the customer's browser will
// need is checked now, so a wrong value fails here, for the partner's
// backend, with its own code, instead of as a dead end in the iframe.
func (h *Launch) Create(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if len(h.APIKeys) == 0 {
		return apiError(c, http.StatusNotFound, "launch_disabled", "Launch tokens are not enabled: set ONRAMP_API_KEYS.")
	}
	if !h.authorized(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onramp"`)
		return apiError(c, http.StatusUnauthorized, "unauthorized", "Send a partner API key as Authorization: Bearer KEY.")
	}
	req, code, msg := decodeLaunch(c)
	if code == "" {
		code, msg = h.check(req)
	}
	if code != "" {
		status := http.StatusBadRequest
		if code == "request_too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		return apiError(c, status, code, msg)
	}
	if code, msg, status := h.checkAtStitch(c, req); code != "" {
		return apiError(c, status, code, msg)
	}
	payload, _ := json.Marshal(req)
	token := randomToken(32)
	exp := h.now().Add(h.TTL).UTC().Truncate(time.Second)
	if err := h.Store.Put(c.Request().Context(), token, payload, exp); err != nil {
		// The store logs the outage once; no line per request.
		return apiError(c, http.StatusServiceUnavailable, "store_unavailable", "The launch could not be stored. Try again.")
	}
	return c.JSON(http.StatusCreated, LaunchResponse{URL: h.BaseURL + "/launch/" + token, ExpiresAt: exp})
}

// launchBodyLimit caps a launch request body.
const launchBodyLimit = 16 << 10

// decodeLaunch reads the body, naming the first unknown field (of the
// request or of its theme) and the field of a wrong type.
func decodeLaunch(c echo.Context) (LaunchRequest, string, string) {
	var req LaunchRequest
	raw, err := readBody(c, launchBodyLimit)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return req, "request_too_large", fmt.Sprintf("The body is larger than %d bytes.", launchBodyLimit)
	}
	var obj map[string]json.RawMessage
	if err != nil || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return req, "invalid_json", "The body must be a JSON object with the documented fields."
	}
	if k := unknownKey(obj, launchKeys); k != "" {
		return req, "invalid_request", fmt.Sprintf("Unknown field %q.", k)
	}
	if t, ok := obj["theme"]; ok && string(t) != "null" {
		var th map[string]json.RawMessage
		if json.Unmarshal(t, &th) != nil {
			return req, "invalid_theme", "theme must be a JSON object."
		}
		if k := unknownKey(th, themeKeys); k != "" {
			return req, "invalid_theme", fmt.Sprintf("Unknown theme key %q; the keys are %s.", k, strings.Join(themeKeys, ", "))
		}
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, errBadSourceID):
			return req, "invalid_source_id", "source_id must be a source id: a positive integer, as a number or a string."
		case errors.As(err, &te) && te.Field != "":
			return req, "invalid_request", fmt.Sprintf("Field %q has the wrong type.", te.Field)
		}
		return req, "invalid_json", "The body must be a JSON object with the documented fields."
	}
	return req, "", ""
}

// readBody reads at most limit bytes of the request body.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	return buf.Bytes(), err
}

// check validates the request's own values (no Stitch call).
func (h *Launch) check(req LaunchRequest) (code, msg string) {
	switch {
	case strings.TrimSpace(req.AccessToken) == "":
		return "invalid_request", "access_token is required."
	case req.StitchAccountID <= 0:
		return "invalid_request", "stitch_account_id is required."
	case req.SourceType != "" && !typePattern.MatchString(req.SourceType):
		return "unknown_source_type", "source_type is not a source type."
	case req.Mode != "" && req.Mode != launchModeRepair:
		return "invalid_request", `mode must be "repair" or left out.`
	case req.Mode == launchModeRepair && req.SourceID == 0:
		return "invalid_request", `mode "repair" needs the source_id to repair.`
	case req.Locale != "" && !localePattern.MatchString(req.Locale):
		return "invalid_request", "locale must look like en or en-GB."
	case req.ReturnURL != "" && !h.returnAllowed(req.ReturnURL):
		return "return_url_not_allowed", "return_url is not under an allowed URL (ONRAMP_RETURN_URLS): same scheme and host, and a path below an allowed one."
	}
	if req.Theme != nil {
		if err := req.Theme.Validate(); err != nil {
			return "invalid_theme", err.Error()
		}
	}
	if _, err := launchTemplate(req); err != nil {
		return "invalid_template", presets.Message(err)
	}
	return "", ""
}

// checkAtStitch proves, with the customer's token and never from a cache,
// that the token works and the requested type and source are usable by its
// account: one Stitch call per thing to check (the type's report card, the
// source), or one light call (the account's destinations) when the launch
// names neither; a template adds one call per type it names besides the
// launch's own (at most presets.MaxTypes).
func (h *Launch) checkAtStitch(c echo.Context, req LaunchRequest) (code, msg string, status int) {
	if h.API == nil {
		return "", "", 0
	}
	ctx := c.Request().Context()
	fail := func(err error) (string, string, int) {
		switch {
		case connect.IsUnauthorized(err):
			return "invalid_access_token", "Stitch did not accept access_token: it is wrong, or was revoked.", http.StatusBadRequest
		case connect.IsUpstreamUnavailable(err):
			return "stitch_unavailable", "Stitch did not answer, so the launch could not be checked. Try again.", http.StatusServiceUnavailable
		}
		h.Log.Error("launch check failed", "id", RequestID(ctx), "err", err)
		return "internal_error", "The launch could not be checked. Try again.", http.StatusInternalServerError
	}
	var typeCard *connect.ReportCard // the launch's type, for its template
	if req.SourceType != "" {
		rc, err := h.API.GetSourceType(ctx, req.AccessToken, req.SourceType)
		switch {
		case err == nil && len(rc.Steps) == 0, connect.IsUnknownType(err):
			// Stitch documents no error for an unknown type; a 404 or 400, or a
			// stub without steps (a destination or legacy type), all mean "no".
			return "unknown_source_type", fmt.Sprintf("%q is not a source type.", req.SourceType), http.StatusBadRequest
		case err != nil:
			return fail(err)
		case !rc.Usable():
			return "source_type_not_available", fmt.Sprintf("The account's Stitch plan cannot use %q.", req.SourceType), http.StatusBadRequest
		}
		typeCard = rc
	}
	if err := h.checkTemplate(ctx, req, typeCard); err != nil {
		if errors.As(err, new(*presets.Error)) {
			return "invalid_template", presets.Message(err), http.StatusBadRequest
		}
		return fail(err)
	}
	if req.SourceType == "" && req.SourceID == 0 {
		if _, err := h.API.ListDestinations(ctx, req.AccessToken); err != nil {
			return fail(err)
		}
	}
	if req.SourceID > 0 {
		src, err := h.API.GetSource(ctx, req.AccessToken, connect.Int(req.SourceID))
		if connect.IsNotFound(err) || (err == nil && src.DeletedAt != nil) {
			return "unknown_source_id", fmt.Sprintf("Source %d does not exist in this account.", req.SourceID), http.StatusBadRequest
		}
		if err != nil {
			return fail(err)
		}
	}
	return "", "", 0
}

// checkTemplate validates the launch's template against each named type's
// report card, read with the customer's token (typeCard is the launch's own
// type, already read); it returns a *presets.Error (joined) for a wrong
// template, any other error for a failed Stitch call.
func (h *Launch) checkTemplate(ctx context.Context, req LaunchRequest, typeCard *connect.ReportCard) error {
	tpl, err := launchTemplate(req)
	if err != nil || tpl == nil {
		return err
	}
	read := presets.CardsFrom(ctx, h.API, req.AccessToken)
	return tpl.Validate(func(typ string) (*connect.ReportCard, error) {
		if typeCard != nil && typ == req.SourceType {
			return typeCard, nil
		}
		return read(typ)
	}, h.Schemas)
}

// Redeem handles GET /launch/:token: exactly once, within the TTL, it starts
// a session for the customer and goes to the requested page.
// A HEAD (a link previewer, a monitoring probe) does not use the token up.
func (h *Launch) Redeem(c echo.Context) error {
	if isHead(c) {
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.NoContent(http.StatusOK)
	}
	payload, status, err := h.Store.Redeem(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	if status != store.RedeemOK {
		l, product := tr(c), h.productName()
		heading, msg := l.T("error.linkInvalidHeading"), l.T("error.linkInvalidMessage", "Product", product)
		switch status {
		case store.RedeemUsed:
			heading, msg = l.T("error.linkUsedHeading"), l.T("error.linkUsedMessage", "Product", product)
		case store.RedeemExpired:
			heading, msg = l.T("error.linkExpiredHeading"), l.T("error.linkExpiredMessage", "Product", product)
		}
		base := h.base(c, heading, "")
		base.Widget = true
		base.Events = takeEvents(c, Event{Type: "onramp:error", Data: map[string]any{"status": http.StatusGone, "code": "launch_" + status.String(), "message": heading}})
		return render(c, http.StatusGone, views.Error(views.ErrorPage{Base: base, Status: http.StatusGone, Heading: heading, Message: msg}))
	}
	var req LaunchRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		return errors.New("launch payload unreadable")
	}
	s := sessionOf(c)
	s.Clear()
	s.SetAccount(Account{Token: req.AccessToken, ID: req.StitchAccountID})
	s.Set(embedLaunchKey, "1")
	s.Set(embedReturnKey, req.ReturnURL)
	s.Set(embedLocaleKey, req.Locale)
	if req.Theme != nil && !req.Theme.IsZero() {
		b, _ := json.Marshal(req.Theme)
		s.Set(embedThemeKey, string(b))
	}
	if tpl, err := launchTemplate(req); err != nil {
		return fmt.Errorf("launch template: %w", err)
	} else if tpl != nil {
		id, err := h.Templates.save(c.Request().Context(), tpl)
		if err != nil {
			return err
		}
		s.Set(embedTemplateKey, id)
	}
	emit(c, "onramp:account_connected", map[string]any{"stitch_account_id": req.StitchAccountID})
	to := "/"
	switch {
	case req.SourceID > 0 && req.Mode == launchModeRepair:
		to = "/sources/" + strconv.FormatInt(int64(req.SourceID), 10) + "/repair"
	case req.SourceID > 0:
		to = "/sources/" + strconv.FormatInt(int64(req.SourceID), 10)
	case req.SourceType != "":
		to = "/sources/new/" + url.PathEscape(req.SourceType)
	}
	return redirect(c, to)
}

// LaunchAPI is what minting a launch asks Stitch, with the customer's token.
type LaunchAPI interface {
	GetSourceType(ctx context.Context, token, typ string) (*connect.ReportCard, error)
	GetSource(ctx context.Context, token string, id connect.Int) (*connect.Source, error)
	ListDestinations(ctx context.Context, token string) ([]connect.Destination, error)
}
