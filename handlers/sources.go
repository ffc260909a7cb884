package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
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
	// DebugFields allows ?all_fields=1.
	DebugFields bool
}

const formTokenField = "_form_token"

// stepLabels name report card steps for the step indicator.
var stepLabels = map[string]string{
	connect.StepForm:            "Connection details",
	connect.StepOAuth:           "Sign in",
	connect.StepProfile:         "Choose profile",
	connect.StepDiscoverSchema:  "Check connection",
	connect.StepFieldSelection:  "Choose data",
	connect.StepFullyConfigured: "Done",
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
		label := stepLabels[s.Type]
		if label == "" {
			label = forms.Humanize(s.Type)
		}
		done := i < cur || rc.CurrentStepType == connect.StepFullyConfigured
		items = append(items, views.StepItem{Label: label, Done: done && s.Type != page, Current: s.Type == page})
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
	acct := mustAccount(c)
	id, err := sourceID(c)
	if err != nil {
		return nil, acct, err
	}
	src, err := h.API.GetSource(c.Request().Context(), acct.Token, id)
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

func sourceName(s *connect.Source) string {
	if s.DisplayName != "" {
		return s.DisplayName
	}
	return forms.TypeName(s.Type)
}

// List handles GET /sources.
func (h *Sources) List(c echo.Context) error {
	acct := mustAccount(c)
	ctx := c.Request().Context()
	srcs, err := h.API.ListSources(ctx, acct.Token)
	if err != nil {
		return err
	}
	m := views.SourcesPage{Base: h.base(c, "Sources", "sources")}
	for _, s := range srcs {
		if s.DeletedAt != nil {
			continue
		}
		row := sourceRow(s)
		if s.ReportCard.CurrentStepType == connect.StepDiscoverSchema {
			if chk, err := h.API.SourceLastConnectionCheck(ctx, acct.Token, s.ID); err == nil {
				row.Check = checkSummary(chk)
			}
		}
		m.Rows = append(m.Rows, row)
	}
	return render(c, http.StatusOK, views.Sources(m))
}

func checkSummary(chk *connect.ConnectionCheck) string {
	switch chk.Status {
	case connect.CheckFailed:
		return "Last connection check failed"
	case connect.CheckRunning:
		return "Connection check running"
	case connect.CheckSucceeded:
		return "Last connection check passed"
	}
	return ""
}

// Show handles GET /sources/:id: the step router.
func (h *Sources) Show(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
}

// newForm builds the create form of a type.
func (h *Sources) newForm(c echo.Context, typ string) (*connect.ReportCard, *forms.Form, error) {
	acct := mustAccount(c)
	rc, err := h.Types.SourceType(c.Request().Context(), acct.Token, typ)
	if err != nil {
		return nil, nil, err
	}
	step, ok := rc.Step(connect.StepForm)
	if !ok || !rc.Usable() {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	f := h.Forms.Build(typ, step, typeDefaults(rc, step), forms.BuildOptions{ShowAll: h.showAll(c)})
	return rc, f, nil
}

func (h *Sources) showAll(c echo.Context) bool {
	return h.DebugFields && c.QueryParam("all_fields") == "1"
}

// New handles GET /sources/new/:type: the form step of a new source.
func (h *Sources) New(c echo.Context) error {
	typ := c.Param("type")
	rc, f, err := h.newForm(c, typ)
	if err != nil {
		return err
	}
	dn := displayNameField(forms.TypeName(typ))
	return h.renderCreate(c, http.StatusOK, rc, f, dn, randomToken(18))
}

func displayNameField(value string) *forms.Field {
	dn := forms.NewTextField("display_name", "Name for this source", true)
	dn.Hint = "Shown in Stitch, and used to name the schema your data is loaded into. You cannot change the schema name later."
	dn.Value = value
	dn.Autocomplete = "off"
	return dn
}

func (h *Sources) renderCreate(c echo.Context, status int, rc *connect.ReportCard, f *forms.Form, dn *forms.Field, token string) error {
	name := forms.TypeName(rc.Type)
	m := views.SourceFormPage{
		Base:        h.stepBase(c, "Connect "+name, "", connect.StepForm),
		Steps:       stepItems(*rc, connect.StepForm),
		Heading:     "Connect " + name,
		Intro:       "Tell Stitch how to reach your " + name + " data. Fields are required unless marked optional.",
		Action:      "/sources/new/" + url.PathEscape(rc.Type),
		Form:        f,
		DisplayName: dn,
		FormToken:   token,
		Submit:      "Save and continue",
		CancelURL:   "/sources/new",
	}
	if h.DebugFields && !h.showAll(c) {
		m.DebugURL = m.Action + "?all_fields=1"
	}
	if status != http.StatusOK {
		m.Title = "Error: " + m.Title
	}
	return render(c, status, views.SourceForm(m))
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
	if id := h.Claims.Result(ctx, token); id != "" {
		return h.alreadyCreated(c, id)
	}
	rc, f, err := h.newForm(c, typ)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	dn := displayNameField(strings.TrimSpace(values.Get("display_name")))
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderCreate(c, http.StatusOK, rc, f, dn, token)
	}
	if dn.Value == "" {
		dn.Error = "Enter a name for this source"
		f.AddError(dn.ID, dn.Error)
		ok = false
	}
	if !ok {
		return h.renderCreate(c, http.StatusUnprocessableEntity, rc, f, dn, token)
	}
	if !h.Claims.Claim(ctx, token) {
		if id := waitResult(ctx, h.Claims, token, 10*time.Second); id != "" {
			return h.alreadyCreated(c, id)
		}
		f.AddError("submit", "This form is already being sent. Wait a moment, then check your sources.")
		return h.renderCreate(c, http.StatusConflict, rc, f, dn, token)
	}
	src, err := h.API.CreateSource(ctx, acct.Token, connect.CreateSourceRequest{Type: typ, DisplayName: dn.Value, Properties: props})
	if err != nil {
		h.Claims.Release(ctx, token)
		if status, handled := applyAPIError(f, dn, err); handled {
			return h.renderCreate(c, status, rc, f, dn, token)
		}
		return err
	}
	h.Claims.Resolve(ctx, token, src.ID.String())
	emit(c, "onramp:source_created", map[string]any{"source_id": src.ID.String(), "type": typ})
	h.Log.Info("source created", "id", RequestID(ctx), "source", src.ID.String(), "type", typ, "step", src.ReportCard.CurrentStepType)
	return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
}

func (h *Sources) alreadyCreated(c echo.Context, id string) error {
	sessionOf(c).SetFlash(FlashInfo, "This source was already created when you first sent the form. Here it is.")
	return redirect(c, "/sources/"+id)
}

// applyAPIError puts a Stitch error on the form: property errors next to the
// fields, name errors on the name, upstream failures as a "try again" message.
// It reports the status to re-render with, or false for errors it does not handle.
func applyAPIError(f *forms.Form, dn *forms.Field, err error) (int, bool) {
	var apiErr *connect.Error
	switch {
	case connect.IsUpstreamUnavailable(err):
		f.AddError("submit", "Stitch did not answer, so nothing was saved yet. What you typed is kept (passwords excepted): send the form again.")
		return http.StatusServiceUnavailable, true
	case errors.As(err, &apiErr) && (apiErr.Code == "InvalidName" || apiErr.Code == "InvalidDisplayName") && dn != nil:
		dn.Error = "Choose another name: " + nameProblem(apiErr.Message)
		f.AddError(dn.ID, dn.Error)
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest && apiErr.Code != "InvalidId" && apiErr.Code != "AccessDenied":
		f.AddAPIErrors(apiErr.BadProperties, apiMessage(apiErr))
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &apiErr) && apiErr.Code == "AccessDenied":
		f.AddError("submit", "Your Stitch plan does not allow this. "+apiErr.Message)
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}

func nameProblem(msg string) string {
	if strings.Contains(msg, "non-unique") {
		return "another source already uses this name."
	}
	return "use letters, numbers and spaces, starting with a letter."
}

func apiMessage(e *connect.Error) string {
	switch {
	case e.Code == "InvalidCronExpression":
		return "The schedule expression is not valid: " + e.Message
	case len(e.BadProperties) > 0:
		return "Stitch did not accept some values. Check the highlighted fields."
	case e.Message != "":
		return "Stitch did not accept the settings: " + e.Message
	}
	return "Stitch did not accept the settings. Check them and try again."
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
	return h.renderStep(c, http.StatusOK, src, f, displayNameField(sourceName(src)))
}

// stepForm builds the edit form of one of a source's steps from the source's
// own report card (it knows which properties are provided).
func (h *Sources) stepForm(c echo.Context, src *connect.Source, stepType string) (*forms.Form, error) {
	step, ok := src.ReportCard.Step(stepType)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return h.Forms.Build(src.Type, step, src.Properties, forms.BuildOptions{Edit: true, ShowAll: h.showAll(c)}), nil
}

var stepPaths = map[string]string{connect.StepForm: "form", connect.StepOAuth: "oauth", connect.StepProfile: "profile"}

func (h *Sources) renderStep(c echo.Context, status int, src *connect.Source, f *forms.Form, dn *forms.Field) error {
	name := sourceName(src)
	typeName := forms.TypeName(src.Type)
	m := views.SourceFormPage{
		Base:        h.stepBase(c, name, src.ID.String(), f.StepType),
		Steps:       stepItems(src.ReportCard, f.StepType),
		Form:        f,
		DisplayName: dn,
		Action:      "/sources/" + src.ID.String() + "/" + stepPaths[f.StepType],
		Submit:      "Save and continue",
		CancelURL:   "/sources/" + src.ID.String(),
	}
	switch f.StepType {
	case connect.StepForm:
		m.Heading = "Connection details for " + name
		m.Intro = "Saved passwords and keys are kept unless you replace them."
	case connect.StepProfile:
		m.Heading = "Choose what to replicate from " + typeName
		m.Intro = "Pick the profile or account Stitch should read."
	case connect.StepOAuth:
		m.Heading = "Sign in to " + typeName
	}
	if h.DebugFields && !h.showAll(c) {
		m.DebugURL = m.Action + "?all_fields=1"
	}
	if status != http.StatusOK {
		m.Title = "Error: " + m.Title
	}
	return render(c, status, views.SourceForm(m))
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
		values, err := c.FormParams()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		var dn *forms.Field
		if stepType == connect.StepForm {
			dn = displayNameField(strings.TrimSpace(values.Get("display_name")))
		}
		props, ok := f.Decode(values)
		if kind, _, _ := f.Action(); kind != "" {
			return h.renderStep(c, http.StatusOK, src, f, dn)
		}
		if dn != nil && dn.Value == "" {
			dn.Error = "Enter a name for this source"
			f.AddError(dn.ID, dn.Error)
			ok = false
		}
		if !ok {
			return h.renderStep(c, http.StatusUnprocessableEntity, src, f, dn)
		}
		req := connect.UpdateSourceRequest{Properties: props}
		if dn != nil && dn.Value != src.DisplayName {
			req.DisplayName = dn.Value
		}
		updated, err := h.API.UpdateSource(c.Request().Context(), acct.Token, src.ID, req)
		if err != nil {
			if status, handled := applyAPIError(f, dn, err); handled {
				return h.renderStep(c, status, src, f, dn)
			}
			return err
		}
		sessionOf(c).SetFlash(FlashSuccess, "Saved.")
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
	if st.State == "succeeded" && st.NextURL != "" && src.ReportCard.CurrentStepType != connect.StepDiscoverSchema {
		return redirect(c, st.NextURL)
	}
	m := views.DiscoverPage{Base: h.stepBase(c, "Checking the connection", src.ID.String(), connect.StepDiscoverSchema), Steps: stepItems(src.ReportCard, connect.StepDiscoverSchema), Status: st}
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
		Name:      sourceName(src),
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
		st.State = "failed"
		st.Detail = checkDetail(chk)
		st.Message = plainCheckMessage(st.Detail)
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

// plainCheckMessage explains common connection failures in plain words.
func plainCheckMessage(detail string) string {
	d := strings.ToLower(detail)
	switch {
	case strings.Contains(d, "password") || strings.Contains(d, "authentication") || strings.Contains(d, "access denied") || strings.Contains(d, "unauthorized") || strings.Contains(d, "invalid api") || strings.Contains(d, "token"):
		return "The user name, password or key was not accepted. Check them and try again."
	case strings.Contains(d, "host name") || strings.Contains(d, "name or service not known") || strings.Contains(d, "unknown host") ||
		strings.Contains(d, "server host") || strings.Contains(d, "no such host"):
		return "Stitch could not find that host. Check the host name or IP address."
	case strings.Contains(d, "refused") || strings.Contains(d, "can't connect") || strings.Contains(d, "timed out") || strings.Contains(d, "timeout") || strings.Contains(d, "unreachable"):
		return "Stitch could not reach the server. Check the host and port, and that your firewall allows Stitch's IP addresses."
	case strings.Contains(d, "ssl") || strings.Contains(d, "certificate"):
		return "The secure (SSL) connection failed. Check the SSL settings and certificates."
	}
	return "The connection check failed. Check the connection details and try again."
}

// Done handles GET /sources/:id/done: the summary of a configured source.
func (h *Sources) Done(c echo.Context) error {
	src, acct, err := h.load(c)
	if err != nil {
		return err
	}
	if src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	m := views.DonePage{
		Base:     h.stepBase(c, sourceName(src)+" is set up", src.ID.String(), connect.StepFullyConfigured),
		Steps:    stepItems(src.ReportCard, connect.StepFullyConfigured),
		SourceID: src.ID.String(),
		Name:     sourceName(src),
		TypeName: forms.TypeName(src.Type),
		Paused:   src.PausedAt != nil,
		Schedule: scheduleText(src),
	}
	m.ReturnURL, m.ReturnLabel = h.returnLink(c)
	if src.Schedule != nil && src.Schedule.NextFireTime != nil && src.PausedAt == nil {
		m.NextRun = src.Schedule.NextFireTime.UTC().Format("2 January 2006 at 15:04 UTC")
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
func scheduleText(src *connect.Source) string {
	if v, ok := src.Properties["cron_expression"].(string); ok && v != "" {
		return "On a custom schedule (" + v + ")"
	}
	if v, ok := src.Properties["frequency_in_minutes"].(string); ok && v != "" {
		return forms.OptionLabel("frequency_in_minutes", v)
	}
	if src.Schedule != nil && src.Schedule.Interval > 0 {
		return forms.OptionLabel("frequency_in_minutes", strconv.Itoa(int(src.Schedule.Interval)))
	}
	return "On Stitch's default schedule"
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
			return "Stitch is already replicating " + sourceName(src) + ". The current run continues.", StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
		}
		return "Replication of " + sourceName(src) + " has started.", StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Pause handles POST /sources/:id/pause.
func (h *Sources) Pause(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.PauseSource(ctx, acct.Token, src.ID, time.Now().UTC().Truncate(time.Second)); err != nil {
			return "", "", err
		}
		return sourceName(src) + " is paused. Stitch will not replicate it until you resume it.", StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Unpause handles POST /sources/:id/unpause.
func (h *Sources) Unpause(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.UnpauseSource(ctx, acct.Token, src.ID); err != nil {
			return "", "", err
		}
		return sourceName(src) + " is running again.", StepURL(src.ID.String(), src.ReportCard.CurrentStepType), nil
	})
}

// Delete handles POST /sources/:id/delete.
func (h *Sources) Delete(c echo.Context) error {
	return h.action(c, func(ctx context.Context, acct Account, src *connect.Source) (string, string, error) {
		if _, err := h.API.DeleteSource(ctx, acct.Token, src.ID); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("%s was deleted. Data already loaded stays in your destination.", sourceName(src)), "/sources", nil
	})
}

// typeDefaults pre-fills a new form from the type's details: the default
// replication frequency and start date.
func typeDefaults(rc *connect.ReportCard, step connect.Step) map[string]any {
	out := map[string]any{}
	has := map[string]bool{}
	for _, p := range step.Properties {
		has[p.Name] = true
	}
	if rc.Details == nil {
		return out
	}
	if has["frequency_in_minutes"] && rc.Details.DefaultSchedulingInterval != nil {
		out["frequency_in_minutes"] = strconv.Itoa(*rc.Details.DefaultSchedulingInterval)
	}
	if has["start_date"] && rc.Details.DefaultStartDate != nil {
		if t, ok := relativeDate(*rc.Details.DefaultStartDate, time.Now().UTC()); ok {
			out["start_date"] = t.Format("2006-01-02") + "T00:00:00Z"
		}
	}
	return out
}

// relativeDate reads expressions such as "-30 days", "-4 weeks", "-1 year".
func relativeDate(expr string, now time.Time) (time.Time, bool) {
	f := strings.Fields(strings.TrimSpace(expr))
	if len(f) != 2 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return time.Time{}, false
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch strings.TrimSuffix(f[1], "s") {
	case "day":
		return day.AddDate(0, 0, n), true
	case "week":
		return day.AddDate(0, 0, 7*n), true
	case "month":
		return day.AddDate(0, n, 0), true
	case "year":
		return day.AddDate(n, 0, 0), true
	}
	return time.Time{}, false
}
