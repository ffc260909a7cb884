package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// LocaleCookie remembers the language a visitor chose with the switcher.
const LocaleCookie = "onramp_locale"

// localize negotiates each request's locale (a launch's locale in the
// session, else the switcher's cookie, else Accept-Language, else the
// default) and puts its Localizer on the request's context, where handlers
// (tr) and templates (views.T) read it. It runs after the session middleware.
func localize(cat *i18n.Catalog) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			cookie := cookieValue(req.Header["Cookie"], LocaleCookie)
			loc := cat.Negotiate(sessionOf(c).Get(embedLocaleKey), cookie, req.Header.Get("Accept-Language"))
			c.SetRequest(req.WithContext(i18n.WithLocalizer(req.Context(), cat.Localizer(loc))))
			return next(c)
		}
	}
}

// tr is the request's localizer.
func tr(c echo.Context) *i18n.Localizer { return i18n.From(c.Request().Context()) }

// Locale handles the language switcher (GET /locale?set=de&return=/path): a
// plain link, so it works without JavaScript. It remembers the choice in a
// cookie for a year and goes back to the page, which must be a local path.
type Locale struct {
	Catalog *i18n.Catalog
	// Secure and Embedded shape the cookie like the session's.
	Secure, Embedded bool
}

// Set handles GET /locale.
func (h *Locale) Set(c echo.Context) error {
	to := localPath(c.QueryParam("return"))
	loc, ok := h.Catalog.Supported(c.QueryParam("set"))
	if !ok {
		return redirect(c, to)
	}
	ck := &http.Cookie{
		Name: LocaleCookie, Value: loc, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, Secure: h.Secure || h.Embedded, SameSite: http.SameSiteLaxMode,
	}
	if h.Embedded {
		ck.SameSite, ck.Partitioned = http.SameSiteNoneMode, true
	}
	c.SetCookie(ck)
	return redirect(c, to)
}

// localPath keeps a return address on this site: an absolute path that is
// not protocol-relative (//evil.example) nor a backslash trick; anything
// else is the start page.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/locale" {
		return "/"
	}
	return u.RequestURI()
}

// localeLinks are the switcher's choices, each returning to the current page.
func (u *UI) localeLinks(c echo.Context, current string) []views.LocaleLink {
	if u.Locales == nil {
		return nil
	}
	// The path alone: a query may carry an OAuth code or state, and a page's
	// HTML must never repeat them; a secret-bearing path returns home.
	back := c.Request().URL.Path
	if logPath(c) != back {
		back = "/"
	}
	locs := u.Locales.Locales()
	out := make([]views.LocaleLink, 0, len(locs))
	// url.Values{"set": …, "return": …}.Encode(), written out: the return
	// path is escaped once for every link (the switcher is on every page).
	prefix := "/locale?return=" + url.QueryEscape(back) + "&set="
	for _, l := range locs {
		out = append(out, views.LocaleLink{Locale: l, Name: i18n.Name(l), URL: prefix + url.QueryEscape(l), Current: l == current})
	}
	return out
}
