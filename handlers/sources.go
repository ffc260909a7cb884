package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/dates"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/presets"
	"github.com/onramp/onramp/repair"
	"github.com/onramp/onramp/seal"
	"github.com/onramp/onramp/status"
	"github.com/onramp/onramp/views"
)

// SourcesAPI is the part of the Connect API the source pages use.
type SourcesAPI interface {
	CreateSource(ctx context.Context, token string, req connect.CreateSourceRequest) (*connect.Source, error)
	GetSource(ctx context.Context, token string, id connect.Int) (*connect.Source, error)
	ListSources(ctx context.Context, token string) ([]connect.Source, error)
	UpdateSource(ctx context.Context, token string, id connect.Int, req connect.UpdateSourceRequest) (*connect.Source, error)
	DeleteSource(ctx context.Context, token string, id connect.Int) (*connect.Source, error)
	PauseSource(ctx context.Context, token string, id connect.Int, at time.Time) (*connect.Source, error)
	UnpauseSource(ctx context.Context, token string, id connect.Int) (*connect.Source, error)
	SourceLastConnectionCheck(ctx context.Context, token string, id connect.Int) (*connect.ConnectionCheck, error)
	ListStreams(ctx context.Context, token string, sourceID connect.Int) ([]connect.Stream, error)
	GetStreamSchema(ctx context.Context, token string, sourceID, streamID connect.Int) (*connect.StreamSchema, error)
	UpdateStreamMetadata(ctx context.Context, token string, sourceID connect.Int, streams []connect.StreamMetadataUpdate) error
	StartReplication(ctx context.Context, token string, sourceID connect.Int) (*connect.ReplicationJob, error)
}

// Sources serves the source onboarding journey: form, oauth, profile,
// discovery, stream and field selection, done, and the actions.
type Sources struct {
	*UI
	API    SourcesAPI
	Types  *TypeCache
	Forms  *forms.Engine
	Claims Claims
	// Seal keeps typed secrets across a re-rendered form.
	Seal *seal.Sealer
	// DebugFields allows ?all_fields=1.
	DebugFields bool
	// Templates are the partner's templates (prefilled, locked, hidden properties).
	Templates *Templates
	// Guides render the setup guide beside a form (nil: none).
	Guides *GuidePanels
	// Syncs tells each source's last sync (nil: never shown).
	Syncs *LastSyncs
}

const formTokenField = "_form_token"

// stepKeys are the message ids naming report card steps in the step indicator.
var stepKeys = map[string]string{
	connect.StepForm:            "steps.form",
	connect.StepOAuth:           "steps.oauth",
	connect.StepProfile:         "steps.profile",
	connect.StepDiscoverSchema:  "steps.discover",
	connect.StepFieldSelection:  "steps.fields",
	connect.StepFullyConfigured: "steps.done",
}

// stepItems derives the step indicator from a report card: steps before the
// card's current one are done, the page's own step is current.
func stepItems(rc connect.ReportCard, page string) []views.StepItem {
	cur := len(rc.Steps)
	for i, s := range rc.Steps {
		if s.Type == rc.CurrentStepType {
			cur = i
			break
		}
	}
	items := make([]views.StepItem, 0, len(rc.Steps))
	for i, s := range rc.Steps {
		done := i < cur || rc.CurrentStepType == connect.StepFullyConfigured
		items = append(items, views.StepItem{Key: stepKeys[s.Type], Label: forms.Humanize(s.Type), Done: done && s.Type != page, Current: s.Type == page})
	}
	return items
}

// sourceID parses the :id path parameter.
func sourceID(c echo.Context) (connect.Int, error) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return connect.Int(n), nil
}

// load fetches the source named in the path; another account's or a deleted
// source is a friendly 404.
func (h *Sources) load(c echo.Context) (*connect.Source, Account, error) {
	src, acct, err := loadSourceFrom(c, h.API)
	if err != nil {
		return nil, acct, err
	}
	h.record(c.Request().Context(), journey.Progress(acct.ID, src))
	return src, acct, nil
}

// sourceGetter reads one source.
type sourceGetter interface {
	GetSource(ctx context.Context, token string, id connect.Int) (*connect.Source, error)
}

// loadSourceFrom is load for handlers that hold another API interface.
func loadSourceFrom(c echo.Context, api sourceGetter) (*connect.Source, Account, error) {
	acct := mustAccount(c)
	id, err := sourceID(c)
	if err != nil {
		return nil, acct, err
	}
	src, err := api.GetSource(c.Request().Context(), acct.Token, id)
	if err != nil {
		return nil, acct, err
	}
	if src.DeletedAt != nil {
		return nil, acct, echo.NewHTTPError(http.StatusNotFound)
	}
	return src, acct, nil
}

// stepBase is the layout of a source step page; it tells an embedding parent
// which source and step the user is on.
func (h *Sources) stepBase(c echo.Context, title, sourceID, step string) views.Base {
	data := map[string]any{"step": step}
	if sourceID != "" {
		data["source_id"] = sourceID
	}
	return h.base(c, title, "sources", Event{Type: "onramp:step", Data: data})
}

// List handles GET /sources.
func (h *Sources) List(c echo.Context) error {
	acct := mustAccount(c)
	ctx := c.Request().Context()
	srcs, err := h.API.ListSources(ctx, acct.Token)
	if err != nil {
		return err
	}
	m := views.SourcesPage{Base: h.base(c, tr(c).T("sources.title"), "sources")}
	var live []connect.Source
	for _, s := range srcs {
		if s.DeletedAt == nil {
			live = append(live, s)
		}
	}
	syncs := h.Syncs.start(ctx, acct) // beside the checks
	checks := lastChecks(ctx, h.API, acct.Token, live)
	snap := syncs()
	m.Health, m.Syncs = map[string]views.SourceHealth{}, map[string]views.SyncState{}
	for i, s := range live {
		if v := h.Syncs.view(tr(c), snap, &s); v != nil {
			m.Syncs[s.ID.String()] = *v
		}
		row := h.sourceRow(tr(c), s, checks[i])
		m.Checking = m.Checking || sourceStatus(&s, checks[i]).Checking
		health := h.sourceHealth(tr(c), &s, checks[i])
		if health.Broken() {
			row.ContinueURL = health.RepairURL // the one action that repairs it
		}
		m.Health[row.ID] = health
		m.Rows = append(m.Rows, row)
	}
	return render(c, http.StatusOK, views.Sources(m))
}

// checkReader reads a source's last connection check.
type checkReader interface {
	SourceLastConnectionCheck(ctx context.Context, token string, id connect.Int) (*connect.ConnectionCheck, error)
}

// lastChecks reads the last connection check of each source, a few at a
// time; a check that cannot be read is nil (the status then follows the step).
func lastChecks(ctx context.Context, api checkReader, token string, srcs []connect.Source) []*connect.ConnectionCheck {
	out := make([]*connect.ConnectionCheck, len(srcs))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range srcs {
		if srcs[i].ReportCard.CurrentStepType == connect.StepForm {
			continue // no check before the connection details are in
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if chk, err := api.SourceLastConnectionCheck(ctx, token, srcs[i].ID); err == nil {
				out[i] = chk
			}
		}()
	}
	wg.Wait()
	return out
}

// sourceStatus is the one status of a source (package status).
func sourceStatus(src *connect.Source, chk *connect.ConnectionCheck) status.Status {
	in := status.Input{
		Kind:    status.Source,
		Step:    src.ReportCard.CurrentStepType,
		Paused:  src.PausedAt != nil,
		Deleted: src.DeletedAt != nil,
	}
	if chk != nil {
		in.Check = chk.Status
	}
	return status.Of(in)
}

// Show handles GET /sources/:id: the step router.
func (h *Sources) Show(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
}

// newForm builds the create form of a type, with the partner template's rules r.
func (h *Sources) newForm(c echo.Context, typ string, r presets.Rules) (*connect.ReportCard, *forms.Form, error) {
	acct := mustAccount(c)
	rc, err := h.Types.SourceType(c.Request().Context(), acct.Token, typ)
	if err != nil {
		return nil, nil, err
	}
	step, ok := rc.Step(connect.StepForm)
	if !ok || !rc.Usable() {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	f := h.templatedForm(c, r, typ, step, r.NewValues(typeDefaults(rc, step)), forms.BuildOptions{ShowAll: h.showAll(c)})
	return rc, f, nil
}

func (h *Sources) showAll(c echo.Context) bool {
	return h.DebugFields && c.QueryParam("all_fields") == "1"
}

// New handles GET /sources/new/:type: the form step of a new source.
func (h *Sources) New(c echo.Context) error {
	typ := c.Param("type")
	r, err := h.Templates.rules(c, typ)
	if err != nil {
		return err
	}
	var rc *connect.ReportCard
	var f *forms.Form
	fresh := r.IsZero()
	if fresh {
		rc, f, err = h.freshForm(c, typ) // shared and rendered once: see formcache.go
	} else {
		rc, f, err = h.newForm(c, typ, r) // never cached: the cache is per type and language, not per template
	}
	if err != nil {
		return err
	}
	h.record(c.Request().Context(), journey.Event{Kind: journey.Source, Step: journey.FormShown, AccountID: mustAccount(c).ID, Type: rc.Type})
	if key, ok := h.freshPageKey(c, f); fresh && ok {
		// The same page for everyone with this look and language: kept
		// whole, only the tokens written per request (pagecache.go).
		return h.pages.render(c, key, sessionOf(c).CSRFToken(), randomToken(18), func(csrf, token string) templ.Component {
			m := h.createPage(c, http.StatusOK, rc, f, localDisplayName(c, h.typeName(tr(c), typ)), token)
			m.CSRF = csrf
			return views.SourceForm(m)
		})
	}
	dn := localDisplayName(c, h.typeName(tr(c), typ))
	return h.renderCreate(c, http.StatusOK, rc, f, dn, randomToken(18))
}

// freshPageKey is every input of a fresh form's page but its tokens (f is
// the remembered fresh form: its identity stands for the type's report
// card, defaults, words and guide), when the page may come from the page
// cache: the session has nothing one-time to show.
func (h *Sources) freshPageKey(c echo.Context, f *forms.Form) (freshPage, bool) {
	s := sessionOf(c)
	if s.HasFlash() || (len(h.EmbedOrigins) > 0 && s.Get(embedEventsKey) != "") {
		return freshPage{}, false
	}
	return freshPage{
		form: f, path: c.Request().URL.Path, loc: tr(c), widget: inLaunch(c),
		theme: s.Get(embedThemeKey), compact: c.QueryParam("compact") == "1", showAll: h.showAll(c),
	}, true
}

// freshPage keys a fresh form's page in the page cache.
type freshPage struct {
	form    *forms.Form
	path    string
	loc     *i18n.Localizer
	widget  bool
	theme   string
	compact bool
	showAll bool
}

func displayNameField(value string) *forms.Field {
	dn := forms.NewTextField("display_name", "Name for this source", true)
	dn.Hint = "Shown in Stitch, and used to name the schema your data is loaded into. You cannot change the schema name later."
	dn.Value = value
	dn.Autocomplete = "off"
	return dn
}

// localDisplayName is the source's name field in the page's language.
func localDisplayName(c echo.Context, value string) *forms.Field {
	dn := displayNameField(value)
	l := tr(c)
	dn.Label, dn.Hint = l.T("sourceForm.displayName"), l.T("sourceForm.displayNameHint")
	return dn
}

func (h *Sources) renderCreate(c echo.Context, status int, rc *connect.ReportCard, f *forms.Form, dn *forms.Field, token string) error {
	return render(c, status, views.SourceForm(h.createPage(c, status, rc, f, dn, token)))
}

// createPage is the view model of a create form's page.
func (h *Sources) createPage(c echo.Context, status int, rc *connect.ReportCard, f *forms.Form, dn *forms.Field, token string) views.SourceFormPage {
	name := h.typeName(tr(c), rc.Type)
	l := tr(c)
	m := views.SourceFormPage{
		Base:        h.stepBase(c, l.T("sourceForm.connectTitle", "Name", name), "", connect.StepForm),
		Steps:       stepItems(*rc, connect.StepForm),
		Heading:     l.T("sourceForm.connectTitle", "Name", name),
		Intro:       l.T("sourceForm.connectIntro", "Name", name),
		Action:      "/sources/new/" + url.PathEscape(rc.Type),
		Form:        f,
		DisplayName: dn,
		FormToken:   token,
		Submit:      l.T("common.saveContinue"),
		CancelURL:   "/sources/new",
		Guide:       setupGuide(c, h.Guides, f),
	}
	if h.DebugFields && !h.showAll(c) {
		m.DebugURL = m.Action + "?all_fields=1"
	}
	m.Fields = h.fresh.fields(c.Request().Context(), f, rc.Type, h.showAll(c)) // "" unless f is a remembered fresh form
	markRetry(&m, status)
	return m
}

// markRetry titles an error page and, when trying again may help, offers it.
func markRetry(m *views.SourceFormPage, status int) {
	if status == http.StatusOK {
		return
	}
	m.Title = "Error: " + m.Title
	if status >= 500 {
		m.Retry, m.Submit = true, "Try again"
	}
}

// Create handles POST /sources/new/:type: validate, create, follow the report card.
func (h *Sources) Create(c echo.Context) error {
	typ := c.Param("type")
	ctx := c.Request().Context()
	acct := mustAccount(c)
	token := c.FormValue(formTokenField)
	if token == "" {
		token = randomToken(18)
	}
	// A replay of a form that already created its source leads to that source.
	if id, err := h.Claims.Result(ctx, token); err != nil {
		return err
	} else if id != "" {
		return h.alreadyCreated(c, id)
	}
	rules, err := h.Templates.rules(c, typ)
	if err != nil {
		return err
	}
	rc, f, err := h.newForm(c, typ, rules)
	if err != nil {
		return err
	}
	f.KeepSecrets(keeperFor(c, h.Seal))
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	dn := localDisplayName(c, strings.TrimSpace(values.Get("display_name")))
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderCreate(c, http.StatusOK, rc, f, dn, token)
	}
	if msg := h.Forms.In(tr(c)).CheckDisplayName(dn.Value); msg != "" {
		dn.Error = msg
		f.AddError(dn.ID, dn.Error)
		ok = false
	}
	if step, _ := rc.Step(connect.StepForm); !h.enforce(c, rules, typ, step, false, values, f, props) {
		return h.renderCreate(c, http.StatusBadRequest, rc, f, dn, token) // nothing is sent to Stitch
	}
	if !ok {
		return h.renderCreate(c, http.StatusUnprocessableEntity, rc, f, dn, token)
	}
	if claimed, err := h.Claims.Claim(ctx, token); err != nil {
		return err
	} else if !claimed {
		id, err := waitResult(ctx, h.Claims, token, 10*time.Second)
		if err != nil {
			return err
		}
		if id != "" {
			return h.alreadyCreated(c, id)
		}
		f.AddError("submit", tr(c).T("sources.alreadySending"))
		return h.renderCreate(c, http.StatusConflict, rc, f, dn, token)
	}
	// From now on a clash with this name may be our own source.
	if _, name, _ := strings.Cut(sessionOf(c).Get(madeKey(typ)), "|"); !strings.EqualFold(name, dn.Value) {
		sessionOf(c).Set(madeKey(typ), strconv.FormatInt(time.Now().Unix(), 10)+"|"+dn.Value)
	}
	src, err := h.API.CreateSource(ctx, acct.Token, connect.CreateSourceRequest{Type: typ, DisplayName: dn.Value, Properties: props})
	if err != nil {
		_ = h.Claims.Release(ctx, token) // an outage is logged by the store; the claim then expires
		if id := h.ownClash(c, acct, typ, dn.Value, err); id != "" {
			return h.alreadyCreated(c, id)
		}
		if status, handled := applyAPIErrorIn(tr(c), f, dn, err); handled {
			h.keptAfter(c, status, err)
			return h.renderCreate(c, status, rc, f, dn, token)
		}
		return err
	}
	_ = h.Claims.Resolve(ctx, token, src.ID.String()) // the source exists: go on even if the store is down
	emit(c, "onramp:source_created", map[string]any{"source_id": src.ID.String(), "type": typ})
	h.record(ctx, journey.Event{Kind: journey.Source, Step: journey.Created, AccountID: acct.ID, Type: typ, SourceID: src.ID.String()})
	h.Log.Info("source created", "id", RequestID(ctx), "source", src.ID.String(), "type", typ, "step", src.ReportCard.CurrentStepType)
	return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
}

// madeKey names the session slot remembering the display name last sent to
// create a source of a type.
func madeKey(typ string) string { return "made." + typ }

// ownClash recognises a resubmission of a form that already created its
// source although its token was lost (the page was reloaded after Back, or
// the first answer never arrived): Stitch refuses the name as taken, and the
// source holding it is of this type and was sent from this session under that
// name. It returns that source's id, or "".
func (h *Sources) ownClash(c echo.Context, acct Account, typ, display string, err error) string {
	var apiErr *connect.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "InvalidName" || !strings.Contains(apiErr.Message, "non-unique") {
		return ""
	}
	at, name, _ := strings.Cut(sessionOf(c).Get(madeKey(typ)), "|")
	sent, perr := strconv.ParseInt(at, 10, 64)
	if perr != nil || !strings.EqualFold(name, display) {
		return ""
	}
	srcs, lerr := h.API.ListSources(c.Request().Context(), acct.Token)
	if lerr != nil {
		return ""
	}
	for _, s := range srcs {
		if s.DeletedAt == nil && s.Type == typ && strings.EqualFold(s.DisplayName, display) &&
			s.CreatedAt != nil && !s.CreatedAt.Before(time.Unix(sent, 0).Add(-time.Minute)) {
			return s.ID.String()
		}
	}
	return ""
}

func (h *Sources) alreadyCreated(c echo.Context, id string) error {
	sessionOf(c).SetFlash(FlashInfo, tr(c).T("sources.alreadyCreated"))
	return redirect(c, "/sources/"+id)
}

// applyAPIErrorIn puts a Stitch error on the form, in l's words: property
// errors next to the fields, name and cron errors on their field in plain
// words with Stitch's own text kept as a detail, upstream failures as a
// "try again" message. It reports the status to re-render with, or false
// for errors it does not handle.
func applyAPIErrorIn(l *i18n.Localizer, f *forms.Form, dn *forms.Field, err error) (int, bool) {
	var apiErr *connect.Error
	if connect.IsUpstreamUnavailable(err) {
		f.AddError("submit", upstreamMessage(l, err))
		return http.StatusServiceUnavailable, true
	}
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		return 0, false
	}
	switch {
	case (apiErr.Code == "InvalidName" || apiErr.Code == "InvalidDisplayName") && dn != nil:
		dn.Error, dn.Detail = l.T(nameProblem(apiErr)), apiErr.Message
		f.AddError(dn.ID, dn.Error)
	case apiErr.Code == "InvalidCronExpression":
		msg := l.T("apiError.cronInvalid")
		if !f.SetFieldError("cron_expression", msg, apiErr.Message) {
			f.AddError("submit", msg)
		}
	case apiErr.Code == "AccessDenied" && strings.Contains(apiErr.Message, "cron_expression"):
		msg := l.T("apiError.cronNotInPlan")
		if !f.SetFieldError("cron_expression", msg, apiErr.Message) {
			f.AddError("submit", msg)
		}
	case apiErr.Code == "AccessDenied":
		f.AddError("submit", l.T("apiError.notInPlan", "Detail", l.T("common.quoted", "Text", apiErr.Message)))
	case apiErr.Code == "InvalidId":
		return 0, false
	default:
		f.AddAPIErrors(apiErr.BadProperties, apiMessage(l, apiErr))
	}
	return http.StatusUnprocessableEntity, true
}

// nameProblem is the message id explaining a refused name; Stitch's own
// words go in the detail.
func nameProblem(e *connect.Error) string {
	switch {
	case strings.Contains(e.Message, "non-unique"):
		return "apiError.nameTaken"
	case e.Code == "InvalidDisplayName":
		return "apiError.nameLetters"
	}
	return "apiError.nameSchema"
}

func apiMessage(l *i18n.Localizer, e *connect.Error) string {
	switch {
	case len(e.BadProperties) > 0:
		return l.T("apiError.badValues")
	case e.Message != "":
		return l.T("apiError.notAcceptedSaid", "Detail", l.T("common.quoted", "Text", e.Message))
	}
	return l.T("apiError.notAccepted")
}

// Edit handles GET /sources/:id/form: the form step of an existing source.
func (h *Sources) Edit(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	f, err := h.stepForm(c, src, connect.StepForm)
	if err != nil {
		return err
	}
	return h.renderStep(c, http.StatusOK, src, f, localDisplayName(c, h.sourceName(tr(c), src)))
}

// stepForm builds the edit form of one of a source's steps from the source's
// own report card (it knows which properties are provided).
func (h *Sources) stepForm(c echo.Context, src *connect.Source, stepType string) (*forms.Form, error) {
	step, ok := src.ReportCard.Step(stepType)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	if stepType == connect.StepForm { // templates set form properties only
		r, err := h.Templates.rules(c, src.Type)
		if err != nil {
			return nil, err
		}
		return h.templatedForm(c, r, src.Type, step, r.EditValues(src.Properties), forms.BuildOptions{Edit: true, ShowAll: h.showAll(c)}), nil
	}
	return h.Forms.In(tr(c)).Build(src.Type, step, src.Properties, forms.BuildOptions{Edit: true, ShowAll: h.showAll(c)}), nil
}

var stepPaths = map[string]string{connect.StepForm: "form", connect.StepOAuth: "oauth", connect.StepProfile: "profile"}

func (h *Sources) renderStep(c echo.Context, status int, src *connect.Source, f *forms.Form, dn *forms.Field, conflicts ...views.Conflict) error {
	name := h.sourceName(tr(c), src)
	typeName := h.typeName(tr(c), src.Type)
	l := tr(c)
	m := views.SourceFormPage{
		Base:        h.stepBase(c, name, src.ID.String(), f.StepType),
		Steps:       stepItems(src.ReportCard, f.StepType),
		Form:        f,
		DisplayName: dn,
		Action:      "/sources/" + src.ID.String() + "/" + stepPaths[f.StepType],
		Submit:      l.T("common.saveContinue"),
		CancelURL:   "/sources/" + src.ID.String(),
		// The version this form shows: a save over a newer one is a conflict.
		Hidden:    []views.Hidden{{Name: basedOnField, Value: forms.Version(src.DisplayName, src.Properties)}},
		Conflicts: conflicts,
		Guide:     setupGuide(c, h.Guides, f),
	}
	if len(conflicts) > 0 {
		m.Submit = l.T("sourceForm.saveMine")
	}
	switch f.StepType {
	case connect.StepForm:
		m.Heading = l.T("sourceForm.editHeading", "Name", name)
		m.Intro = l.T("sourceForm.editIntro")
	case connect.StepProfile:
		m.Heading = l.T("sourceForm.profileHeading", "Name", typeName)
		m.Intro = l.T("sourceForm.profileIntro")
	case connect.StepOAuth:
		m.Heading = l.T("sourceForm.oauthHeading", "Name", typeName)
	}
	if h.DebugFields && !h.showAll(c) {
		m.DebugURL = m.Action + "?all_fields=1"
	}
	if !inHandoff(c) && src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		m.HandoffURL = "/sources/" + src.ID.String() + "/handoff?step=" + f.StepType
	}
	markRetry(&m, status)
	return render(c, status, views.SourceForm(m))
}

// conflictsIn lists, in l's words, what differs between what is saved now and what the
// user sends, when the form was built from an older version; nil otherwise.
func conflictsIn(l *i18n.Localizer, f *forms.Form, values url.Values, savedName, newName string, saved, props map[string]any) []views.Conflict {
	based := values.Get(basedOnField)
	if based == "" || based == forms.Version(savedName, saved) {
		return nil
	}
	var out []views.Conflict
	if newName != "" && newName != savedName {
		out = append(out, views.Conflict{Label: l.T("sourceForm.conflictName"), Saved: savedName, Yours: newName})
	}
	for _, d := range f.Differences(saved, props) {
		out = append(out, views.Conflict{Label: d.Label, Saved: d.Saved, Yours: d.Yours})
	}
	if len(out) == 0 {
		// Changed meanwhile, but to what the user sends anyway: still say so.
		out = append(out, views.Conflict{Label: l.T("sourceForm.conflictOther"), Saved: l.T("sourceForm.conflictChanged"), Yours: l.T("sourceForm.conflictAsShown")})
	}
	return out
}

// Update handles POST /sources/:id/form and /profile: save one step's
// properties with PUT /v4/sources/{id}, then follow the report card.
func (h *Sources) Update(stepType string) echo.HandlerFunc {
	return func(c echo.Context) error {
		src, acct, err := h.load(c)
		if err != nil {
			return err
		}
		f, err := h.stepForm(c, src, stepType)
		if err != nil {
			return err
		}
		f.KeepSecrets(keeperFor(c, h.Seal))
		values, err := c.FormParams()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		var dn *forms.Field
		if stepType == connect.StepForm {
			dn = localDisplayName(c, strings.TrimSpace(values.Get("display_name")))
		}
		props, ok := f.Decode(values)
		if kind, _, _ := f.Action(); kind != "" {
			return h.renderStep(c, http.StatusOK, src, f, dn)
		}
		if dn != nil {
			if msg := h.Forms.In(tr(c)).CheckEditedDisplayName(dn.Value); msg != "" {
				dn.Error = msg
				f.AddError(dn.ID, dn.Error)
				ok = false
			}
		}
		if stepType == connect.StepForm {
			rules, err := h.Templates.rules(c, src.Type)
			if err != nil {
				return err
			}
			if step, _ := src.ReportCard.Step(stepType); !h.enforce(c, rules, src.Type, step, true, values, f, props) {
				return h.renderStep(c, http.StatusBadRequest, src, f, dn) // nothing is sent to Stitch
			}
		}
		if !ok {
			return h.renderStep(c, http.StatusUnprocessableEntity, src, f, dn)
		}
		newName := ""
		if dn != nil {
			newName = dn.Value
		}
		if cs := conflictsIn(tr(c), f, values, src.DisplayName, newName, src.Properties, props); cs != nil {
			f.AddError("submit", tr(c).T("sources.changedMeanwhile"))
			return h.renderStep(c, http.StatusConflict, src, f, dn, cs...)
		}
		req := connect.UpdateSourceRequest{Properties: props}
		if dn != nil && dn.Value != src.DisplayName {
			req.DisplayName = dn.Value
		}
		updated, err := h.API.UpdateSource(c.Request().Context(), acct.Token, src.ID, req)
		if err != nil {
			if status, handled := applyAPIErrorIn(tr(c), f, dn, err); handled {
				h.keptAfter(c, status, err)
				return h.renderStep(c, status, src, f, dn)
			}
			return err
		}
		msg := tr(c).T("sources.saved")
		if len(props) > 0 && updated.ReportCard.CurrentStepType == connect.StepFullyConfigured {
			msg = tr(c).T("sources.savedChecking")
		}
		sessionOf(c).SetFlash(FlashSuccess, msg)
		return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
	}
}

// Profile handles GET /sources/:id/profile.
func (h *Sources) Profile(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	f, err := h.stepForm(c, src, connect.StepProfile)
	if err != nil {
		return err
	}
	return h.renderStep(c, http.StatusOK, src, f, nil)
}

// Discover handles GET /sources/:id/discover: wait for the connection check.
func (h *Sources) Discover(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	st, err := h.discoverStatus(c.Request().Context(), acct, src)
	if err != nil {
		return err
	}
	if to := repairPending(c, src); to != "" {
		return redirect(c, to) // a repair's check: its own page settles it
	}
	if st.State == "succeeded" && st.NextURL != "" && src.ReportCard.CurrentStepType != connect.StepDiscoverSchema {
		return redirect(c, st.NextURL)
	}
	title := tr(c).T(views.DiscoverHeading(st.State))
	m := views.DiscoverPage{Base: h.stepBase(c, title, src.ID.String(), connect.StepDiscoverSchema), Steps: stepItems(src.ReportCard, connect.StepDiscoverSchema), Status: st}
	return render(c, http.StatusOK, views.Discover(m))
}

// DiscoverStatus handles GET /sources/:id/discover/status: the status region
// alone, for the page's script to swap in.
func (h *Sources) DiscoverStatus(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	st, err := h.discoverStatus(c.Request().Context(), acct, src)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DiscoverFragment(st))
}

func (h *Sources) discoverStatus(ctx context.Context, acct Account, src *connect.Source) (views.DiscoverStatus, error) {
	id := src.ID.String()
	st := views.DiscoverStatus{
		SourceID:  id,
		Name:      h.sourceName(i18n.From(ctx), src),
		State:     "running",
		FormURL:   "/sources/" + id + "/form",
		StatusURL: "/sources/" + id + "/discover/status",
	}
	if src.ReportCard.CurrentStepType != connect.StepDiscoverSchema {
		st.State = "succeeded"
		st.NextURL = StepURL(id, src.ReportCard.CurrentStepType)
		return st, nil
	}
	chk, err := h.API.SourceLastConnectionCheck(ctx, acct.Token, src.ID)
	if connect.IsNotFound(err) {
		return st, nil // no check yet: still waiting
	}
	if err != nil {
		return st, err
	}
	if chk.Status == connect.CheckFailed {
		h.record(ctx, journey.CheckFailed(acct.ID, src, chk))
		st.State = "failed"
		st.Detail = checkDetail(chk)
		st.Message = i18n.From(ctx).T(checkMessageKey(st.Detail))
		if d := diagnose(src, chk); d.Action == repair.ReEnter || d.Action == repair.Reauthorize {
			st.RepairURL = "/sources/" + id + "/repair"
		}
	}
	return st, nil
}

func checkDetail(chk *connect.ConnectionCheck) string {
	for _, p := range []*string{chk.DiscoveryErrorMessage, chk.TapErrorMessage, chk.TargetErrorMessage} {
		if p != nil && strings.TrimSpace(*p) != "" {
			return strings.TrimSpace(*p)
		}
	}
	return ""
}

// plainCheckMessage explains common connection failures in plain words
// (English; pages use checkMessageKey in the reader's language).
func plainCheckMessage(detail string) string {
	return i18n.From(nil).T(checkMessageKey(detail))
}

// checkMessageKey is the message id explaining a connection failure, from
// Stitch's own text.
func checkMessageKey(detail string) string {
	d := strings.ToLower(detail)
	switch {
	case strings.Contains(d, "password") || strings.Contains(d, "authentication") || strings.Contains(d, "access denied") || strings.Contains(d, "unauthorized") || strings.Contains(d, "invalid api") || strings.Contains(d, "token"):
		return "check.credentials"
	case strings.Contains(d, "host name") || strings.Contains(d, "name or service not known") || strings.Contains(d, "unknown host") ||
		strings.Contains(d, "server host") || strings.Contains(d, "no such host"):
		return "check.host"
	case strings.Contains(d, "refused") || strings.Contains(d, "can't connect") || strings.Contains(d, "timed out") || strings.Contains(d, "timeout") || strings.Contains(d, "unreachable"):
		return "check.unreachable"
	case strings.Contains(d, "ssl") || strings.Contains(d, "certificate"):
		return "check.ssl"
	}
	return "check.generic"
}

// Done handles GET /sources/:id/done: the summary of a configured source.
func (h *Sources) Done(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	if to := repairPending(c, src); to != "" {
		return redirect(c, to) // a repair's check: its own page settles it
	}
	if src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	m := views.DonePage{
		Base:     h.stepBase(c, tr(c).T("done.heading", "Name", h.sourceName(tr(c), src)), src.ID.String(), connect.StepFullyConfigured),
		Steps:    stepItems(src.ReportCard, connect.StepFullyConfigured),
		SourceID: src.ID.String(),
		Name:     h.sourceName(tr(c), src),
		TypeName: h.typeName(tr(c), src.Type),
		Paused:   src.PausedAt != nil,
		Schedule: h.scheduleText(tr(c), src),
	}
	syncs := h.Syncs.start(c.Request().Context(), acct) // beside the check
	var chk *connect.ConnectionCheck
	if got, err := h.API.SourceLastConnectionCheck(c.Request().Context(), acct.Token, src.ID); err == nil {
		chk = got
	} else if !connect.IsNotFound(err) {
		h.Log.Warn("source connection check unavailable", "id", RequestID(c.Request().Context()), "err", err)
	}
	st := sourceStatus(src, chk)
	m.Status, m.StatusClass, m.Checking = tr(c).T(st.Key), st.Tone, st.Checking
	m.Health = h.sourceHealth(tr(c), src, chk)
	m.Sync = h.Syncs.view(tr(c), syncs(), src)
	if chk != nil && chk.Status == connect.CheckFailed {
		h.record(c.Request().Context(), journey.CheckFailed(acct.ID, src, chk))
		m.ProblemDetail = checkDetail(chk)
		m.Problem = m.Health.Problem
	}
	m.ReturnURL, m.ReturnLabel = h.returnLink(c)
	if src.Schedule != nil && src.Schedule.NextFireTime != nil && src.PausedAt == nil {
		m.NextRun = tr(c).DateTime(*src.Schedule.NextFireTime)
	}
	if _, ok := src.ReportCard.Step(connect.StepFieldSelection); ok {
		streams, err := h.API.ListStreams(c.Request().Context(), acct.Token, src.ID)
		if err != nil {
			return err
		}
		for _, s := range streams {
			if streamSelected(s) {
				if len(m.Streams) < 10 {
					m.Streams = append(m.Streams, s.StreamName)
				} else {
					m.MoreStreams++
				}
			}
		}
	}
	return render(c, http.StatusOK, views.Done(m))
}

func streamSelected(s connect.Stream) bool {
	if s.Selected != nil {
		return *s.Selected
	}
	return s.Metadata.Selected != nil && *s.Metadata.Selected
}

// scheduleText describes the replication schedule in words.
func (h *Sources) scheduleText(l *i18n.Localizer, src *connect.Source) string {
	if v, ok := src.Properties["cron_expression"].(string); ok && v != "" {
		return l.T("done.customSchedule", "Cron", v)
	}
	if v, ok := src.Properties["frequency_in_minutes"].(string); ok && v != "" {
		return h.optionLabel(l, "frequency_in_minutes", v)
	}
	if src.Schedule != nil && src.Schedule.Interval > 0 {
		return h.optionLabel(l, "frequency_in_minutes", strconv.Itoa(int(src.Schedule.Interval)))
	}
	return l.T("done.defaultSchedule")
}

// action runs one source action and confirms what happened.
func (h *Sources) action(c echo.Context, do func(ctx context.Context, acct Account, src *connect.Source) (string, string, error)) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	msg, to, err := do(c.Request().Context(), acct, src)
	if err != nil {
		return err
	}
	sessionOf(c).SetFlash(FlashSuccess, msg)
	return redirect(c, to)
}

// Sync handles POST /sources/:id/sync.
func (h *Sources) Sync(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		job, err := h.API.StartReplication(ctx, acct.Token, src.ID)
		if err != nil {
			return "", "", err
		}
		if job.AlreadyRunning {
			return tr(c).T("sources.syncRunning", "Name", h.sourceName(tr(c), src)), StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
		}
		return tr(c).T("sources.syncStarted", "Name", h.sourceName(tr(c), src)), StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Pause handles POST /sources/:id/pause.
func (h *Sources) Pause(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.PauseSource(ctx, acct.Token, src.ID, time.Now().UTC().Truncate(time.Second)); err != nil {
			return "", "", err
		}
		return tr(c).T("sources.paused", "Name", h.sourceName(tr(c), src)), StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Unpause handles POST /sources/:id/unpause.
func (h *Sources) Unpause(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.UnpauseSource(ctx, acct.Token, src.ID); err != nil {
			return "", "", err
		}
		return tr(c).T("sources.resumed", "Name", h.sourceName(tr(c), src)), StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Delete handles POST /sources/:id/delete.
func (h *Sources) Delete(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.DeleteSource(ctx, acct.Token, src.ID); err != nil {
			return "", "", err
		}
		return tr(c).T("sources.deleted", "Name", h.sourceName(tr(c), src)), "/sources", nil
	})
}

// typeDefaults pre-fills a new form from the type's details: the default
// replication frequency and start date.
func typeDefaults(rc *connect.ReportCard, step connect.Step) map[string]any {
	out := map[string]any{}
	if rc.Details == nil {
		return out
	}
	has := func(name string) bool { // no map: this runs on every form page
		return slices.ContainsFunc(step.Properties, func(p connect.Property) bool { return p.Name == name })
	}
	if rc.Details.DefaultSchedulingInterval != nil && has("frequency_in_minutes") {
		out["frequency_in_minutes"] = strconv.Itoa(*rc.Details.DefaultSchedulingInterval)
	}
	if rc.Details.DefaultStartDate != nil && has("start_date") {
		if t, ok := dates.Relative(*rc.Details.DefaultStartDate, time.Now().UTC()); ok {
			out["start_date"] = t.Format("2006-01-02") + "T00:00:00Z"
		}
	}
	return out
}
