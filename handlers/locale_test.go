package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/i18n"
)

func TestLocalPath(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/":                     "/",
		"/sources?q=my%20sql":   "/sources?q=my%20sql",
		"/sources/12/done":      "/sources/12/done",
		"":                      "/",
		"sources":               "/",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"/%0d%0aSet-Cookie:x=1": "/%0d%0aSet-Cookie:x=1",
		"/a\r\nSet-Cookie: x=1": "/",
		"/locale?set=de":        "/",
	}
	for in, want := range cases {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestLocalizeMiddlewarePutsTheLocalizerOnTheContext(t *testing.T) {
	t.Parallel()
	cat := i18n.MustNew(i18n.Options{})
	e := echo.New()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Language", "es-MX,es;q=0.9")
	req.Header.Set("Cookie", LocaleCookie+"=de")
	c := e.NewContext(req, httptest.NewRecorder())
	c.Set("session", &Session{vals: map[string]string{"x." + embedLocaleKey: "fr"}})
	var got string
	h := localize(cat)(func(c echo.Context) error { got = tr(c).Locale(); return nil })
	if err := h(c); err != nil {
		t.Fatal(err)
	}
	if got != "fr" {
		t.Fatalf("launch fr, cookie de, Accept-Language es: got %q, want fr", got)
	}
}

// The switcher's links are url.Values{"set", "return"}.Encode(), written
// out once per page: the same URLs for any path, odd characters included.
func TestLocaleLinksEncodeLikeURLValues(t *testing.T) {
	t.Parallel()
	u := &UI{Locales: i18n.MustNew(i18n.Options{Pseudo: true})}
	e := echo.New()
	for _, path := range []string{"/", "/sources/new/platform.mysql", "/sources/12/fields", "/a b/ü&x=1#y", "/launch/secret-token"} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = path
		c := e.NewContext(req, httptest.NewRecorder())
		links := u.localeLinks(c, "de")
		if len(links) != 5 {
			t.Fatalf("%s: %d links, want 4 locales and the pseudo-locale", path, len(links))
		}
		for _, l := range links {
			want := "/locale?" + url.Values{"set": {l.Locale}, "return": {logPathOrHome(c)}}.Encode()
			if l.URL != want {
				t.Errorf("%s %s: got %q, want %q", path, l.Locale, l.URL, want)
			}
			if l.Current != (l.Locale == "de") {
				t.Errorf("%s %s: current %v", path, l.Locale, l.Current)
			}
		}
	}
}

// logPathOrHome is where the switcher returns: the path, or home when the
// path carries a secret.
func logPathOrHome(c echo.Context) string {
	if p := c.Request().URL.Path; logPath(c) == p {
		return p
	}
	return "/"
}
