package handlers

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
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
	m := views.DestinationPage{Base: h.base(c, "Destination", "destination")}
	if d != nil {
		m.Has, m.ID, m.Name, m.TypeName = true, d.ID.String(), d.Name, forms.TypeName(d.Type)
		m.Title = "Your destination"
		if d.ReportCard.CurrentStepType == connect.StepFullyConfigured {
			m.Status, m.StatusClass = "Connected", "ok"
		} else {
			m.Status, m.StatusClass = "Needs attention", "warn"
		}
		chk, err := h.API.DestinationLastConnectionCheck(ctx, acct.Token, d.ID)
		switch {
		case err == nil:
			m.CheckState = chk.Status
			switch chk.Status {
			case connect.CheckRunning:
				m.Check, m.Checking = "Stitch is checking the connection…", true
			case connect.CheckSucceeded:
				m.Check = "The connection works."
			case connect.CheckFailed:
				m.Status, m.StatusClass = "Connection failed", "bad"
				detail := checkDetail(chk)
				m.Check = plainCheckMessage(detail)
				if detail != "" {
					m.Check += " Stitch said: “" + detail + "”"
				}
			}
		case connect.IsNotFound(err):
		default:
			h.Log.Warn("destination connection check unavailable", "err", err)
		}
	} else {
		m.Title = "Choose a destination"
	}
	types, err := h.Types.DestinationTypes(ctx, acct.Token)
	if err != nil {
		return err
	}
	for _, rc := range types {
		if !rc.Usable() || (d != nil && rc.Type == d.Type) {
			continue
		}
		name := forms.TypeName(rc.Type)
		m.Types = append(m.Types, views.SourceTypeItem{Type: rc.Type, Name: name, Detail: typeDetail(rc), URL: "/destination/new/" + url.PathEscape(rc.Type)})
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
	return rc, h.Forms.Build(typ, step, nil, forms.BuildOptions{}), nil
}

func (h *Destinations) renderForm(c echo.Context, status int, f *forms.Form, action, heading, replace, replaceErr string) error {
	m := views.SourceFormPage{
		Base:         h.base(c, heading, "destination"),
		Heading:      heading,
		Intro:        "Stitch checks the connection as soon as you save. Fields are required unless marked optional.",
		Action:       action,
		Form:         f,
		Submit:       "Save and check the connection",
		CancelURL:    "/destination",
		Replace:      replace,
		ReplaceError: replaceErr,
	}
	if status != http.StatusOK {
		m.Title = "Error: " + m.Title
	}
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
	replace := ""
	if d != nil {
		replace = forms.TypeName(d.Type)
	}
	return h.renderForm(c, http.StatusOK, f, "/destination/new/"+url.PathEscape(rc.Type), "Set up "+forms.TypeName(rc.Type), replace, "")
}

// Create handles POST /destination/new/:type: replace the existing
// destination when confirmed, create the new one, show its check.
func (h *Destinations) Create(c echo.Context) error {
	acct := mustAccount(c)
	ctx := c.Request().Context()
	rc, f, err := h.newForm(c, acct)
	if err != nil {
		return err
	}
	d, err := h.current(ctx, acct)
	if err != nil {
		return err
	}
	replace := ""
	if d != nil {
		replace = forms.TypeName(d.Type)
	}
	action, heading := "/destination/new/"+url.PathEscape(rc.Type), "Set up "+forms.TypeName(rc.Type)
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderForm(c, http.StatusOK, f, action, heading, replace, "")
	}
	replaceErr := ""
	if d != nil && values.Get("confirm_replace") != "yes" {
		replaceErr = "Confirm that you want to replace " + replace
		f.AddError("confirm_replace", replaceErr)
		ok = false
	}
	if !ok {
		return h.renderForm(c, http.StatusUnprocessableEntity, f, action, heading, replace, replaceErr)
	}
	if d != nil {
		if err := h.API.DeleteDestination(ctx, acct.Token, d.ID); err != nil {
			return err
		}
	}
	created, err := h.API.CreateDestination(ctx, acct.Token, connect.CreateDestinationRequest{Type: rc.Type, Name: forms.TypeName(rc.Type), Properties: props})
	if err != nil {
		if status, handled := applyAPIError(f, nil, err); handled {
			return h.renderForm(c, status, f, action, heading, "", "")
		}
		return err
	}
	emit(c, "onramp:destination_created", map[string]any{"destination_id": created.ID.String(), "type": created.Type})
	sessionOf(c).SetFlash(FlashSuccess, forms.TypeName(created.Type)+" is saved. Stitch is checking the connection.")
	return redirect(c, "/destination")
}

// Edit handles GET /destination/edit.
func (h *Destinations) Edit(c echo.Context) error {
	d, f, ok, err := h.editForm(c)
	if !ok || err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, f, "/destination/edit", "Edit "+forms.TypeName(d.Type), "", "")
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
	return d, h.Forms.Build(d.Type, step, d.Properties, forms.BuildOptions{Edit: true}), true, nil
}

// Update handles POST /destination/edit: credentials left as saved are kept.
func (h *Destinations) Update(c echo.Context) error {
	d, f, ok, err := h.editForm(c)
	if !ok || err != nil {
		return err
	}
	acct, ctx := mustAccount(c), c.Request().Context()
	heading := "Edit " + forms.TypeName(d.Type)
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	props, ok := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return h.renderForm(c, http.StatusOK, f, "/destination/edit", heading, "", "")
	}
	if !ok {
		return h.renderForm(c, http.StatusUnprocessableEntity, f, "/destination/edit", heading, "", "")
	}
	if _, err := h.API.UpdateDestination(ctx, acct.Token, d.ID, props); err != nil {
		if status, handled := applyAPIError(f, nil, err); handled {
			return h.renderForm(c, status, f, "/destination/edit", heading, "", "")
		}
		return err
	}
	sessionOf(c).SetFlash(FlashSuccess, "Saved. Stitch is checking the connection again.")
	return redirect(c, "/destination")
}
