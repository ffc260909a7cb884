package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// OverviewAPI is what the start page reads about an account.
type OverviewAPI interface {
	ListSources(ctx context.Context, token string) ([]connect.Source, error)
	ListDestinations(ctx context.Context, token string) ([]connect.Destination, error)
	checkReader
}

// Home serves the start page.
type Home struct {
	*UI
	API OverviewAPI
}

// Show handles GET /: two choices when signed out; the account's destination
// and sources, and what to do next, when signed in.
func (h *Home) Show(c echo.Context) error {
	l := tr(c)
	m := views.HomePage{Base: h.base(c, l.T("home.title"), "home")}
	acct, ok := sessionOf(c).Account()
	if !ok {
		m.Title = l.T("home.signedOutTitle")
		return render(c, http.StatusOK, views.Home(m))
	}
	ctx := c.Request().Context()
	dests, err := h.API.ListDestinations(ctx, acct.Token)
	if err != nil {
		return err
	}
	for _, d := range dests {
		if d.DeletedAt != nil {
			continue
		}
		m.HasDestination = true
		m.DestinationName = h.typeName(tr(c), d.Type)
		m.DestinationOK = d.ReportCard.CurrentStepType == connect.StepFullyConfigured
	}
	srcs, err := h.API.ListSources(ctx, acct.Token)
	if err != nil {
		return err
	}
	var live []connect.Source
	for _, s := range srcs {
		if s.DeletedAt == nil {
			live = append(live, s)
		}
	}
	checks := lastChecks(ctx, h.API, acct.Token, live)
	for i, s := range live {
		m.Sources = append(m.Sources, h.sourceRow(l, s, checks[i]))
	}
	return render(c, http.StatusOK, views.Home(m))
}

// sourceRow summarises a source for lists, with its one status (package
// status) from the report card and the last connection check (nil when
// there is none or it could not be read), in l's words.
func (u *UI) sourceRow(l *i18n.Localizer, s connect.Source, chk *connect.ConnectionCheck) views.SourceRow {
	r := views.SourceRow{
		ID:       s.ID.String(),
		Name:     s.DisplayName,
		TypeName: u.typeName(l, s.Type),
		URL:      "/sources/" + s.ID.String(),
	}
	if r.Name == "" {
		r.Name = r.TypeName
	}
	st := sourceStatus(&s, chk)
	r.Status, r.StatusClass = l.T(st.Key), st.Tone
	if st.Continue || st.Checking {
		r.ContinueURL = StepURL(s.ID.String(), s.ReportCard.CurrentStepType)
	}
	if chk != nil && chk.Status == connect.CheckFailed {
		r.Check = l.T(checkMessageKey(checkDetail(chk)))
		r.ContinueURL = "/sources/" + s.ID.String() + "/form"
	}
	return r
}

// StepURL is the step router: the page for a source's current step. Every
// handler that changes a source ends by asking it where to go; report cards
// may skip steps, so never assume "the next one".
func StepURL(sourceID, step string) string {
	base := "/sources/" + sourceID
	switch step {
	case connect.StepOAuth:
		return base + "/oauth"
	case connect.StepProfile:
		return base + "/profile"
	case connect.StepDiscoverSchema:
		return base + "/discover"
	case connect.StepFieldSelection:
		return base + "/fields"
	case connect.StepFullyConfigured:
		return base + "/done"
	default:
		return base + "/form"
	}
}
