package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/seal"
	"github.com/onramp/onramp/status"
	"github.com/onramp/onramp/views"
)

// DestinationsAPI is the part of the Connect API the destination pages use.
type DestinationsAPI interface {
	ListDestinations(ctx context.Context, token string) ([]connect.Destination, error)
	CreateDestination(ctx context.Context, token string, req connect.CreateDestinationRequest) (*connect.Destination, error)
	UpdateDestination(ctx context.Context, token string, id connect.Int, properties map[string]any) (*connect.Destination, error)
	DeleteDestination(ctx context.Context, token string, id connect.Int) error
	DestinationLastConnectionCheck(ctx context.Context, token string, id connect.Int) (*connect.ConnectionCheck, error)
}

// Destinations serves the destination pages: one destination per account.
type Destinations struct {
	*UI
	API   DestinationsAPI
	Types *TypeCache
	Forms *forms.Engine
	// Seal keeps typed secrets across a re-rendered form.
	Seal *seal.Sealer
	// Claims makes a create submit single use; nil disables it.
	Claims Claims
	// Guides render the setup guide beside the form (nil: none).
	Guides *GuidePanels
}

// current returns the account's destination, or nil.
func (h *Destinations) current(ctx context.Context, acct Account) (*connect.Destination, error) {
	ds, err := h.API.ListDestinations(ctx, acct.Token)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].DeletedAt == nil {
			return &ds[i], nil
		}
	}
	return nil, nil
}

// Show handles GET /destination: the destination and its last check, or the
// catalog of destination types.
func (h *Destinations) Show(c echo.Context) error {
	acct := mustAccount(c)
	ctx := c.Request().Context()
	d, err := h.current(ctx, acct)
	if err != nil {
		return err
	}
	l := tr(c)
	m := views.DestinationPage{Base: h.base(c, l.T("layout.navDestination"), "destination"), Query: strings.TrimSpace(c.QueryParam("q"))}
	if d != nil {
		m.Has, m.ID, m.Name, m.TypeName = true, d.ID.String(), d.Name, h.typeName(tr(c), d.Type)
		m.Title = l.T("destination.yours")
		in := status.Input{Kind: status.Destination, Step: d.ReportCard.CurrentStepType, Deleted: d.DeletedAt != nil}
		chk, err := h.API.DestinationLastConnectionCheck(ctx, acct.Token, d.ID)
		switch {
		case err == nil:
			in.Check, m.CheckState = chk.Status, chk.Status
			switch chk.Status {
			case connect.CheckRunning:
				m.Check = l.T("destination.checkRunning")
			case connect.CheckSucceeded:
				m.Check = l.T("destination.checkWorks")
			case connect.CheckFailed:
				detail := checkDetail(chk)
				m.Check = l.T(checkMessageKey(detail))
				if detail != "" {
					m.Check += " " + l.T("common.stitchSaid") + " " + l.T("common.quoted", "Text", detail)
				}
			}
		case connect.IsNotFound(err):
		default:
			h.Log.WarnContext(c.Request().Context(), "destination connection check unavailable", "err", err)
		}
		st := status.Of(in)
		m.Status, m.StatusClass, m.Checking = l.T(st.Key), st.Tone, st.Checking
	} else {
		m.Title = l.T("destination.chooseHeading")
	}
	types, err := h.Types.DestinationTypes(ctx, acct.Token)
	if err != nil {
		return err
	}
	for _, rc := range types {
		if !rc.Usable() || (d != nil && rc.Type == d.Type) {
			continue
		}
		if it := h.typeItem(tr(c), rc, "/destination/new/"+url.PathEscape(rc.Type), true); matches(it, m.Query) {
			m.Types = append(m.Types, it)
		}
	}
	sort.Slice(m.Types, func(i, j int) bool { return strings.ToLower(m.Types[i].Name) < strings.ToLower(m.Types[j].Name) })
	return render(c, http.StatusOK, views.Destination(m))
}

func (h *Destinations) newForm(c echo.Context, acct Account) (*connect.ReportCard, *forms.Form, error) {
	typ := c.Param("type")
	rc, err := h.Types.DestinationType(c.Request().Context(), acct.Token, typ)
	if err != nil {
		return nil, nil, err
	}
	step, ok := rc.Step(connect.StepForm)
	if !ok || !rc.Usable() {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return rc, h.Forms.In(tr(c)).Build(typ, step, nil, forms.BuildOptions{}), nil
}

// destForm is what a destination form page shows besides the form.
type destForm struct {
	action, heading string
	// replace names the destination the form replaces; replaceErr asks to confirm it.
	replace, replaceErr string
	// token makes a create submit single use; basedOn is the version an edit shows.
	token, basedOn string
	conflicts      []views.Conflict
}

func (h *Destinations) renderForm(c echo.Context, status int, f *forms.Form, p destForm) error {
	m := views.SourceFormPage{
		Base:         h.base(c, p.heading, "destination"),
		Heading:      p.heading,
		Intro:        tr(c).T("destination.formIntro"),
		Action:       p.action,
		Form:         f,
		FormToken:    p.token,
		Submit:       tr(c).T("destination.formSubmit"),
		CancelURL:    "/destination",
		Replace:      p.replace,
		ReplaceError: p.replaceErr,
		Conflicts:    p.conflicts,
		Guide:        setupGuide(c, h.Guides, f),
	}
	if p.basedOn != "" {
		m.Hidden = append(m.Hidden, views.Hidden{Name: basedOnField, Value: p.basedOn})
	}
	if len(p.conflicts) > 0 {
		m.Submit = tr(c).T("sourceForm.saveMine")
	}
	markRetry(&m, status)
	return render(c, status, views.SourceForm(m))
}

// New handles GET /destination/new/:type.
func (h *Destinations) New(c echo.Context) error {
	acct := mustAccount(c)
	rc, f, err := h.newForm(c, acct)
	if err != nil {
		return err
	}
	d, err := h.current(c.Request().Context(), acct)
	if err != nil {
		return err
	}
	p := destForm{action: "/destination/new/" + url.PathEscape(rc.Type), heading: tr(c).T("destination.setupHeading", "Name", h.typeName(tr(c), rc.Type)), token: randomToken(18)}
	h.record(c.Request().Context(), journey.Event{Kind: journey.Destination, Step: journey.FormShown, AccountID: acct.ID, Type: rc.Type})
	if d != nil {
		p.replace = h.typeName(tr(c), d.Type)
	}
	return h.renderForm(c, http.StatusOK, f, p)
}

// Create handles POST /destination/new/:type: replace the existing
// destination when confirmed, create the new one, show its check. The form
// token makes it single use: a double click or a replay must not delete the
// destination the first submit just created.
func (h *Destinations) Create(c echo.Context) error {
	acct := mustAccount(c)
	ctx := c.Request().Context()
	token := c.FormValue(formTokenField)
	if token == "" {
		token = randomToken(18)
	}
	if h.Claims != nil {
		if id, err := h.Claims.Result(ctx, token); err != nil {
			return err
		} else if id != "" {
			sessionOf(c).SetFlash(FlashInfo, tr(c).T("destination.alreadySaved"))
			return redirect(c, "/destination")
		}
	}
	rc, f, err := h.newForm(c, acct)
	if err != nil {
		return err
	}
	f.KeepSecrets(keeperFor(c, h.Seal))
	d, err := h.current(ctx, acct)
	if err != nil {
		return err
	}
	p := destForm{action: "/destination/new/" + url.PathEscape(rc.Type), heading: tr(c).T("destination.setupHeading", "Name", h.typeName(tr(c), rc.Type)), token: token}
	if d != nil {
		p.replace = h.typeName(tr(c), d.Type)
	}
	values, err := formValues(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderForm(c, http.StatusOK, f, p)
	}
	if d != nil && values.Get("confirm_replace") != "yes" {
		p.replaceErr = tr(c).T("destination.replaceMissing", "Name", p.replace)
		f.AddError("confirm_replace", p.replaceErr)
		ok = false
	}
	if !ok {
		return h.renderForm(c, http.StatusUnprocessableEntity, f, p)
	}
	if h.Claims != nil {
		claimed, err := h.Claims.Claim(ctx, token)
		if err != nil {
			return err
		}
		if !claimed {
			if id, err := waitResult(ctx, h.Claims, token, 10*time.Second); err == nil && id != "" {
				return redirect(c, "/destination")
			}
			f.AddError("submit", tr(c).T("destination.alreadySending"))
			return h.renderForm(c, http.StatusConflict, f, p)
		}
	}
	release := func() {
		if h.Claims != nil {
			_ = h.Claims.Release(ctx, token)
		}
	}
	if d != nil {
		if err := h.API.DeleteDestination(ctx, acct.Token, d.ID); err != nil {
			release()
			return err
		}
	}
	created, err := h.API.CreateDestination(ctx, acct.Token, connect.CreateDestinationRequest{Type: rc.Type, Name: h.Words.TypeName(rc.Type), Properties: props}) // Stitch's name for it: the same in every language
	if err != nil {
		release()
		p.replace, p.replaceErr = "", "" // the old destination is gone
		if status, handled := applyAPIErrorIn(tr(c), f, nil, err); handled {
			h.keptAfter(c, status, err)
			return h.renderForm(c, status, f, p)
		}
		return err
	}
	if h.Claims != nil {
		_ = h.Claims.Resolve(ctx, token, created.ID.String())
	}
	emit(c, "onramp:destination_created", map[string]any{"destination_id": created.ID.String(), "type": created.Type})
	h.record(ctx, journey.Event{Kind: journey.Destination, Step: journey.Created, AccountID: acct.ID, Type: created.Type, DestinationID: created.ID.String()})
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("destination.created", "Name", h.typeName(tr(c), created.Type)))
	return redirect(c, "/destination")
}

// Edit handles GET /destination/edit.
func (h *Destinations) Edit(c echo.Context) error {
	d, f, ok, err := h.editForm(c)
	if !ok || err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, f, h.editPage(c, d))
}

func (h *Destinations) editPage(c echo.Context, d *connect.Destination) destForm {
	return destForm{action: "/destination/edit", heading: tr(c).T("destination.editHeading", "Name", h.typeName(tr(c), d.Type)), basedOn: forms.Version(d.Name, d.Properties)}
}

// editForm builds the edit form of the account's destination; without one it
// answers with a redirect to /destination and ok is false.
func (h *Destinations) editForm(c echo.Context) (*connect.Destination, *forms.Form, bool, error) {
	d, err := h.current(c.Request().Context(), mustAccount(c))
	if err != nil {
		return nil, nil, false, err
	}
	if d == nil {
		return nil, nil, false, redirect(c, "/destination")
	}
	step, ok := d.ReportCard.Step(connect.StepForm)
	if !ok {
		return nil, nil, false, echo.NewHTTPError(http.StatusNotFound)
	}
	return d, h.Forms.In(tr(c)).Build(d.Type, step, d.Properties, forms.BuildOptions{Edit: true}), true, nil
}

// Update handles POST /destination/edit: credentials left as saved are kept;
// a save over a change made meanwhile shows both and asks.
func (h *Destinations) Update(c echo.Context) error {
	d, f, ok, err := h.editForm(c)
	if !ok || err != nil {
		return err
	}
	f.KeepSecrets(keeperFor(c, h.Seal))
	acct, ctx := mustAccount(c), c.Request().Context()
	p := h.editPage(c, d)
	values, err := formValues(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderForm(c, http.StatusOK, f, p)
	}
	if !ok {
		return h.renderForm(c, http.StatusUnprocessableEntity, f, p)
	}
	if p.conflicts = conflictsIn(tr(c), f, values, d.Name, "", d.Properties, props); p.conflicts != nil {
		f.AddError("submit", tr(c).T("destination.changedMeanwhile"))
		return h.renderForm(c, http.StatusConflict, f, p)
	}
	if _, err := h.API.UpdateDestination(ctx, acct.Token, d.ID, props); err != nil {
		if status, handled := applyAPIErrorIn(tr(c), f, nil, err); handled {
			h.keptAfter(c, status, err)
			return h.renderForm(c, status, f, p)
		}
		return err
	}
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("destination.savedChecking"))
	return redirect(c, "/destination")
}

// formValues returns a submission's values. A multipart submission's key
// files (inputs named forms.FilePrefix+NAME) join them as text, at most
// forms.MaxFileBytes+1 bytes each: the form engine refuses a larger one with
// a message next to its field.
func formValues(c echo.Context) (url.Values, error) {
	values, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	mf := c.Request().MultipartForm
	if mf == nil || len(mf.File) == 0 {
		return values, nil
	}
	out := make(url.Values, len(values)+len(mf.File))
	for k, v := range values {
		out[k] = v
	}
	for name, files := range mf.File {
		if !strings.HasPrefix(name, forms.FilePrefix) || len(files) == 0 {
			continue
		}
		f, err := files[0].Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, forms.MaxFileBytes+1))
		_ = f.Close()
		if err != nil {
			return nil, err
		}
		out.Set(name, string(b))
	}
	return out, nil
}
