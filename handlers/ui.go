package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
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
	}
	if !t.IsZero() {
		b.ThemeCSS = "/theme.css?v=" + t.Hash()
	}
	if len(u.EmbedOrigins) > 0 {
		b.EmbedOrigins = strings.Join(u.EmbedOrigins, " ")
		b.Events = takeEvents(c, own...)
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
	name := u.PartnerName
	if name == "" {
		name = "the app"
	}
	return ret, "Back to " + name
}

// render writes a component with a status. It renders into a buffer first so
// a template error becomes a clean error page, not half a page.
func render(c echo.Context, status int, t templ.Component) error {
	var buf bytes.Buffer
	if err := t.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// redirect answers a POST (or a GET that only routes) with 303 See Other.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// ErrorHandler is Echo's HTTPErrorHandler: typed errors become friendly pages
// with the layout; only unexpected errors are logged in detail.
func (u *UI) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	req := c.Request()
	id := RequestID(req.Context())
	page := views.ErrorPage{RequestID: id}
	var he *echo.HTTPError

	switch {
	case connect.IsUnauthorized(err):
		// A revoked or invalid token ends the session cleanly.
		s := sessionOf(c)
		s.Clear()
		s.SetFlash(FlashWarning, "Your connection to Stitch has ended, so you have been signed out. Connect your Stitch account again to continue.")
		u.Log.Info("stitch token rejected; session cleared", "id", id)
		if err := redirect(c, "/"); err != nil {
			u.Log.Error("redirect after 401", "err", err)
		}
		return
	case errors.Is(err, errPartnerConfig):
		page.Status = http.StatusInternalServerError
		page.Heading = "This service is not set up correctly"
		page.Message = "Stitch did not accept this service's partner credentials, so no account was created. This is not something you did wrong: please tell the team that runs this service."
		u.Log.Error("stitch rejected the partner credentials", "id", id)
	case errors.Is(err, ErrCSRF):
		page.Status = http.StatusForbidden
		page.Heading = "This form has expired"
		page.Message = "For your security, forms stop working after a while or when you sign in again. Go back, reload the page and send it again."
	case connect.IsNotFound(err):
		page.Status = http.StatusNotFound
		page.Heading = "Page not found"
		page.Message = "We could not find what you were looking for. It may have been deleted, or the link may be wrong."
	case connect.IsUpstreamUnavailable(err):
		page.Status = http.StatusServiceUnavailable
		page.Heading = "Stitch is not answering right now"
		page.Message = "We could not reach Stitch. Nothing you have already saved is lost. Wait a moment and try again."
		if req.Method == http.MethodGet {
			page.RetryURL = req.URL.RequestURI()
		}
		u.Log.Warn("upstream unavailable", "id", id, "err", err)
	case errors.As(err, &he):
		page.Status = he.Code
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			page.Status = http.StatusNotFound
			page.Heading = "Page not found"
			page.Message = "We could not find what you were looking for. Check the address, or start again from the start page."
		case http.StatusRequestEntityTooLarge:
			page.Heading = "That was too much to send"
			page.Message = "The form you sent was larger than we accept. Shorten long values and try again."
		default:
			if he.Code >= 500 {
				u.Log.Error("request failed", "id", id, "err", err)
			}
			page.Heading = http.StatusText(he.Code)
			page.Message = "Something went wrong with this request. Go back and try again."
		}
	default:
		u.Log.Error("request failed", "id", id, "method", req.Method, "path", req.URL.Path, "err", err)
		page.Status = http.StatusInternalServerError
		page.Heading = "Sorry, something went wrong"
		page.Message = "This is a problem on our side. What you saved before is safe. Try again in a moment."
	}
	if page.Status == 0 {
		page.Status = http.StatusInternalServerError
	}
	page.Base = u.base(c, page.Heading, "", Event{Type: "onramp:error", Data: map[string]any{"status": page.Status, "message": page.Heading}})
	if req.Method == http.MethodHead {
		_ = c.NoContent(page.Status)
		return
	}
	if err := render(c, page.Status, views.Error(page)); err != nil {
		u.Log.Error("render error page", "id", id, "err", err)
		_ = c.String(http.StatusInternalServerError, "Something went wrong.")
	}
}
