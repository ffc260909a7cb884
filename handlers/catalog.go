package handlers

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// Catalog serves the source type catalog.
type Catalog struct {
	*UI
	Types *TypeCache
}

// SourceTypes handles GET /sources/new: the searchable list of source types.
func (h *Catalog) SourceTypes(c echo.Context) error {
	acct := mustAccount(c)
	cards, err := h.Types.SourceTypes(c.Request().Context(), acct.Token)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	m := views.SourceTypesPage{Base: h.base(c, tr(c).T("common.addSource"), "sources"), Query: q}
	all := h.sourceTypeItems(tr(c), cards)
	m.Total = len(all)
	for _, it := range all {
		if matches(it, q) {
			m.Types = append(m.Types, it)
		}
	}
	return render(c, http.StatusOK, views.SourceTypes(m))
}

// sourceTypeItems turns usable report cards into catalog entries, by name.
func (h *Catalog) sourceTypeItems(l *i18n.Localizer, cards []connect.ReportCard) []views.SourceTypeItem {
	items := make([]views.SourceTypeItem, 0, len(cards))
	for _, rc := range cards {
		if !rc.Usable() {
			continue
		}
		items = append(items, h.typeItem(l, rc, "/sources/new/"+url.PathEscape(rc.Type), false))
	}
	sort.Slice(items, func(i, j int) bool { return strings.ToLower(items[i].Name) < strings.ToLower(items[j].Name) })
	return items
}

// typeItem is the catalog tile of a type: its name, category, description
// and monogram come from the words of the form engine (partner texts first).
func (u *UI) typeItem(l *i18n.Localizer, rc connect.ReportCard, link string, destination bool) views.SourceTypeItem {
	info := u.Words.In(l).TypeInfo(rc.Type, destination)
	return views.SourceTypeItem{
		Type: rc.Type, Name: info.Name, Detail: typeDetail(l, rc), URL: link, Search: info.Search,
		Category: info.Category, Description: info.Description, Variant: info.Variant,
		Monogram: info.Monogram, Palette: info.Palette,
	}
}

// matches reports whether a tile matches a search: every word of q appears in its search text.
func matches(it views.SourceTypeItem, q string) bool {
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(it.Search, w) {
			return false
		}
	}
	return true
}

func typeDetail(l *i18n.Localizer, rc connect.ReportCard) string {
	var parts []string
	if _, ok := rc.Step(connect.StepOAuth); ok {
		parts = append(parts, l.T("forms.tile.signIn"))
	}
	if rc.Details != nil {
		switch rc.Details.PipelineState {
		case "beta":
			parts = append(parts, l.T("forms.tile.beta"))
		case "alpha":
			parts = append(parts, l.T("forms.tile.preview"))
		}
		if rc.Details.PricingTier == "enterprise" {
			parts = append(parts, l.T("forms.tile.enterprise"))
		}
	}
	return strings.Join(parts, " · ")
}

// requireAccount sends visitors without a Stitch account to the start page.
func requireAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := sessionOf(c)
		if _, ok := s.Account(); !ok {
			s.SetFlash(FlashInfo, tr(c).T("account.signInFirst"))
			return redirect(c, "/")
		}
		return next(c)
	}
}

// mustAccount returns the session's account; routes using it sit behind requireAccount.
func mustAccount(c echo.Context) Account {
	a, _ := sessionOf(c).Account()
	return a
}
