package handlers

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/guide"
	"github.com/onramp/onramp/i18n"
)

func guideContext(cat *i18n.Catalog, loc string) echo.Context {
	req := httptest.NewRequest("GET", "/sources/new/platform.mysql", nil)
	req = req.WithContext(i18n.WithLocalizer(req.Context(), cat.Localizer(loc)))
	return echo.New().NewContext(req, httptest.NewRecorder())
}

// TestGuidePanelsRememberPerLanguageAndFields: a panel is rendered once per
// language and set of shown fields, and never served for another.
func TestGuidePanelsRememberPerLanguageAndFields(t *testing.T) {
	cat := i18n.MustNew(i18n.Options{})
	g, err := guide.New(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	panels := NewGuidePanels(g)
	str := json.RawMessage(`{"type":"string"}`)
	prop := func(name string) connect.Property {
		return connect.Property{Name: name, IsRequired: true, PropertyType: "user_provided", JSONSchema: str}
	}
	engine := forms.NewEngine(forms.EngineOptions{})
	full := engine.Build("platform.mysql", connect.Step{Type: connect.StepForm, Properties: []connect.Property{prop("host"), prop("port")}}, nil, forms.BuildOptions{})
	part := engine.Build("platform.mysql", connect.Step{Type: connect.StepForm, Properties: []connect.Property{prop("port")}}, nil, forms.BuildOptions{})

	en := setupGuide(guideContext(cat, "en"), panels, full)
	again := setupGuide(guideContext(cat, "en"), panels, full)
	de := setupGuide(guideContext(cat, "de"), panels, full)
	fewer := setupGuide(guideContext(cat, "en"), panels, part)
	if en == nil || again == nil || de == nil || fewer == nil {
		t.Fatal("no panel for a MySQL form; want one")
	}
	if en.Rendered != again.Rendered {
		t.Error("the same page rendered two different panels")
	}
	if !strings.Contains(en.Rendered, "Where to find these details") || !strings.Contains(de.Rendered, "Wo Sie diese Angaben finden") {
		t.Errorf("panels are not in their page's language:\nen %.120s\nde %.120s", en.Rendered, de.Rendered)
	}
	if !strings.Contains(en.Rendered, "guide-entry-host") || strings.Contains(fewer.Rendered, "guide-entry-host") {
		t.Error("a form without the host field got the host entry (a panel served for other fields)")
	}
	if setupGuide(guideContext(cat, "en"), nil, full) != nil {
		t.Error("no panels configured, got one")
	}
}
