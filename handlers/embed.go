package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/views"
)

// Session slots used by embedding.
const (
	embedReturnKey = "ret"
	embedThemeKey  = "theme"
	embedLocaleKey = "locale"
	embedEventsKey = "ev"
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
	// APIKeys authenticate partner backends (Authorization: Bearer KEY).
	APIKeys []string
	// TTL is how long a token may wait to be redeemed.
	TTL time.Duration
	// BaseURL is Onramp's public base URL.
	BaseURL string
	// ReturnURLs are the allowed prefixes of return_url.
	ReturnURLs []string
}

// LaunchRequest is the body of POST /api/v1/launch.
type LaunchRequest struct {
	AccessToken     string `json:"access_token"`
	StitchAccountID int64  `json:"stitch_account_id"`
	SourceType      string `json:"source_type,omitempty"`
	SourceID        string `json:"source_id,omitempty"`
	ReturnURL       string `json:"return_url,omitempty"`
	Theme           *Theme `json:"theme,omitempty"`
	Locale          string `json:"locale,omitempty"`
}

// LaunchResponse is the answer to POST /api/v1/launch.
type LaunchResponse struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

var (
	typePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,80}$`)
	localePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

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
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return false
	}
	for _, p := range h.ReturnURLs {
		if strings.HasPrefix(raw, p) {
			return true
		}
	}
	return false
}

// Create handles POST /api/v1/launch.
func (h *Launch) Create(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if len(h.APIKeys) == 0 {
		return apiError(c, http.StatusNotFound, "launch_disabled", "Launch tokens are not enabled: set ONRAMP_API_KEYS.")
	}
	if !h.authorized(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onramp"`)
		return apiError(c, http.StatusUnauthorized, "unauthorized", "Send a partner API key as Authorization: Bearer KEY.")
	}
	var req LaunchRequest
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return apiError(c, http.StatusBadRequest, "invalid_json", "The body must be a JSON object with the documented fields.")
	}
	switch {
	case strings.TrimSpace(req.AccessToken) == "":
		return apiError(c, http.StatusBadRequest, "invalid_request", "access_token is required.")
	case req.StitchAccountID <= 0:
		return apiError(c, http.StatusBadRequest, "invalid_request", "stitch_account_id is required.")
	case req.SourceType != "" && !typePattern.MatchString(req.SourceType):
		return apiError(c, http.StatusBadRequest, "invalid_request", "source_type is not a source type.")
	case req.SourceID != "" && parseID(req.SourceID) <= 0:
		return apiError(c, http.StatusBadRequest, "invalid_request", "source_id must be a source id.")
	case req.Locale != "" && !localePattern.MatchString(req.Locale):
		return apiError(c, http.StatusBadRequest, "invalid_request", "locale must look like en or en-GB.")
	case req.ReturnURL != "" && !h.returnAllowed(req.ReturnURL):
		return apiError(c, http.StatusBadRequest, "return_url_not_allowed", "return_url does not start with an allowed prefix (ONRAMP_RETURN_URLS).")
	}
	if req.Theme != nil {
		if err := req.Theme.Validate(); err != nil {
			return apiError(c, http.StatusBadRequest, "invalid_theme", err.Error())
		}
	}
	payload, _ := json.Marshal(req)
	token := randomToken(32)
	exp := time.Now().Add(h.TTL).UTC().Truncate(time.Second)
	if err := h.Store.Put(c.Request().Context(), token, payload, exp); err != nil {
		h.Log.Error("store launch token", "err", err)
		return apiError(c, http.StatusServiceUnavailable, "store_unavailable", "The launch could not be stored. Try again.")
	}
	return c.JSON(http.StatusCreated, LaunchResponse{URL: h.BaseURL + "/launch/" + token, ExpiresAt: exp})
}

// Redeem handles GET /launch/:token: exactly once, within the TTL, it starts
// a session for the customer and goes to the requested page.
func (h *Launch) Redeem(c echo.Context) error {
	payload, status, err := h.Store.Redeem(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	if status != RedeemOK {
		heading, msg := "This link does not work", "The link is not valid. Go back to the application and open Onramp again."
		switch status {
		case RedeemUsed:
			heading, msg = "This link was already used", "For your security, each link works once. Go back to the application and open Onramp again."
		case RedeemExpired:
			heading, msg = "This link has expired", "Links work for a few minutes only. Go back to the application and open Onramp again."
		}
		base := h.base(c, heading, "")
		base.Events = takeEvents(c, Event{Type: "onramp:error", Data: map[string]any{"code": "launch_" + [...]string{"ok", "unknown", "used", "expired"}[status], "message": heading}})
		return render(c, http.StatusGone, views.Error(views.ErrorPage{Base: base, Status: http.StatusGone, Heading: heading, Message: msg}))
	}
	var req LaunchRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		return errors.New("launch payload unreadable")
	}
	s := sessionOf(c)
	s.Clear()
	s.SetAccount(Account{Token: req.AccessToken, ID: req.StitchAccountID})
	s.Set(embedReturnKey, req.ReturnURL)
	s.Set(embedLocaleKey, req.Locale)
	if req.Theme != nil && !req.Theme.IsZero() {
		b, _ := json.Marshal(req.Theme)
		s.Set(embedThemeKey, string(b))
	}
	emit(c, "onramp:account_connected", map[string]any{"stitch_account_id": req.StitchAccountID})
	to := "/"
	switch {
	case req.SourceID != "":
		to = "/sources/" + strconv.FormatInt(parseID(req.SourceID), 10)
	case req.SourceType != "":
		to = "/sources/new/" + url.PathEscape(req.SourceType)
	}
	return redirect(c, to)
}
