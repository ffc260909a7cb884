package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// SessionName is the name of Onramp's session cookie.
const SessionName = "onramp"

// Session keys. The cookie holds only what DESIGN.md lists: the Stitch access
// token and account id, the CSRF token, one-time form tokens, OAuth state while
// a handshake runs, and a flash message.
const (
	keyToken     = "t"
	keyAccount   = "a"
	keyRegion    = "r"
	keyCSRF      = "c"
	keyFlash     = "f"
	keyFlashKind = "fk"
)

// SessionOptions configures the session cookie.
type SessionOptions struct {
	// Keys are gorilla/securecookie key pairs: authentication, then encryption;
	// later pairs only decode (rotation).
	Keys [][]byte
	// Secure sets the Secure attribute.
	Secure bool
	// Embedded makes the cookie usable inside a cross-site iframe:
	// SameSite=None; Secure; Partitioned.
	Embedded bool
	// MaxAge in seconds; 0 = 12 hours.
	MaxAge int
}

// NewSessionStore builds the authenticated and encrypted cookie store.
func NewSessionStore(o SessionOptions) *sessions.CookieStore {
	store := sessions.NewCookieStore(o.Keys...)
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = 12 * 60 * 60
	}
	store.MaxAge(maxAge)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   o.Secure || o.Embedded,
		SameSite: http.SameSiteLaxMode,
	}
	if o.Embedded {
		store.Options.SameSite = http.SameSiteNoneMode
		store.Options.Partitioned = true
	}
	return store
}

// Session is the request's view of the session cookie. Changes are written
// once, just before the response headers go out.
type Session struct {
	s     *sessions.Session
	dirty bool
}

type sessionCtxKey struct{}

// sessionMiddleware loads the session (a bad or stale cookie gives a fresh
// session, never an error page) and saves it before the response is written.
func sessionMiddleware(store sessions.Store, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			s, err := store.Get(c.Request(), SessionName)
			if err != nil {
				log.Debug("session cookie rejected; starting a new session", "err", err)
			}
			sess := &Session{s: s, dirty: err != nil}
			c.Set("session", sess)
			c.Response().Before(func() {
				if !sess.dirty {
					return
				}
				if err := sess.s.Save(c.Request(), c.Response().Writer); err != nil {
					log.Error("save session", "err", err)
				}
			})
			return next(c)
		}
	}
}

// sessionOf returns the request's session.
func sessionOf(c echo.Context) *Session {
	if s, ok := c.Get("session").(*Session); ok {
		return s
	}
	// Outside the middleware (should not happen): an empty, unsaved session.
	return &Session{s: sessions.NewSession(nil, SessionName)}
}

func (s *Session) str(key string) string {
	v, _ := s.s.Values[key].(string)
	return v
}

func (s *Session) set(key string, v any) {
	s.s.Values[key] = v
	s.dirty = true
}

func (s *Session) del(key string) {
	if _, ok := s.s.Values[key]; ok {
		delete(s.s.Values, key)
		s.dirty = true
	}
}

// Account is the Stitch client account a session is bound to.
type Account struct {
	Token  string
	ID     int64
	Region string
}

// Account returns the session's Stitch account, if any.
func (s *Session) Account() (Account, bool) {
	tok := s.str(keyToken)
	if tok == "" {
		return Account{}, false
	}
	id, _ := strconv.ParseInt(s.str(keyAccount), 10, 64)
	return Account{Token: tok, ID: id, Region: s.str(keyRegion)}, true
}

// SetAccount binds the session to a Stitch account.
func (s *Session) SetAccount(a Account) {
	s.set(keyToken, a.Token)
	s.set(keyAccount, strconv.FormatInt(a.ID, 10))
	if a.Region != "" {
		s.set(keyRegion, a.Region)
	}
}

// Clear forgets everything but keeps the CSRF token, so a page already open in
// another tab can still post.
func (s *Session) Clear() {
	csrf := s.str(keyCSRF)
	for k := range s.s.Values {
		delete(s.s.Values, k)
	}
	if csrf != "" {
		s.s.Values[keyCSRF] = csrf
	}
	s.dirty = true
}

// CSRFToken returns the session's CSRF token, creating one when needed.
func (s *Session) CSRFToken() string {
	if t := s.str(keyCSRF); t != "" {
		return t
	}
	t := randomToken(24)
	s.set(keyCSRF, t)
	return t
}

// validCSRF compares a submitted token with the session's in constant time.
func (s *Session) validCSRF(got string) bool {
	want := s.str(keyCSRF)
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// Flash kinds.
const (
	FlashInfo    = "info"
	FlashSuccess = "success"
	FlashWarning = "warning"
)

// SetFlash stores a one-time message for the next page.
func (s *Session) SetFlash(kind, msg string) {
	s.set(keyFlash, msg)
	s.set(keyFlashKind, kind)
}

// TakeFlash returns and forgets the flash message.
func (s *Session) TakeFlash() (kind, msg string) {
	msg, kind = s.str(keyFlash), s.str(keyFlashKind)
	s.del(keyFlash)
	s.del(keyFlashKind)
	return kind, msg
}

// Get and Set give other handlers small, named slots (form tokens, OAuth state).
func (s *Session) Get(key string) string { return s.str("x." + key) }

// Set stores a small value under key; an empty value deletes it.
func (s *Session) Set(key, v string) {
	if v == "" {
		s.del("x." + key)
		return
	}
	s.set("x."+key, v)
}

// Take returns and deletes the value under key (single use).
func (s *Session) Take(key string) string {
	v := s.Get(key)
	s.del("x." + key)
	return v
}

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
