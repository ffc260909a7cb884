package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// tokenPage is a page that shows its tokens as it is told to.
func tokenPage(renders *int, show func(csrf, form string) string) func(csrf, form string) templ.Component {
	return func(csrf, form string) templ.Component {
		return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			*renders++
			_, err := io.WriteString(w, show(csrf, form))
			return err
		})
	}
}

func servePage(t *testing.T, pc *pageCache, key any, csrf, form string, page func(csrf, form string) templ.Component) string {
	t.Helper()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := pc.render(c, key, csrf, form, page); err != nil {
		t.Fatal(err)
	}
	return rec.Body.String()
}

func TestPageCacheWritesEachRequestsTokens(t *testing.T) {
	t.Parallel()
	var pc pageCache
	renders := 0
	page := tokenPage(&renders, func(csrf, form string) string {
		return `<form><input name="_csrf" value="` + csrf + `"><input name="_form_token" value="` + form + `"></form><form><input name="_csrf" value="` + csrf + `"></form>`
	})
	for i, tok := range [][2]string{{"csrf-A", "form-1"}, {"csrf-B", "form-2"}, {"csrf-C_-x", "form-3"}} {
		got := servePage(t, &pc, "k", tok[0], tok[1], page)
		want := `<form><input name="_csrf" value="` + tok[0] + `"><input name="_form_token" value="` + tok[1] + `"></form><form><input name="_csrf" value="` + tok[0] + `"></form>`
		if got != want {
			t.Fatalf("request %d: got %s, want %s", i, got, want)
		}
	}
	if renders != 2 {
		t.Fatalf("rendered %d times, want 2 (once real, once with placeholders, then from the cache)", renders)
	}
	// Another key is its own page.
	if got := servePage(t, &pc, "other", "c", "f", tokenPage(&renders, func(c, f string) string { return "other " + c + f })); got != "other cf" {
		t.Fatalf("other key: %q", got)
	}
}

// A page that transforms a token is never kept: its cached copy would be wrong.
func TestPageCacheRefusesATransformedToken(t *testing.T) {
	t.Parallel()
	var pc pageCache
	renders := 0
	page := tokenPage(&renders, func(csrf, form string) string { return strings.ToUpper(csrf) + " " + form })
	for _, tok := range [][2]string{{"abc", "f1"}, {"def", "f2"}} {
		if got, want := servePage(t, &pc, "k", tok[0], tok[1], page), strings.ToUpper(tok[0])+" "+tok[1]; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if pc.get("k") != nil {
		t.Fatal("a page with a transformed token was kept")
	}
	if renders != 4 {
		t.Fatalf("rendered %d times, want 4 (never from the cache)", renders)
	}
}

func TestPageCacheIsBounded(t *testing.T) {
	t.Parallel()
	pc := pageCache{max: 3}
	renders := 0
	page := tokenPage(&renders, func(c, f string) string { return c + f })
	for i := 0; i < 10; i++ {
		servePage(t, &pc, i, "c", "f", page)
		if n := len(pc.pages); n > 3 {
			t.Fatalf("%d pages kept, max 3", n)
		}
	}
}

// With VerifyPageCache on (as in the app's tests), a hit whose page has
// changed under the same key fails the request instead of serving it.
func TestPageCacheVerifyCatchesAMissingInput(t *testing.T) {
	VerifyPageCache = true
	defer func() { VerifyPageCache = false }()
	var pc pageCache
	renders, lang := 0, "en"
	page := tokenPage(&renders, func(c, f string) string { return "<html lang=" + lang + ">" + c + f })
	servePage(t, &pc, "key-without-the-language", "c", "f", page)
	lang = "de" // an input the key does not hold
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := pc.render(c, "key-without-the-language", "c", "f", page); !errors.Is(err, errStalePage) {
		t.Fatalf("got %v, want errStalePage", err)
	}
}
