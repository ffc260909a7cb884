package handlers

import (
	"errors"
	"strings"
	"testing"
)

func TestContrast(t *testing.T) {
	cases := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#fff", "#fff", 1},
		{"#767676", "#ffffff", 4.54},
	}
	for _, c := range cases {
		if got := contrast(c.a, c.b); got < c.want-0.01 || got > c.want+0.01 {
			t.Errorf("contrast(%s, %s): got %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestThemeValidate(t *testing.T) {
	cases := []struct {
		name  string
		theme Theme
		field string // "" = valid
	}{
		{"empty", Theme{}, ""},
		{"good", Theme{Primary: "#0b5394", Background: "#ffffff", Text: "#111111", Radius: "4px", Font: `"Inter", Arial, sans-serif`, LogoURL: "https://cdn.example.com/logo.svg", Compact: true}, ""},
		{"light text", Theme{Text: "#aaaaaa"}, "text"},
		{"pale primary", Theme{Primary: "#ffd700"}, "primary"},
		{"not hex", Theme{Primary: "purple"}, "primary"},
		{"css injection in radius", Theme{Radius: "4px; background: url(x)"}, "radius"},
		{"css injection in font", Theme{Font: "Arial; } body { display:none"}, "font"},
		{"http logo", Theme{LogoURL: "http://example.com/logo.png"}, "logo_url"},
		{"protocol-relative logo", Theme{LogoURL: "//evil.example/logo.png"}, "logo_url"},
		{"dark surface", Theme{Surface: "#222222"}, "surface"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.theme.Validate()
			var te *ThemeError
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("got %v, want valid", err)
			case c.field != "" && (!errors.As(err, &te) || te.Field != c.field):
				t.Fatalf("got %v, want an error on %s", err, c.field)
			}
		})
	}
}

func TestThemeCSS(t *testing.T) {
	css := Theme{Primary: "#0b5394", Radius: "8px"}.CSS()
	for _, want := range []string{"--color-accent: #0b5394;", "--color-accent-text: #ffffff;", "--radius: 8px;"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS %q lacks %q", css, want)
		}
	}
	if strings.Contains(css, "--color-bg") {
		t.Errorf("CSS sets properties the theme does not: %q", css)
	}
	if (Theme{Primary: "#fde68a", Text: "#111111"}).CSS() == css {
		t.Error("different themes give the same CSS")
	}
	if !strings.Contains((Theme{Primary: "#fde68a"}).CSS(), "--color-accent-text: #000000;") {
		t.Error("a light primary should get black button text")
	}
}

func TestPlainCheckMessage(t *testing.T) {
	cases := map[string]string{
		`FATAL:  password authentication failed for user "x"`:   "was not accepted",
		`(2005, "Unknown MySQL server host 'db.invalid' (-2)")`: "could not find that host",
		`could not translate host name "db.invalid" to address`: "could not find that host",
		`(2003, "Can't connect to MySQL server on 'db' (111)")`: "could not reach the server",
		`SSL connection has been closed unexpectedly`:           "SSL",
		`something odd`: "The connection check failed",
	}
	for detail, want := range cases {
		if got := plainCheckMessage(detail); !strings.Contains(got, want) {
			t.Errorf("%q: got %q, want it to mention %q", detail, got, want)
		}
	}
}
