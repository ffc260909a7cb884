package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// HeaderRequestID carries the request id, inbound (from a trusted proxy) and outbound.
const HeaderRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID gives every request an id, kept from X-Request-Id when it looks
// sane, and puts it in the response and the request context.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(HeaderRequestID)
			if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n\"") {
				id = randomToken(12)
			}
			c.Response().Header().Set(HeaderRequestID, id)
			ctx := context.WithValue(c.Request().Context(), requestIDKey{}, id)
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// accessLog logs one line per request. It logs the path without the query
// string (OAuth codes and states travel there) and never any header.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req := c.Request()
			level := slog.LevelInfo
			status := c.Response().Status
			if status >= 500 {
				level = slog.LevelError
			}
			if req.URL.Path == "/healthz" || req.URL.Path == "/readyz" || strings.HasPrefix(req.URL.Path, "/static/") {
				level = slog.LevelDebug
			}
			log.LogAttrs(req.Context(), level, "request",
				slog.String("id", RequestID(req.Context())),
				slog.String("method", req.Method),
				slog.String("path", req.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("took", time.Since(start)),
			)
			return nil
		}
	}
}

// recoverPanics turns a panic into a 500 page and logs the stack (never shown).
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.Error("panic", "id", RequestID(c.Request().Context()), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = errors.New("internal error")
				}
			}()
			return next(c)
		}
	}
}

// SecurityOptions configures the security headers.
type SecurityOptions struct {
	// FrameAncestors are the origins allowed to frame Onramp, besides itself.
	FrameAncestors []string
	// FormTargets are extra origins forms may post to (the Stitch app, for the
	// no-JavaScript OAuth fallback).
	FormTargets []string
	// ConnectTargets are extra origins scripts may fetch.
	ConnectTargets []string
}

// securityHeaders sets CSP (no inline scripts), framing, sniffing and referrer policy.
func securityHeaders(o SecurityOptions) echo.MiddlewareFunc {
	ancestors := append([]string{"'self'"}, o.FrameAncestors...)
	forms := append([]string{"'self'"}, o.FormTargets...)
	connect := append([]string{"'self'"}, o.ConnectTargets...)
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: https:",
		"font-src 'self'",
		"connect-src " + strings.Join(connect, " "),
		"form-action " + strings.Join(forms, " "),
		"frame-ancestors " + strings.Join(ancestors, " "),
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin-allow-popups")
			if len(o.FrameAncestors) == 0 {
				h.Set("X-Frame-Options", "SAMEORIGIN")
			}
			return next(c)
		}
	}
}

// ErrCSRF is returned when a state-changing request lacks a valid CSRF token.
var ErrCSRF = errors.New("missing or invalid CSRF token")

// csrfField is the hidden form field carrying the CSRF token.
const csrfField = "_csrf"

// csrf protects every state-changing request with a token bound to the session
// (not a separate cookie, so it survives in a partitioned, cross-site iframe).
// Paths under skip (bearer-authenticated JSON APIs) are exempt.
func csrf(skip ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			switch req.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			for _, p := range skip {
				if strings.HasPrefix(req.URL.Path, p) {
					return next(c)
				}
			}
			tok := req.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = req.FormValue(csrfField)
			}
			if !sessionOf(c).validCSRF(tok) {
				return ErrCSRF
			}
			return next(c)
		}
	}
}

// OriginOf returns scheme://host of a URL, or "" when it has none.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
