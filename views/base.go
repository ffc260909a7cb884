// Package views holds Onramp's templ components. Components take view models
// built by handlers, never API structs.
package views

import (
	"context"
	"html"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/static"
)

// The layout's asset tags are the same on every page: written once (with
// their content-hashed URLs) rather than formatted per request.
var (
	headStyles = templ.Raw(
		iconLink("favicon.svg") + styleLink("app.css") + styleLink("forms.css") + styleLink("fields.css"))
	headScripts = templ.Raw(
		scriptTag("app.js") + scriptTag("forms.js") + scriptTag("oauth.js") + scriptTag("fields.js"))
	embedScript = templ.Raw(scriptTag("embed.js"))
)

// navs remembers the main navigation rendered once per language and active
// item: the words come from the localizer, so the key holds it.
var navs sync.Map // navKey → templ.Component

type navKey struct {
	loc    *i18n.Localizer
	active string
}

// siteNav is the main navigation with the page's item marked, in the page's language.
func siteNav(ctx context.Context, active string) templ.Component {
	switch active {
	case "", "home", "destination", "sources":
	default:
		return navMenu(active)
	}
	k := navKey{i18n.From(ctx), active}
	if c, ok := navs.Load(k); ok {
		return c.(templ.Component)
	}
	var b strings.Builder
	if err := navMenu(active).Render(ctx, &b); err != nil {
		return navMenu(active)
	}
	c, _ := navs.LoadOrStore(k, templ.Raw(b.String()))
	return c.(templ.Component)
}

func iconLink(name string) string {
	return `<link rel="icon" href="` + html.EscapeString(static.URL(name)) + `" type="image/svg+xml">`
}

func styleLink(name string) string {
	return `<link rel="stylesheet" href="` + html.EscapeString(static.URL(name)) + `">`
}

func scriptTag(name string) string {
	return `<script src="` + html.EscapeString(static.URL(name)) + `" defer></script>`
}

// Base is what every page's layout needs.
type Base struct {
	// Title is the page title, without the product name.
	Title string
	// Product is the product name shown in the header and title (white-label).
	Product string
	// CSRF is the session's CSRF token, for forms in the layout (disconnect).
	CSRF string
	// SignedIn is true when the session holds a Stitch account.
	SignedIn bool
	// Nav marks the active navigation item: "home", "destination", "sources".
	Nav string
	// Flash is a one-time message from the previous request.
	Flash Flash
	// Compact is the narrow layout for small iframes.
	Compact bool
	// ThemeCSS is the URL of a theme stylesheet, when a theme is configured.
	ThemeCSS string
	// LogoURL replaces the product name with a logo, when configured.
	LogoURL string
	// Events is the JSON-encoded list of events to post to an embedding parent.
	Events string
	// EmbedOrigins are the space-separated origins allowed to frame the page;
	// events go only to the parent when its origin is one of them.
	EmbedOrigins string
	// Widget is true in a session started by a launch token: Onramp runs as a
	// widget inside the partner's app, without its own header, navigation or
	// account switching.
	Widget bool
	// Lang is the page's language (the lang attribute of <html>); "" is English.
	Lang string
	// Locales are the language switcher's choices (none in a widget: the
	// partner chose the language).
	Locales []LocaleLink
}

// LocaleLink is one choice of the language switcher: a plain link that sets
// the language and comes back to the page.
type LocaleLink struct {
	Locale  string // "de"
	Name    string // in its own language: "Deutsch"
	URL     string
	Current bool
}

// HTMLLang is the lang attribute of the page.
func (b Base) HTMLLang() string {
	if b.Lang == "" {
		return "en"
	}
	return b.Lang
}

// Flash is a one-time message.
type Flash struct {
	Kind    string // info, success, warning, error
	Message string
}

// ProductName returns the product name, "Onramp" by default.
func (b Base) ProductName() string {
	if b.Product != "" {
		return b.Product
	}
	return "Onramp"
}

// FullTitle is the document title.
func (b Base) FullTitle() string {
	if b.Title == "" {
		return b.ProductName()
	}
	return b.Title + " – " + b.ProductName()
}

func bodyClass(b Base) string {
	switch {
	case b.Compact && b.Widget:
		return "compact widget"
	case b.Compact:
		return "compact"
	case b.Widget:
		return "widget"
	}
	return ""
}
