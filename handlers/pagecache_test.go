package handlers

import (
	"compress/gzip"
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

// A browser that accepts gzip gets the cached page as deflated parts with
// its tokens as stored blocks: one valid gzip member (CRC and length
// checked by the reader) whose text is exactly the page, whatever the
// tokens and wherever they stand.
func TestPageCacheGzipFromDeflatedParts(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("<div class=\"field\">Lorem ipsum dolor sit amet</div>", 200)
	pages := map[string]func(c, f string) string{
		"tokens inside":   func(c, f string) string { return long + `<input value="` + c + `">` + long + f + long },
		"token first":     func(c, f string) string { return c + long + f },
		"token last":      func(c, f string) string { return long + f + c },
		"tokens adjacent": func(c, f string) string { return long + c + f + c + long },
		"no token":        func(c, f string) string { return long },
	}
	for name, show := range pages {
		var pc pageCache
		renders := 0
		page := tokenPage(&renders, show)
		for _, tok := range [][2]string{{"csrf-A", "form-1"}, {"csrf-B-much-longer-token_x", "f"}, {"", ""}} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(req, rec)
			if err := pc.render(c, "k", tok[0], tok[1], page); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: not compressed", name)
			}
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s %q: reading the gzip: %v", name, tok, err)
			}
			if want := show(tok[0], tok[1]); string(got) != want {
				t.Fatalf("%s %q: the gzip reads back differently", name, tok)
			}
		}
		if renders != 2 {
			t.Errorf("%s: rendered %d times, want 2 (the cache served the rest)", name, renders)
		}
	}
}
