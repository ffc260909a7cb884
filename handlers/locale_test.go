package handlers

import (
	"net/http"
	"net/http/httptest"
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
