package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/static"
	"github.com/onramp/onramp/store"
	"github.com/onramp/onramp/views"
)

// UI holds what every page handler shares: the logger, white-label settings
// and the helpers that build the layout and render components.
type UI struct {
	Log     *slog.Logger
	Product string
	// Theme is the configured look; a launch may bring its own.
	Theme Theme
	// EmbedOrigins may frame Onramp and receive its events.
	EmbedOrigins []string
	// PartnerName names the partner's app in "Back to …" links.
	PartnerName string
	// Words is the one source of type names and option labels, with the
	// partner's texts (ONRAMP_TEXTS_FILE) applied.
	Words *forms.Engine
	// Journey hears funnel steps and partner events (nil: none).
	Journey Journey
	// Locales is the message catalog; each request's localizer is on its
	// context (tr).
	Locales *i18n.Catalog

	fresh freshForms // create forms nobody has typed in yet, built and rendered once per type
	pages pageCache  // whole fresh form pages, split around their tokens
}

// typeName is the display name of a source or destination type in the
// page's language (a partner's words for the locale, "(legacy)" worded).
func (u *UI) typeName(l *i18n.Localizer, typ string) string { return u.Words.In(l).TypeName(typ) }

// optionLabel is the label of one option of a property, in the page's language.
func (u *UI) optionLabel(l *i18n.Localizer, name, value string) string {
	return u.Words.In(l).OptionLabel(name, value)
}

// sourceName is what a source is called on pages: its display name, else
// its type's name.
func (u *UI) sourceName(l *i18n.Localizer, s *connect.Source) string {
	if s.DisplayName != "" {
		return s.DisplayName
	}
	return u.typeName(l, s.Type)
}

// base builds the layout model for a page; it takes the flash message and
// the events queued for an embedding parent. own are the page's own events.
func (u *UI) base(c echo.Context, title, nav string, own ...Event) views.Base {
	s := sessionOf(c)
	_, signedIn := s.Account()
	kind, msg := s.TakeFlash()
	t := u.theme(c)
	b := views.Base{
		Title:    title,
		Product:  u.Product,
		LogoURL:  t.LogoURL,
		CSRF:     s.CSRFToken(),
		SignedIn: signedIn,
		Nav:      nav,
		Flash:    views.Flash{Kind: kind, Message: msg},
		Compact:  t.Compact || c.QueryParam("compact") == "1",
		Widget:   inLaunch(c),
		Lang:     tr(c).Lang(),
	}
	if !b.Widget {
		b.Locales = u.localeLinks(c, b.Lang)
	}
	if !t.IsZero() {
		b.ThemeCSS = "/theme.css?v=" + t.Hash()
	}
	if len(u.EmbedOrigins) > 0 {
		b.EmbedOrigins = strings.Join(u.EmbedOrigins, " ")
		b.Events = takeEvents(c, own...)
	} else if s.Get(embedEventsKey) != "" {
		s.Take(embedEventsKey) // no parent may read them: do not carry them in the cookie
	}
	return b
}

// theme is the session's theme (from a launch) or the configured one.
func (u *UI) theme(c echo.Context) Theme {
	if raw := sessionOf(c).Get(embedThemeKey); raw != "" {
		var t Theme
		if json.Unmarshal([]byte(raw), &t) == nil {
			return t
		}
	}
	return u.Theme
}

// returnLink is the partner's return URL and its label, when a launch gave one.
func (u *UI) returnLink(c echo.Context) (string, string) {
	ret := sessionOf(c).Get(embedReturnKey)
	if ret == "" {
		return "", ""
	}
	l := tr(c)
	name := u.PartnerName
	if name == "" {
		name = l.T("common.theApp")
	}
	return ret, l.T("common.backTo", "Name", name)
}

// productName is the product's name in the words of pages (white-label).
func (u *UI) productName() string {
	if u.Product != "" {
		return u.Product
	}
	return "Onramp"
}

// render writes a component with a status. It renders into a buffer first so
// a template error becomes a clean error page, not half a page; the buffer
// is pooled and the answer carries its Content-Length (no chunking). A
// browser that accepts gzip gets the page compressed when it is larger
// than one TCP segment (compressBytes): smaller pages gain nothing.
func render(c echo.Context, status int, t templ.Component) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return writePage(c, status, buf.Bytes())
}

// writePage sends a rendered page: its headers, compressed for a browser
// that asks when it is worth it.
func writePage(c echo.Context, status int, body []byte) error {
	if wantsGzip(c, len(body)) {
		z := getBuffer()
		defer putBuffer(z)
		if err := gzipInto(z, body); err != nil {
			return err
		}
		return writeBody(c, status, z.Bytes(), true)
	}
	return writeBody(c, status, body, false)
}

// wantsGzip sets the page's headers and says whether its body of n bytes
// goes compressed (the browser asks, and n is worth it).
func wantsGzip(c echo.Context, n int) bool {
	h := c.Response().Header()
	h[echo.HeaderContentType] = htmlType
	h["Cache-Control"] = noStore
	if n < compressBytes {
		return false
	}
	if len(h["Vary"]) == 0 {
		h["Vary"] = varyEncoding
	} else {
		h.Add("Vary", "Accept-Encoding")
	}
	return acceptsGzip(c.Request().Header)
}

// writeBody sends a page's body, gzip when it was compressed.
func writeBody(c echo.Context, status int, body []byte, gzipped bool) error {
	h := c.Response().Header()
	if gzipped {
		h["Content-Encoding"] = gzipEncoding
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(body)
	return err
}

// compressBytes is the smallest page worth compressing: one TCP segment.
const compressBytes = 1400

// Header values of every page, shared between responses (len == cap: a
// later Header.Add copies them rather than writing into them).
var (
	htmlType     = []string{echo.MIMETextHTMLCharsetUTF8}
	noStore      = []string{"no-store"}
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

var (
	buffers     = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // BestSpeed: ~4× smaller HTML for a fraction of default's CPU
		return zw
	}}
)

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer returns a buffer to the pool unless one huge page made it huge.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		b.Reset()
		buffers.Put(b)
	}
}

func gzipInto(dst *bytes.Buffer, src []byte) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(dst)
	if _, err := zw.Write(src); err != nil {
		return err
	}
	return zw.Close()
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(h http.Header) bool {
	for _, v := range h.Values("Accept-Encoding") {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
			if !ok {
				return true
			}
			f, err := strconv.ParseFloat(q, 64)
			return err == nil && f > 0
		}
	}
	return false
}

// redirect answers a POST (or a GET that only routes) with 303 See Other.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// Favicon handles GET /favicon.ico with the SVG icon (pages link it too).
func (u *UI) Favicon(c echo.Context) error {
	b, err := static.File("favicon.svg")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", b)
}

// apiErrorCodes are the JSON codes of statuses answered under /api/.
var apiErrorCodes = map[int]string{
	http.StatusBadRequest:            "invalid_request",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusRequestEntityTooLarge: "request_too_large",
	http.StatusServiceUnavailable:    "unavailable",
}

// ErrorHandler is Echo's HTTPErrorHandler: typed errors become friendly pages
// with the layout (JSON of the one API shape under /api/); only unexpected
// errors are logged in detail.
func (u *UI) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	req := c.Request()
	id := RequestID(req.Context())
	if errors.Is(err, context.Canceled) && clientGone(req.Context()) {
		// The client went away: nobody reads an answer; the access log says so.
		c.Response().WriteHeader(StatusClientClosedRequest)
		return
	}
	page := views.ErrorPage{RequestID: id}
	l := tr(c)
	if strings.HasPrefix(req.URL.Path, "/api/") {
		l = u.Locales.Localizer("en") // the one JSON shape speaks English to partners' backends
	}
	product := "Product"
	var he *echo.HTTPError
	code := ""
	widget := inLaunch(c) // before a 401 clears the session

	switch {
	case connect.IsUnauthorized(err) && widget:
		// In a widget there is no sign-in to go back to: say so, and tell the
		// partner's page (onramp:error), which can mint a new launch.
		sessionOf(c).Clear()
		page.Status = http.StatusUnauthorized
		code = "stitch_token_rejected"
		page.Heading = l.T("error.tokenEndedHeading")
		page.Message = l.T("error.tokenEndedMessage", product, u.productName())
		u.Log.Info("stitch token rejected in a launch session; session cleared", "id", id)
	case connect.IsUnauthorized(err):
		// A revoked or invalid token ends the session cleanly.
		s := sessionOf(c)
		s.Clear()
		s.SetFlash(FlashWarning, l.T("error.signedOutFlash"))
		u.Log.Info("stitch token rejected; session cleared", "id", id)
		if err := redirect(c, "/"); err != nil {
			u.Log.ErrorContext(c.Request().Context(), "redirect after 401", "err", err)
		}
		return
	case errors.Is(err, errPartnerConfig):
		page.Status = http.StatusInternalServerError
		page.Heading = l.T("error.partnerHeading")
		page.Message = l.T("error.partnerMessage")
		u.Log.Error("stitch rejected the partner credentials", "id", id)
	case errors.Is(err, store.ErrUnavailable):
		// The store logs the outage once; no line per request.
		page.Status = http.StatusServiceUnavailable
		code = "store_unavailable"
		page.Heading = l.T("error.storeHeading")
		page.Message = l.T("error.storeMessage")
		if req.Method == http.MethodGet {
			page.RetryURL = req.URL.RequestURI()
		}
		c.Response().Header().Set("Retry-After", "5")
	case errors.Is(err, ErrOrigin):
		page.Status = http.StatusForbidden
		code = "cross_origin"
		page.Heading = l.T("error.originHeading")
		page.Message = l.T("error.originMessage", product, u.productName())
		u.Log.Warn("cross-origin request refused", "id", id, "method", req.Method, "path", logPath(c))
	case errors.Is(err, ErrCSRF):
		page.Status = http.StatusForbidden
		page.Heading = l.T("error.csrfHeading")
		page.Message = l.T("error.csrfMessage")
	case connect.IsNotFound(err):
		page.Status = http.StatusNotFound
		page.Heading = l.T("error.notFoundHeading")
		page.Message = l.T("error.notFoundMessage")
	case connect.IsUpstreamUnavailable(err):
		page.Status = http.StatusServiceUnavailable
		page.Heading = l.T("error.stitchDownHeading")
		page.Message = l.T("error.stitchDownMessage")
		if req.Method == http.MethodGet {
			page.RetryURL = req.URL.RequestURI()
		}
		u.Log.Warn("upstream unavailable", "id", id, "err", err)
	case errors.As(err, &he):
		page.Status = he.Code
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			page.Status = http.StatusNotFound
			page.Heading = l.T("error.notFoundHeading")
			page.Message = l.T("error.notFoundAddress")
		case http.StatusRequestEntityTooLarge:
			page.Heading = l.T("error.tooLargeHeading")
			page.Message = l.T("error.tooLargeMessage")
		default:
			if he.Code >= 500 {
				u.Log.Error("request failed", "id", id, "err", err)
			}
			page.Heading = http.StatusText(he.Code)
			if !strings.HasPrefix(req.URL.Path, "/api/") {
				page.Heading = l.T("error.requestHeading")
			}
			page.Message = l.T("error.requestMessage")
		}
	default:
		u.Log.Error("request failed", "id", id, "method", methodOf(c), "path", logPath(c), "err", err)
		page.Status = http.StatusInternalServerError
		page.Heading = l.T("error.internalHeading")
		page.Message = l.T("error.internalMessage")
	}
	if page.Status == 0 {
		page.Status = http.StatusInternalServerError
	}
	if strings.HasPrefix(req.URL.Path, "/api/") {
		if code == "" {
			code = apiErrorCodes[page.Status]
		}
		if code == "" {
			code = "internal_error"
		}
		_ = apiError(c, page.Status, code, page.Heading+". "+page.Message)
		return
	}
	data := map[string]any{"status": page.Status, "message": page.Heading}
	if code != "" {
		data["code"] = code
	}
	page.Base = u.base(c, page.Heading, "", Event{Type: "onramp:error", Data: data})
	page.Base.Widget = page.Base.Widget || widget
	if isHead(c) {
		_ = c.NoContent(page.Status)
		return
	}
	if err := render(c, page.Status, views.Error(page)); err != nil {
		u.Log.Error("render error page", "id", id, "err", err)
		_ = c.String(http.StatusInternalServerError, "Something went wrong.")
	}
}
