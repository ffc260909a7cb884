package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/store"
	"github.com/onramp/onramp/views"
)

// Hand-off links send one unfinished step of one source to a colleague
// (Merge's Magic Link, Plaid's Hosted Link). A link is a random token in a
// URL, shown once to whoever created it; the store keeps its record under a
// hash of the token only (Launches: single use, expiry), and a revocation
// marker under the same hash (Claims). Opening it starts a restricted
// widget session on that device: that source, that step, nothing else.

// Session slots of hand-off links.
const (
	// handoffSessKey marks a restricted session opened by a link.
	handoffSessKey = "ho"
	// handoffListKey (+ source id) lists the links this browser created.
	handoffListKey = "hol."
)

// handoffSessionMax bounds a colleague's session after the link is opened
// (and the link's own expiry bounds it too); revocation markers outlive it.
const handoffSessionMax = 12 * time.Hour

// handoffSteps are the steps a link can open, and the messages that name them.
var handoffSteps = map[string]string{
	connect.StepForm:           "steps.form",
	connect.StepOAuth:          "steps.oauth",
	connect.StepProfile:        "steps.profile",
	connect.StepFieldSelection: "steps.fields",
	"repair":                   "handoff.stepRepair",
}

// handoffRecord is stored (under the token's hash) until the link is used.
type handoffRecord struct {
	AccessToken string `json:"t"`
	AccountID   int64  `json:"a"`
	SourceID    string `json:"s"`
	Step        string `json:"p"`
	Expires     int64  `json:"e"`
	// Template is the launch template of the session that made the link
	// (its JSON): the colleague is held to the same locked and hidden
	// values. It travels in the record, which lives as long as the link,
	// and is stored anew for the colleague's session.
	Template string `json:"tpl,omitempty"`
}

// handoffScope is what a restricted session may reach.
type handoffScope struct {
	SourceID string `json:"s"`
	Step     string `json:"p"`
	ID       string `json:"i"`
	Until    int64  `json:"u"`
}

// Handoff creates, opens and revokes hand-off links.
type Handoff struct {
	*UI
	// Templates find the launch template a link carries to the colleague.
	Templates *Templates
	API       LaunchAPI
	Store     LaunchStore
	// Revoked keeps revocation markers (Claims: Resolve/Result).
	Revoked Claims
	// TTL is how long a link works.
	TTL     time.Duration
	BaseURL string
	APIKeys []string
	Now     func() time.Time
}

func (h *Handoff) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// handoffID is the public id of a link: a hash of its token, which also
// names its record (the token itself is never stored).
func handoffID(token string) string {
	sum := sha256.Sum256([]byte("handoff\x00" + token))
	return hex.EncodeToString(sum[:16])
}

func recordKey(id string) string  { return "handoff:" + id }
func revokedKey(id string) string { return "handoff.revoked:" + id }

var handoffIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// inHandoff reports whether the session was opened by a hand-off link.
func inHandoff(c echo.Context) bool { return sessionOf(c).Get(handoffSessKey) != "" }

func scopeOf(c echo.Context) (handoffScope, bool) {
	var s handoffScope
	raw := sessionOf(c).Get(handoffSessKey)
	return s, raw != "" && json.Unmarshal([]byte(raw), &s) == nil
}

// mint stores a new link and returns its token, id and expiry.
func (h *Handoff) mint(c echo.Context, acct Account, sourceID, step string) (token, id string, exp time.Time, err error) {
	token = randomToken(32)
	id = handoffID(token)
	exp = h.now().Add(h.TTL).UTC().Truncate(time.Second)
	tpl, err := h.Templates.raw(c)
	if err != nil {
		return "", "", time.Time{}, err
	}
	b, _ := json.Marshal(handoffRecord{AccessToken: acct.Token, AccountID: acct.ID, SourceID: sourceID, Step: step, Expires: exp.Unix(), Template: tpl})
	if err := h.Store.Put(c.Request().Context(), recordKey(id), b, exp); err != nil {
		return "", "", time.Time{}, fmt.Errorf("store hand-off link: %w", err)
	}
	return token, id, exp, nil
}

// revoke uses the link up (so it can no longer open) and marks it revoked
// (so a session it already opened ends).
func (h *Handoff) revoke(c echo.Context, id string) (store.RedeemStatus, error) {
	ctx := c.Request().Context()
	if err := h.Revoked.Resolve(ctx, revokedKey(id), "revoked"); err != nil {
		return 0, fmt.Errorf("revoke hand-off link: %w", err)
	}
	_, st, err := h.Store.Redeem(ctx, recordKey(id))
	if err != nil {
		return 0, fmt.Errorf("revoke hand-off link: %w", err)
	}
	return st, nil
}

func (h *Handoff) ttlWords(l *i18n.Localizer) string {
	if h.TTL < time.Hour {
		return l.N("handoff.ttlMinutes", int(h.TTL/time.Minute))
	}
	return l.N("handoff.ttlHours", int(h.TTL.Round(time.Hour)/time.Hour))
}

// stepFor is the step a link for src opens: the one asked for when it is
// unfinished (or "repair"), else the source's current step.
func stepFor(src *connect.Source, asked string) (string, bool) {
	if asked == "repair" {
		return asked, true
	}
	step := src.ReportCard.CurrentStepType
	if asked != "" {
		if _, ok := src.ReportCard.Step(asked); !ok {
			return "", false
		}
		step = asked
	}
	if step == connect.StepDiscoverSchema {
		step = connect.StepForm // a check that runs or failed: the details are what someone else fixes
	}
	_, ok := handoffSteps[step]
	return step, ok
}

// linkList is this browser's links for a source: "id|step|expires" entries.
func linkList(c echo.Context, sourceID string, now time.Time) []views.HandoffLink {
	var out []views.HandoffLink
	for _, e := range strings.Split(sessionOf(c).Get(handoffListKey+sourceID), ",") {
		parts := strings.Split(e, "|")
		if len(parts) != 3 {
			continue
		}
		exp, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil || now.Unix() > exp {
			continue
		}
		out = append(out, views.HandoffLink{ID: parts[0], Step: tr(c).T(handoffSteps[parts[1]]), ExpiresAt: tr(c).DateTime(time.Unix(exp, 0))})
	}
	return out
}

func setLinkList(c echo.Context, sourceID string, raw []string) {
	if len(raw) > 5 {
		raw = raw[len(raw)-5:] // keep the cookie small
	}
	sessionOf(c).Set(handoffListKey+sourceID, strings.Join(raw, ","))
}

func (h *Handoff) page(c echo.Context, src *connect.Source, step string) views.HandoffPage {
	name := h.sourceName(tr(c), src)
	back := StepURL(src.ID.String(), src.ReportCard.CurrentStepType)
	if step == "repair" {
		back = "/sources/" + src.ID.String() + "/repair"
	}
	return views.HandoffPage{
		Base:     h.base(c, tr(c).T("handoff.start"), "sources"),
		SourceID: src.ID.String(), Name: name, Step: step, StepLabel: tr(c).T(handoffSteps[step]),
		TTL: h.ttlWords(tr(c)), Links: linkList(c, src.ID.String(), h.now()), BackURL: back,
	}
}

// New handles GET /sources/:id/handoff: what a link would open, and this
// browser's links for the source.
func (h *Handoff) New(c echo.Context) error {
	src, _, err := loadSourceFrom(c, h.API)
	if err != nil {
		return err
	}
	step, ok := stepFor(src, c.QueryParam("step"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return render(c, http.StatusOK, views.Handoff(h.page(c, src, step)))
}

// Create handles POST /sources/:id/handoff: a new link, shown once.
func (h *Handoff) Create(c echo.Context) error {
	src, acct, err := loadSourceFrom(c, h.API)
	if err != nil {
		return err
	}
	step, ok := stepFor(src, c.FormValue("step"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	token, id, exp, err := h.mint(c, acct, src.ID.String(), step)
	if err != nil {
		return err
	}
	raw := strings.Split(sessionOf(c).Get(handoffListKey+src.ID.String()), ",")
	if raw[0] == "" {
		raw = nil
	}
	setLinkList(c, src.ID.String(), append(raw, id+"|"+step+"|"+strconv.FormatInt(exp.Unix(), 10)))
	h.Log.Info("hand-off link created", "id", RequestID(c.Request().Context()), "source", src.ID.String(), "step", step)
	m := h.page(c, src, step)
	m.URL, m.ExpiresAt = h.BaseURL+"/handoff/"+token, tr(c).DateTime(exp)
	return render(c, http.StatusOK, views.Handoff(m))
}

// Revoke handles POST /sources/:id/handoff/revoke: one of this browser's links.
func (h *Handoff) Revoke(c echo.Context) error {
	src, _, err := loadSourceFrom(c, h.API)
	if err != nil {
		return err
	}
	id := c.FormValue("link")
	sid := src.ID.String()
	var keep []string
	found := false
	for _, e := range strings.Split(sessionOf(c).Get(handoffListKey+sid), ",") {
		if e == "" {
			continue
		}
		if strings.HasPrefix(e, id+"|") && handoffIDPattern.MatchString(id) {
			found = true
			continue
		}
		keep = append(keep, e)
	}
	if !found {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if _, err := h.revoke(c, id); err != nil {
		return err
	}
	setLinkList(c, sid, keep)
	h.Log.Info("hand-off link revoked", "id", RequestID(c.Request().Context()), "source", sid)
	step, _ := stepFor(src, "")
	m := h.page(c, src, step)
	m.Message = tr(c).T("handoff.revoked")
	return render(c, http.StatusOK, views.Handoff(m))
}

// Open handles GET /handoff/:token: a page whose button uses the link (a
// link previewer's GET, or a HEAD, does not use it up).
func (h *Handoff) Open(c echo.Context) error {
	base := h.base(c, tr(c).T("handoff.openTitle"), "")
	base.Widget = true
	return render(c, http.StatusOK, views.HandoffOpen(views.HandoffOpenPage{Base: base, Action: "/handoff/" + c.Param("token")}))
}

// Redeem handles POST /handoff/:token: once, before it expires and unless
// revoked, it starts a restricted session on this device for that source
// and step, and goes there.
func (h *Handoff) Redeem(c echo.Context) error {
	token := c.Param("token")
	id := handoffID(token)
	ctx := c.Request().Context()
	if r, err := h.Revoked.Result(ctx, revokedKey(id)); err != nil {
		return err
	} else if r != "" {
		return h.ended(c, http.StatusGone, "handoff.revokedHeading", "handoff.revokedMessage")
	}
	payload, status, err := h.Store.Redeem(ctx, recordKey(id))
	if err != nil {
		return err
	}
	var rec handoffRecord
	if status == store.RedeemOK && json.Unmarshal(payload, &rec) != nil {
		return errors.New("hand-off payload unreadable")
	}
	switch status {
	case store.RedeemOK:
	case store.RedeemUsed:
		return h.ended(c, http.StatusGone, "handoff.usedHeading", "handoff.usedMessage")
	case store.RedeemExpired:
		return h.ended(c, http.StatusGone, "handoff.expiredHeading", "handoff.expiredMessage")
	default:
		return h.ended(c, http.StatusGone, "handoff.invalidHeading", "handoff.invalidMessage")
	}
	until := min(rec.Expires, h.now().Add(handoffSessionMax).Unix())
	scope, _ := json.Marshal(handoffScope{SourceID: rec.SourceID, Step: rec.Step, ID: id, Until: until})
	s := sessionOf(c)
	s.Clear()
	s.SetAccount(Account{Token: rec.AccessToken, ID: rec.AccountID})
	s.Set(embedLaunchKey, "1") // a widget: no navigation, no account actions
	s.Set(handoffSessKey, string(scope))
	if rec.Template != "" {
		id, err := h.Templates.saveRaw(ctx, rec.Template)
		if err != nil {
			return err
		}
		s.Set(embedTemplateKey, id)
	}
	h.Log.Info("hand-off link opened", "id", RequestID(ctx), "source", rec.SourceID, "step", rec.Step)
	return redirect(c, handoffStart(rec.SourceID, rec.Step))
}

func handoffStart(sourceID, step string) string {
	if step == "repair" {
		return "/sources/" + sourceID + "/repair"
	}
	return StepURL(sourceID, step)
}

// ended answers with a plain page: heading and msg are message ids.
func (h *Handoff) ended(c echo.Context, status int, heading, msg string) error {
	heading, msg = tr(c).T(heading), tr(c).T(msg)
	base := h.base(c, heading, "")
	base.Widget = true
	return render(c, status, views.HandoffEnd(views.HandoffEndPage{Base: base, Heading: heading, Message: msg}))
}

// handoffAllowed lists, per step, the pages below /sources/{id} a
// restricted session may use ("" is the step router).
var handoffAllowed = map[string][]string{
	connect.StepForm:           {"", "/form", "/discover", "/discover/status"},
	connect.StepOAuth:          {"", "/oauth", "/oauth/*", "/discover", "/discover/status"},
	connect.StepProfile:        {"", "/profile", "/discover", "/discover/status"},
	connect.StepFieldSelection: {"", "/fields", "/fields/*"},
	"repair":                   {"/repair", "/repair/*"},
}

// handoffFree are paths any session may use.
func handoffFree(p string) bool {
	return strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/handoff/") || strings.HasPrefix(p, "/oauth/source/") ||
		p == "/theme.css" || p == "/favicon.ico" || p == "/healthz" || p == "/readyz"
}

func scopeAllows(s handoffScope, p string) bool {
	rest, ok := strings.CutPrefix(p, "/sources/"+s.SourceID)
	if !ok || (rest != "" && rest[0] != '/') {
		return false
	}
	for _, a := range handoffAllowed[s.Step] {
		pre, wild := strings.CutSuffix(a, "/*")
		if rest == a || (wild && (rest == pre || strings.HasPrefix(rest, pre+"/"))) {
			return true
		}
	}
	return false
}

// isStepPage reports whether p is a step page of the source (where the
// step router sends someone whose step is done).
func isStepPage(sourceID, p string) bool {
	rest, ok := strings.CutPrefix(p, "/sources/"+sourceID+"/")
	if !ok {
		return false
	}
	first, _, _ := strings.Cut(rest, "/")
	switch first {
	case "form", "oauth", "profile", "discover", "fields", "done", "repair":
		return true
	}
	return false
}

// Restrict keeps a hand-off session inside its one source and step: it
// ends the session when the link was revoked or its time is up, and
// answers every other page with a plain page (the step is done, or it is
// not part of what the link opens).
func (h *Handoff) Restrict(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, ok := scopeOf(c)
		p := c.Request().URL.Path
		if !ok || handoffFree(p) {
			return next(c)
		}
		if r, err := h.Revoked.Result(c.Request().Context(), revokedKey(s.ID)); err != nil {
			return err
		} else if r != "" || h.now().Unix() > s.Until {
			sessionOf(c).Clear()
			if r != "" {
				return h.ended(c, http.StatusGone, "handoff.revokedHeading", "handoff.revokedClosed")
			}
			return h.ended(c, http.StatusGone, "handoff.endedHeading", "handoff.endedMessage")
		}
		if scopeAllows(s, p) {
			return next(c)
		}
		if isStepPage(s.SourceID, p) && c.Request().Method == http.MethodGet {
			return h.ended(c, http.StatusOK, "handoff.doneHeading", "handoff.doneMessage")
		}
		return h.ended(c, http.StatusForbidden, "handoff.oneStepHeading", "handoff.oneStepMessage")
	}
}

// HandoffRequest is the body of POST /api/v1/handoff.
type HandoffRequest struct {
	AccessToken     string   `json:"access_token"`
	StitchAccountID int64    `json:"stitch_account_id"`
	SourceID        LaunchID `json:"source_id"`
	Step            string   `json:"step,omitempty"`
}

// HandoffResponse is its answer: the URL (shown once, never stored) and the
// id that revokes it.
type HandoffResponse struct {
	URL       string    `json:"url"`
	ID        string    `json:"id"`
	Step      string    `json:"step"`
	ExpiresAt time.Time `json:"expires_at"`
}

var handoffKeys = jsonKeys(reflect.TypeFor[HandoffRequest]())

// CreateAPI handles POST /api/v1/handoff (bearer API key, like the launch API).
func (h *Handoff) CreateAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	l := &Launch{APIKeys: h.APIKeys}
	if len(h.APIKeys) == 0 {
		return apiError(c, http.StatusNotFound, "handoff_disabled", "Hand-off links from the API are not enabled: set ONRAMP_API_KEYS.")
	}
	if !l.authorized(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onramp"`)
		return apiError(c, http.StatusUnauthorized, "unauthorized", "Send a partner API key as Authorization: Bearer KEY.")
	}
	raw, err := readBody(c, launchBodyLimit)
	var obj map[string]json.RawMessage
	if err != nil || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return apiError(c, http.StatusBadRequest, "invalid_json", "The body must be a JSON object with the documented fields.")
	}
	if k := unknownKey(obj, handoffKeys); k != "" {
		return apiError(c, http.StatusBadRequest, "invalid_request", fmt.Sprintf("Unknown field %q.", k))
	}
	var req HandoffRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		if errors.Is(err, errBadSourceID) {
			return apiError(c, http.StatusBadRequest, "invalid_source_id", "source_id must be a source id: a positive integer, as a number or a string.")
		}
		return apiError(c, http.StatusBadRequest, "invalid_request", "A field has the wrong type.")
	}
	switch {
	case strings.TrimSpace(req.AccessToken) == "":
		return apiError(c, http.StatusBadRequest, "invalid_request", "access_token is required.")
	case req.StitchAccountID <= 0:
		return apiError(c, http.StatusBadRequest, "invalid_request", "stitch_account_id is required.")
	case req.SourceID <= 0:
		return apiError(c, http.StatusBadRequest, "invalid_source_id", "source_id is required.")
	}
	src, err := h.API.GetSource(c.Request().Context(), req.AccessToken, connect.Int(req.SourceID))
	switch {
	case connect.IsNotFound(err) || (err == nil && src.DeletedAt != nil):
		return apiError(c, http.StatusBadRequest, "unknown_source_id", fmt.Sprintf("Source %d does not exist in this account.", req.SourceID))
	case connect.IsUnauthorized(err):
		return apiError(c, http.StatusBadRequest, "invalid_access_token", "Stitch did not accept access_token: it is wrong, or was revoked.")
	case connect.IsUpstreamUnavailable(err):
		return apiError(c, http.StatusServiceUnavailable, "stitch_unavailable", "Stitch did not answer, so the source could not be checked. Try again.")
	case err != nil:
		return err
	}
	step, ok := stepFor(src, req.Step)
	if !ok {
		return apiError(c, http.StatusBadRequest, "invalid_step", "step must be form, oauth, profile, field_selection or repair, and a step of this source that is not finished.")
	}
	token, id, exp, err := h.mint(c, Account{Token: req.AccessToken, ID: req.StitchAccountID}, src.ID.String(), step)
	if err != nil {
		return apiError(c, http.StatusServiceUnavailable, "store_unavailable", "The link could not be stored. Try again.")
	}
	return c.JSON(http.StatusCreated, HandoffResponse{URL: h.BaseURL + "/handoff/" + token, ID: id, Step: step, ExpiresAt: exp})
}

// RevokeAPI handles DELETE /api/v1/handoff/:id.
func (h *Handoff) RevokeAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	l := &Launch{APIKeys: h.APIKeys}
	if len(h.APIKeys) == 0 {
		return apiError(c, http.StatusNotFound, "handoff_disabled", "Hand-off links from the API are not enabled: set ONRAMP_API_KEYS.")
	}
	if !l.authorized(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onramp"`)
		return apiError(c, http.StatusUnauthorized, "unauthorized", "Send a partner API key as Authorization: Bearer KEY.")
	}
	id := c.Param("id")
	if !handoffIDPattern.MatchString(id) {
		return apiError(c, http.StatusNotFound, "unknown_handoff", "No hand-off link has this id.")
	}
	st, err := h.revoke(c, id)
	if err != nil {
		return apiError(c, http.StatusServiceUnavailable, "store_unavailable", "The link could not be revoked. Try again.")
	}
	if st == store.RedeemUnknown {
		return apiError(c, http.StatusNotFound, "unknown_handoff", "No hand-off link has this id.")
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "revoked": true, "was": st.String()})
}
