package handlers

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/guide"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// GuidePanels renders the setup guide beside a form (package guide) and
// remembers each rendering: a panel depends only on the page's language, the
// type and the fields the form shows (their names, labels and ids), and
// resolving and rendering two dozen entries per request would double the
// cost of a form page. Memory is bounded: past maxGuidePanels renderings,
// new ones are served but not kept.
type GuidePanels struct {
	guides *guide.Guides
	cache  sync.Map // guideKey → string (the rendered panel, "" when empty)
	n      atomic.Int64
}

const maxGuidePanels = 2048

type guideKey struct {
	loc           *i18n.Localizer
	typ, typeName string
	fields        string // the shown fields' names, labels and ids
}

// NewGuidePanels returns the panels of g (nil: no panel anywhere).
func NewGuidePanels(g *guide.Guides) *GuidePanels { return &GuidePanels{guides: g} }

// setupGuide is the setup guide beside a form, in the request's language;
// nil when it has nothing to say (or no guides are configured).
func setupGuide(c echo.Context, p *GuidePanels, f *forms.Form) *views.SetupGuide {
	if p == nil || p.guides == nil || f == nil {
		return nil
	}
	l := tr(c)
	key := guideKey{loc: l, typ: f.Type, typeName: f.TypeName, fields: signature(f)}
	if html, ok := p.cache.Load(key); ok {
		return rendered(html.(string))
	}
	m := p.resolve(l, f)
	html := ""
	if m != nil {
		var buf bytes.Buffer
		if err := views.SetupGuidePanel(m).Render(c.Request().Context(), &buf); err != nil {
			return m // the page renders it itself
		}
		html = buf.String()
	}
	if p.n.Load() < maxGuidePanels {
		if _, loaded := p.cache.LoadOrStore(key, html); !loaded {
			p.n.Add(1)
		}
	}
	return rendered(html)
}

func rendered(html string) *views.SetupGuide {
	if html == "" {
		return nil
	}
	return &views.SetupGuide{Rendered: html}
}

func (p *GuidePanels) resolve(l *i18n.Localizer, f *forms.Form) *views.SetupGuide {
	r := p.guides.For(l, f)
	if r.Empty() {
		return nil
	}
	m := &views.SetupGuide{TypeName: f.TypeName, Intro: r.Intro, URL: r.URL}
	for _, e := range r.Entries {
		m.Entries = append(m.Entries, views.GuideEntry{Name: e.Name, FieldID: e.FieldID, Label: e.Label, Text: e.Text})
	}
	return m
}

// signature names the fields a form shows, in order, as the cache key.
func signature(f *forms.Form) string {
	var b strings.Builder
	b.Grow(512)
	guide.EachField(f, func(fld guide.Field) {
		b.WriteString(fld.Name)
		b.WriteByte(0)
		b.WriteString(fld.Label)
		b.WriteByte(0)
		b.WriteString(fld.ID)
		b.WriteByte(1)
	})
	return b.String()
}
