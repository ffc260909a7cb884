package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Theme is a white-label look without code: colours, corner radius, font
// stack, logo and a compact layout for narrow iframes.
type Theme struct {
	Primary    string `json:"primary,omitempty"`    // buttons and links, e.g. #0b5394
	Background string `json:"background,omitempty"` // page background
	Surface    string `json:"surface,omitempty"`    // cards and inputs
	Text       string `json:"text,omitempty"`       // body text
	Radius     string `json:"radius,omitempty"`     // e.g. 4px or 0.5rem
	Font       string `json:"font,omitempty"`       // a font stack of installed fonts
	LogoURL    string `json:"logo_url,omitempty"`   // https URL or /path
	Compact    bool   `json:"compact,omitempty"`
}

var (
	hexColor  = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	cssLength = regexp.MustCompile(`^(0|[0-9]{1,2}(\.[0-9]+)?(px|rem|em))$`)
	fontStack = regexp.MustCompile(`^[A-Za-z0-9 ,"'\-]{1,200}$`)
)

// Defaults of the built-in look, for contrast checks of partial themes.
const (
	defaultText       = "#1b1f24"
	defaultBackground = "#f5f6f8"
	defaultSurface    = "#ffffff"
)

// ThemeError says why a theme was refused.
type ThemeError struct{ Field, Reason string }

func (e *ThemeError) Error() string { return "theme " + e.Field + ": " + e.Reason }

// Validate checks the theme's syntax and that text stays readable: body text
// and links need a contrast of at least 4.5:1 against the background
// (WCAG 2.1 AA), and button text is chosen black or white to reach it.
func (t Theme) Validate() error {
	for _, f := range []struct{ name, v string }{{"primary", t.Primary}, {"background", t.Background}, {"surface", t.Surface}, {"text", t.Text}} {
		if f.v != "" && !hexColor.MatchString(f.v) {
			return &ThemeError{f.name, "use a hex colour like #0b5394"}
		}
	}
	if t.Radius != "" && !cssLength.MatchString(t.Radius) {
		return &ThemeError{"radius", "use a length like 4px or 0.5rem"}
	}
	if t.Font != "" && !fontStack.MatchString(t.Font) {
		return &ThemeError{"font", "use a font stack of names, like \"Inter\", Arial, sans-serif"}
	}
	if t.LogoURL != "" {
		u, err := url.Parse(t.LogoURL)
		if err != nil || !(u.Scheme == "https" || (u.Scheme == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(t.LogoURL, "//"))) {
			return &ThemeError{"logo_url", "use an https URL or a path on this site"}
		}
	}
	text, bg, surface := or(t.Text, defaultText), or(t.Background, defaultBackground), or(t.Surface, defaultSurface)
	if r := contrast(text, bg); r < 4.5 {
		return &ThemeError{"text", fmt.Sprintf("text on the background has a contrast of %.2f:1; it needs at least 4.5:1", r)}
	}
	if r := contrast(text, surface); r < 4.5 {
		return &ThemeError{"surface", fmt.Sprintf("text on cards has a contrast of %.2f:1; it needs at least 4.5:1", r)}
	}
	if t.Primary != "" {
		if r := contrast(t.Primary, surface); r < 4.5 {
			return &ThemeError{"primary", fmt.Sprintf("links in the primary colour have a contrast of %.2f:1 on cards; they need at least 4.5:1", r)}
		}
		if r := contrast(t.Primary, bg); r < 4.5 {
			return &ThemeError{"primary", fmt.Sprintf("links in the primary colour have a contrast of %.2f:1 on the background; they need at least 4.5:1", r)}
		}
		if math.Max(contrast(t.Primary, "#ffffff"), contrast(t.Primary, "#000000")) < 4.5 {
			return &ThemeError{"primary", "no button text colour is readable on it"}
		}
	}
	return nil
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// IsZero reports whether the theme changes nothing.
func (t Theme) IsZero() bool { return t == Theme{} }

// CSS renders the theme as custom properties over the base stylesheet.
func (t Theme) CSS() string {
	var b strings.Builder
	b.WriteString(":root {\n")
	prop := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %s: %s;\n", name, v)
		}
	}
	prop("--color-accent", t.Primary)
	if t.Primary != "" {
		if contrast(t.Primary, "#ffffff") >= contrast(t.Primary, "#000000") {
			prop("--color-accent-text", "#ffffff")
		} else {
			prop("--color-accent-text", "#000000")
		}
	}
	prop("--color-bg", t.Background)
	prop("--color-surface", t.Surface)
	prop("--color-text", t.Text)
	prop("--radius", t.Radius)
	prop("--font", t.Font)
	b.WriteString("}\n")
	return b.String()
}

// Hash identifies the theme's CSS, for a cacheable URL.
func (t Theme) Hash() string {
	sum := sha256.Sum256([]byte(t.CSS()))
	return hex.EncodeToString(sum[:])[:12]
}

// relativeLuminance follows WCAG 2.1.
func relativeLuminance(hexc string) float64 {
	h := strings.TrimPrefix(hexc, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(h[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	if len(h) != 6 {
		return 0
	}
	return 0.2126*ch(0) + 0.7152*ch(2) + 0.0722*ch(4)
}

// contrast is the WCAG contrast ratio of two hex colours.
func contrast(a, b string) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// ParseTheme reads a theme from JSON and validates it.
func ParseTheme(s string) (Theme, error) {
	var t Theme
	if strings.TrimSpace(s) == "" {
		return t, nil
	}
	if err := json.Unmarshal([]byte(s), &t); err != nil {
		return t, fmt.Errorf("theme: %w", err)
	}
	return t, t.Validate()
}

// ThemeCSS handles GET /theme.css: the session's theme (from a launch) or the
// configured one, as custom properties.
func (u *UI) ThemeCSS(c echo.Context) error {
	t := u.theme(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/css; charset=utf-8")
	if c.QueryParam("v") == t.Hash() {
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	return c.String(http.StatusOK, t.CSS())
}
