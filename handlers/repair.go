package handlers

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/presets"
	"github.com/onramp/onramp/repair"
	"github.com/onramp/onramp/views"
)

// Repair fixes a source whose connection stopped working, in place: only
// the fields at fault are asked again, or the user signs in again (OAuth),
// and every other setting and the stream selection are kept (PUT
// /v4/sources/{id} merges properties). The rules are in package repair.
type Repair struct {
	*Sources
	Sessions SessionsAPI
	// AppURL is the Stitch web app serving /v2/js-client.
	AppURL string
	// WhiteLabel runs the partner's own OAuth app for a type, when it has one.
	WhiteLabel *WhiteLabelOAuth
	// Handoffs, when set, offers "Send this step to someone else".
	Handoffs bool
}

// repairKey names the session slot of a repair under way: the source's
// check job when it began, so the repair's own check can be told apart.
func repairKey(id string) string { return "repair." + id }

type repairMark struct {
	Check  string `json:"c"`
	Method string `json:"m"` // fields, reauthorize
}

// markRepair records in the session that a repair of src started, by method.
func markRepair(c echo.Context, src *connect.Source, method string) {
	b, _ := json.Marshal(repairMark{Check: src.CheckJobName, Method: method})
	sessionOf(c).Set(repairKey(src.ID.String()), string(b))
}

// repairReauthorize is the repair method that signs in to the provider again.
const repairReauthorize = "reauthorize"

// reauthorizing reports whether this session is re-authorizing src (a
// repair's sign-in again): the white-label hand-off then serves a source
// past its oauth step.
func reauthorizing(c echo.Context, src *connect.Source) bool {
	m, ok := markOf(c, src.ID.String())
	return ok && m.Method == repairReauthorize
}

func markOf(c echo.Context, id string) (repairMark, bool) {
	var m repairMark
	raw := sessionOf(c).Get(repairKey(id))
	return m, raw != "" && json.Unmarshal([]byte(raw), &m) == nil
}

// repairPending is the repair result page when a repair of src started in
// this session and Stitch has run a check since (the done and discover
// pages hand over to it, so a sign-in that ends elsewhere still settles).
func repairPending(c echo.Context, src *connect.Source) string {
	m, ok := markOf(c, src.ID.String())
	if !ok || src.CheckJobName == "" || src.CheckJobName == m.Check {
		return ""
	}
	return "/sources/" + src.ID.String() + "/repair/result"
}

// repairProps describes the source's form and oauth properties for package repair.
func repairProps(src *connect.Source) []repair.Prop {
	var out []repair.Prop
	for _, st := range src.ReportCard.Steps {
		if st.Type != connect.StepForm && st.Type != connect.StepOAuth {
			continue
		}
		for _, p := range st.Properties {
			k := p.Kind()
			out = append(out, repair.Prop{
				Name: p.Name, OAuth: st.Type == connect.StepOAuth, Credential: p.IsCredential,
				Editable: st.Type == connect.StepForm && (k == connect.PropertyUserProvided || k == connect.PropertyUserProvidedAdvanced),
			})
		}
	}
	return out
}

// diagnose applies package repair to a source and its last check.
func diagnose(src *connect.Source, chk *connect.ConnectionCheck) repair.Diagnosis {
	in := repair.Input{PausedByStitch: src.SystemPausedAt != nil, Props: repairProps(src)}
	_, in.OAuth = src.ReportCard.Step(connect.StepOAuth)
	if chk != nil && chk.Status == connect.CheckFailed {
		in.Detail = checkDetail(chk)
		if in.Detail == "" {
			in.Detail = "failed"
		}
	}
	return repair.Diagnose(in)
}

// sourceHealth is the health summary of a source (lists, done page, repair
// page), in l's language.
func (u *UI) sourceHealth(l *i18n.Localizer, src *connect.Source, chk *connect.ConnectionCheck) views.SourceHealth {
	st := sourceStatus(src, chk)
	h := views.SourceHealth{SourceID: src.ID.String(), Status: l.T(st.Key), Tone: st.Tone}
	if chk != nil {
		h.LastCheck = checkSummary(l, chk)
	}
	if src.SystemPausedAt != nil {
		h.PausedByStitch = l.T("health.pausedByStitch", "When", l.DateTime(*src.SystemPausedAt))
	}
	d := diagnose(src, chk)
	if d.Action == "" {
		return h
	}
	h.Problem = l.T(d.MessageID)
	if chk != nil && chk.Status == connect.CheckFailed {
		h.Detail = checkDetail(chk)
	}
	h.RepairURL = "/sources/" + src.ID.String() + "/repair"
	switch d.Action {
	case repair.Reauthorize:
		h.RepairLabel = l.T("repair.signInAgain", "Name", u.typeName(l, src.Type))
	case repair.ReEnter:
		h.Fields = u.fieldLabels(l, src, d.Fields)
		// A language that writes labels in lower case inside a sentence
		// (English, French, Spanish) reads FieldsLower; German keeps Fields.
		list := joinLabels(l, h.Fields)
		h.RepairLabel = l.T("health.reEnter", "Fields", list, "FieldsLower", strings.ToLower(list))
	default:
		h.RepairLabel = l.T("common.checkDetails")
	}
	return h
}

// joinLabels lists labels as a sentence does: "Host, Port and Password".
func joinLabels(l *i18n.Localizer, ls []string) string {
	switch len(ls) {
	case 0:
		return ""
	case 1:
		return ls[0]
	}
	return l.T("health.list", "Items", strings.Join(ls[:len(ls)-1], ", "), "Last", ls[len(ls)-1])
}

// fieldLabels are the form labels of properties in l's language, with the
// partner's texts.
func (u *UI) fieldLabels(l *i18n.Localizer, src *connect.Source, names []string) []string {
	step, ok := src.ReportCard.Step(connect.StepForm)
	if !ok {
		return names
	}
	f := u.Words.In(l).Build(src.Type, onlyProps(step, names), nil, forms.BuildOptions{})
	out := make([]string, 0, len(names))
	for _, n := range names {
		if fld := f.Field(n); fld != nil && fld.Label != "" {
			out = append(out, fld.Label)
		} else {
			out = append(out, forms.Humanize(n))
		}
	}
	return out
}

// checkSummary says when the last check ran and how it went.
func checkSummary(l *i18n.Localizer, chk *connect.ConnectionCheck) string {
	at := chk.CompletionTime
	if at == nil {
		at = chk.StartTime
	}
	var id string
	switch chk.Status {
	case connect.CheckFailed:
		id = "health.checkFailed"
	case connect.CheckSucceeded:
		id = "health.checkPassed"
	case connect.CheckRunning:
		id = "health.checkRunning"
	default:
		return ""
	}
	if at == nil {
		return l.T(id)
	}
	return l.T(id+"At", "When", l.DateTime(*at))
}

// onlyProps is step with only the named properties, in the step's order.
func onlyProps(step connect.Step, names []string) connect.Step {
	out := step
	out.Properties = nil
	for _, p := range step.Properties {
		if slices.Contains(names, p.Name) {
			out.Properties = append(out.Properties, p)
		}
	}
	return out
}

func (h *Repair) lastCheck(c echo.Context, acct Account, src *connect.Source) (*connect.ConnectionCheck, error) {
	chk, err := h.API.SourceLastConnectionCheck(c.Request().Context(), acct.Token, src.ID)
	if connect.IsNotFound(err) {
		return nil, nil
	}
	return chk, err
}

// page builds the repair page of src.
func (h *Repair) page(c echo.Context, src *connect.Source, chk *connect.ConnectionCheck) (views.RepairPage, repair.Diagnosis, error) {
	id := src.ID.String()
	name := h.sourceName(tr(c), src)
	m := views.RepairPage{
		Base:        h.stepBase(c, tr(c).T("repair.heading", "Name", name), id, "repair"),
		SourceID:    id,
		Name:        name,
		TypeName:    h.typeName(tr(c), src.Type),
		Health:      h.sourceHealth(tr(c), src, chk),
		FullFormURL: "/sources/" + id + "/form",
		DoneURL:     "/sources/" + id,
	}
	if h.Handoffs && !inHandoff(c) {
		m.HandoffURL = "/sources/" + id + "/handoff?step=repair"
	}
	d := diagnose(src, chk)
	switch {
	case chk != nil && chk.Status == connect.CheckRunning:
		m.Checking = true
	case d.Action == "":
		m.Healthy = true
	case d.Action == repair.ReEnter:
		f, _, err := h.repairForm(c, src, d.Fields)
		if err != nil {
			return m, d, err
		}
		m.Form = f
		m.Guide = setupGuide(c, h.Guides, m.Form)
		m.FieldNames = strings.Join(d.Fields, ",")
	case d.Action == repair.Reauthorize:
		m.OAuth = h.oauthBox(c, src)
	}
	return m, d, nil
}

// repairForm is the form of the properties names of src, with the partner
// template's rules (package presets): a template it cannot read fails the
// page, as every form does, rather than show hidden values unlocked.
func (h *Repair) repairForm(c echo.Context, src *connect.Source, names []string) (*forms.Form, presets.Rules, error) {
	rules, err := h.Templates.rules(c, src.Type)
	if err != nil {
		return nil, rules, err
	}
	step, _ := src.ReportCard.Step(connect.StepForm)
	// Not an edit form: a saved credential at fault must be typed again,
	// not kept; other values at fault are shown to be corrected.
	return h.templatedForm(c, rules, src.Type, onlyProps(step, names), rules.EditValues(src.Properties), forms.BuildOptions{}), rules, nil
}

func (h *Repair) oauthBox(c echo.Context, src *connect.Source) *views.OAuthPage {
	id := src.ID.String()
	o := &views.OAuthPage{
		Base: h.base(c, "", "sources"), SourceID: id, Name: h.sourceName(tr(c), src), TypeName: h.typeName(tr(c), src.Type),
		AppURL: h.AppURL, AppOrigin: OriginOf(h.AppURL),
	}
	if h.WhiteLabel != nil {
		if _, _, ok := h.WhiteLabel.config(src.Type); ok {
			o.WhiteLabel, o.Repair = true, true
			o.AuthorizeURL = "/sources/" + id + "/repair/authorize"
		}
	}
	return o
}

// Show handles GET /sources/:id/repair.
func (h *Repair) Show(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	chk, err := h.lastCheck(c, acct, src)
	if err != nil {
		return err
	}
	m, d, err := h.page(c, src, chk)
	if err != nil {
		return err
	}
	if d.Action == repair.Reauthorize && !m.Checking {
		markRepair(c, src, repairReauthorize) // the status endpoint waits for a check newer than this one
	}
	return render(c, http.StatusOK, views.Repair(m))
}

// Save handles POST /sources/:id/repair: only the fields at fault, merged
// into the saved properties by Stitch (everything else is kept).
func (h *Repair) Save(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	names, ok := repairable(src, strings.Split(values.Get("_repair_fields"), ","))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	chk, err := h.lastCheck(c, acct, src)
	if err != nil {
		return err
	}
	m, _, err := h.page(c, src, chk)
	if err != nil {
		return err
	}
	m.Checking, m.Healthy, m.OAuth = false, false, nil
	f, rules, err := h.repairForm(c, src, names)
	if err != nil {
		return err
	}
	f.KeepSecrets(keeperFor(c, h.Seal))
	m.Form, m.FieldNames = f, strings.Join(names, ",")
	m.Guide = setupGuide(c, h.Guides, f)
	props, valid := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return render(c, http.StatusOK, views.Repair(m))
	}
	if step, _ := src.ReportCard.Step(connect.StepForm); !h.enforce(c, rules, src.Type, step, true, values, f, props) {
		m.Title = "Error: " + m.Title
		return render(c, http.StatusBadRequest, views.Repair(m)) // nothing is sent to Stitch
	}
	if !valid {
		m.Title = "Error: " + m.Title
		return render(c, http.StatusUnprocessableEntity, views.Repair(m))
	}
	updated, err := h.API.UpdateSource(c.Request().Context(), acct.Token, src.ID, connect.UpdateSourceRequest{Properties: props})
	if err != nil {
		if status, handled := applyAPIErrorIn(tr(c), f, nil, err); handled {
			h.keptAfter(c, status, err)
			m.Title = "Error: " + m.Title
			return render(c, status, views.Repair(m))
		}
		return err
	}
	markRepair(c, src, "fields")
	h.Log.Info("source repair saved", "id", RequestID(c.Request().Context()), "source", updated.ID.String(), "fields", len(props))
	return redirect(c, "/sources/"+src.ID.String()+"/repair/result")
}

// repairable keeps the names that are editable form properties of src; any
// other name (a crafted POST) refuses the whole request.
func repairable(src *connect.Source, names []string) ([]string, bool) {
	editable := map[string]bool{}
	for _, p := range repairProps(src) {
		if p.Editable {
			editable[p.Name] = true
		}
	}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !editable[n] {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// Result handles GET /sources/:id/repair/result: wait for the repair's own
// check; when it passed, the source is repaired (onramp:source_repaired and
// the source.repaired webhook); when it failed, back to the repair page.
func (h *Repair) Result(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	id := src.ID.String()
	mark, ok := markOf(c, id)
	if !ok {
		return redirect(c, StepURL(id, src.ReportCard.CurrentStepType))
	}
	chk, err := h.lastCheck(c, acct, src)
	if err != nil {
		return err
	}
	if chk == nil || chk.Name == mark.Check || src.CheckJobName == mark.Check {
		if mark.Method == repairReauthorize {
			sessionOf(c).SetFlash(FlashWarning, tr(c).T("repair.notReceived"))
			return redirect(c, "/sources/"+id+"/repair")
		}
		return h.wait(c, src)
	}
	switch chk.Status {
	case connect.CheckRunning:
		return h.wait(c, src)
	case connect.CheckFailed:
		sessionOf(c).Set(repairKey(id), "")
		sessionOf(c).SetFlash(FlashWarning, tr(c).T("repair.stillBroken"))
		return redirect(c, "/sources/"+id+"/repair")
	}
	sessionOf(c).Set(repairKey(id), "")
	emit(c, "onramp:source_repaired", map[string]any{"source_id": id, "type": src.Type, "method": mark.Method})
	h.record(c.Request().Context(), journey.Event{Kind: journey.Source, Step: journey.Repaired, AccountID: acct.ID, Type: src.Type, SourceID: id, Occurrence: chk.Name})
	h.Log.Info("source repaired", "id", RequestID(c.Request().Context()), "source", id, "method", mark.Method)
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("repair.repaired", "Name", h.sourceName(tr(c), src)))
	return redirect(c, StepURL(id, src.ReportCard.CurrentStepType))
}

func (h *Repair) wait(c echo.Context, src *connect.Source) error {
	m := views.RepairResultPage{Base: h.stepBase(c, tr(c).T("repair.resultHeading", "Name", h.sourceName(tr(c), src)), src.ID.String(), "repair"), SourceID: src.ID.String(), Name: h.sourceName(tr(c), src)}
	return render(c, http.StatusOK, views.RepairResult(m))
}

// Session handles POST /sources/:id/repair/session: an ephemeral token for
// Stitch's window, at any step (the source was authorized before).
func (h *Repair) Session(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	if _, ok := src.ReportCard.Step(connect.StepOAuth); !ok {
		return c.JSON(http.StatusConflict, map[string]string{"code": "no_oauth_step", "message": tr(c).T("repair.noSignIn")})
	}
	if _, ok := markOf(c, src.ID.String()); !ok {
		markRepair(c, src, repairReauthorize)
	}
	return ephemeralSession(c, h.UI, h.Sessions, acct, src)
}

// Status handles GET /sources/:id/repair/status (JSON, for static/oauth.js):
// "oauth" until Stitch has run a check newer than the repair's start.
func (h *Repair) Status(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	step := "oauth"
	if repairPending(c, src) != "" {
		step = src.ReportCard.CurrentStepType
	}
	return c.JSON(http.StatusOK, map[string]string{"step": step, "next_url": "/sources/" + src.ID.String() + "/repair/result"})
}

// Authorize handles GET /sources/:id/repair/authorize: the partner's own
// OAuth app, at top level, for a source authorized before. The callback
// (/oauth/source/callback) gives Stitch the new tokens and lands on the
// source's page, which hands over to the repair result.
func (h *Repair) Authorize(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	if h.WhiteLabel == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	conf, app, ok := h.WhiteLabel.config(src.Type)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	markRepair(c, src, repairReauthorize)
	if c.Request().Header.Get("Sec-Fetch-Dest") == "iframe" {
		// The provider refuses to be framed: the framed page's new-tab
		// hand-off, with a ticket, as on the oauth step.
		if _, err := h.WhiteLabel.newTicket(c, src); err != nil {
			return err
		}
		return redirect(c, "/sources/"+src.ID.String()+"/oauth/handoff")
	}
	hs := handshake{State: randomToken(24), SourceID: src.ID.String(), Verifier: oauth2.GenerateVerifier()}
	b, _ := json.Marshal(hs)
	sessionOf(c).Set(wlStateKey, string(b))
	return c.Redirect(http.StatusSeeOther, h.WhiteLabel.authURL(conf, app, hs.State, hs.Verifier))
}
