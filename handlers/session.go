package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
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
	// CacheSize bounds how many opened cookies are remembered; 0 = 4096.
	CacheSize int
}

// SessionStore keeps the session in an authenticated and encrypted cookie
// (gorilla/securecookie: HMAC-SHA256, AES; gob inside, as
// sessions.CookieStore writes it). Opening a cookie costs tens of
// microseconds and hundreds of allocations, and a browser sends the same
// cookie on every request until the session changes, so the values of each
// cookie opened recently are remembered under its exact value: a request
// with a remembered cookie skips the MAC check and decryption it already
// passed, and expires when the cookie's signed timestamp does. Only a
// changed session is written back.
type SessionStore struct {
	codecs  []securecookie.Codec // the first pair seals; every pair opens
	options sessions.Options
	maxAge  int64
	cache   sessionCache
	now     func() time.Time
}

var _ sessions.Store = (*SessionStore)(nil)

// NewSessionStore builds the cookie store.
func NewSessionStore(o SessionOptions) *SessionStore {
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = 12 * 60 * 60
	}
	codecs := securecookie.CodecsFromPairs(o.Keys...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(maxAge)
		}
	}
	st := &SessionStore{
		codecs: codecs,
		options: sessions.Options{
			Path:     "/",
			MaxAge:   maxAge,
			HttpOnly: true,
			Secure:   o.Secure || o.Embedded,
			SameSite: http.SameSiteLaxMode,
		},
		maxAge: int64(maxAge),
		now:    time.Now,
	}
	if o.Embedded {
		st.options.SameSite = http.SameSiteNoneMode
		st.options.Partitioned = true
	}
	st.cache.limit = o.CacheSize
	if st.cache.limit <= 0 {
		st.cache.limit = 4096
	}
	return st
}

// load returns the values of the request's session cookie. A missing
// cookie is an empty session; a bad, stale or tampered one is an empty
// session and an error. The map may be shared: copy it before writing.
// resign is true when an older key pair opened it (rotation).
func (st *SessionStore) load(r *http.Request) (vals map[string]string, resign bool, err error) {
	value := cookieValue(r.Header["Cookie"], SessionName)
	if value == "" {
		return nil, false, nil
	}
	now := st.now().Unix()
	if vals, ok := st.cache.get(value, now); ok {
		return vals, false, nil
	}
	raw := map[any]any{}
	var first error
	opened := -1
	for i, c := range st.codecs {
		if err := c.Decode(SessionName, value, &raw); err == nil {
			opened = i
			break
		} else if first == nil {
			first = err
		}
	}
	if opened < 0 {
		return nil, false, first
	}
	vals = make(map[string]string, len(raw))
	for k, v := range raw {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if ok1 && ok2 { // Onramp only ever stores strings
			vals[ks] = vs
		}
	}
	if opened > 0 {
		return vals, true, nil // not remembered: rewritten with the current key
	}
	if signed, ok := cookieTime(value); ok {
		st.cache.put(strings.Clone(value), cachedSession{vals: vals, expires: signed + st.maxAge})
	}
	return vals, false, nil
}

// save seals vals into the cookie and remembers them under the new value,
// which the browser sends next.
func (st *SessionStore) save(w http.ResponseWriter, vals map[string]string) error {
	raw := make(map[any]any, len(vals))
	for k, v := range vals {
		raw[k] = v
	}
	value, err := securecookie.EncodeMulti(SessionName, raw, st.codecs[:1]...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(SessionName, value, &st.options))
	st.cache.put(value, cachedSession{vals: vals, expires: st.now().Unix() + st.maxAge})
	return nil
}

// Get implements sessions.Store, for code written against gorilla/sessions.
func (st *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return st.New(r, name)
}

// New implements sessions.Store.
func (st *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	opts := st.options
	s.Options, s.IsNew = &opts, true
	vals, _, err := st.load(r)
	for k, v := range vals {
		s.Values[k] = v
	}
	s.IsNew = vals == nil
	return s, err
}

// Save implements sessions.Store.
func (st *SessionStore) Save(_ *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	vals := make(map[string]string, len(s.Values))
	for k, v := range s.Values {
		if ks, ok := k.(string); ok {
			if vs, ok := v.(string); ok {
				vals[ks] = vs
			}
		}
	}
	return st.save(w, vals)
}

// cookieValue finds the value of cookie name in Cookie headers, without
// parsing the others (r.Cookie allocates every cookie of the request).
func cookieValue(headers []string, name string) string {
	for _, h := range headers {
		for h != "" {
			var part string
			part, h, _ = strings.Cut(h, ";")
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, name); ok && strings.HasPrefix(v, "=") {
				v = v[1:]
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				return v
			}
		}
	}
	return ""
}

// cookieTime is the signed timestamp of a securecookie value, which is
// base64("date|value|mac"); call it only on a value a codec accepted.
func cookieTime(value string) (int64, bool) {
	b, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return 0, false
	}
	date, _, ok := bytes.Cut(b, []byte("|"))
	if !ok {
		return 0, false
	}
	t, err := strconv.ParseInt(string(date), 10, 64)
	return t, err == nil
}

// sessionCache remembers opened cookies in two generations: when the
// current one is full it becomes the previous one and the oldest is
// dropped; a hit in the previous one moves back. At most 2×limit entries.
type sessionCache struct {
	mu        sync.RWMutex // a hit in cur is read under RLock
	cur, prev map[string]cachedSession
	limit     int
}

type cachedSession struct {
	vals    map[string]string // never written once remembered
	expires int64             // unix seconds: signed timestamp + max age
}

func (c *sessionCache) get(value string, now int64) (map[string]string, bool) {
	c.mu.RLock()
	e, ok := c.cur[value]
	c.mu.RUnlock()
	if ok {
		if now > e.expires {
			return nil, false
		}
		return e.vals, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok = c.cur[value]
	if !ok {
		if e, ok = c.prev[value]; ok {
			delete(c.prev, value)
			c.putLocked(value, e)
		}
	}
	if !ok || now > e.expires {
		return nil, false
	}
	return e.vals, true
}

func (c *sessionCache) put(value string, e cachedSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(value, e)
}

func (c *sessionCache) putLocked(value string, e cachedSession) {
	if c.cur == nil || len(c.cur) >= c.limit {
		c.prev, c.cur = c.cur, make(map[string]cachedSession, min(c.limit, 256))
	}
	c.cur[value] = e
}

// Session is the request's view of the session cookie. Changes are written
// once, just before the response headers go out.
type Session struct {
	vals  map[string]string
	owned bool // vals is this request's own map (else shared with the store's memory)
	dirty bool
}

type sessionCtxKey struct{}

// sessionMiddleware loads the session (a bad or stale cookie gives a fresh
// session, never an error page) and saves it, when it changed, before the
// response is written. store must come from NewSessionStore.
func sessionMiddleware(store sessions.Store, log *slog.Logger) echo.MiddlewareFunc {
	st, ok := store.(*SessionStore)
	if !ok {
		panic(fmt.Sprintf("handlers: Options.Sessions is a %T; build it with NewSessionStore", store))
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			vals, resign, err := st.load(c.Request())
			if err != nil {
				log.Debug("session cookie rejected; starting a new session", "err", err)
			}
			sess := &Session{vals: vals, dirty: err != nil || resign}
			c.Set("session", sess)
			c.Response().Before(func() {
				if !sess.dirty {
					return
				}
				if err := st.save(c.Response().Writer, sess.writable()); err != nil {
					log.Error("save session", "err", err)
				}
				sess.owned = false // now remembered by the store: copy before any later write
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
	return &Session{}
}

// writable returns the session's own map, copying a shared one first.
func (s *Session) writable() map[string]string {
	if !s.owned {
		m := make(map[string]string, len(s.vals)+2)
		for k, v := range s.vals {
			m[k] = v
		}
		s.vals, s.owned = m, true
	}
	return s.vals
}

func (s *Session) str(key string) string { return s.vals[key] }

func (s *Session) set(key, v string) {
	if cur, ok := s.vals[key]; ok && cur == v {
		return
	}
	s.writable()[key] = v
	s.dirty = true
}

func (s *Session) del(key string) {
	if _, ok := s.vals[key]; ok {
		delete(s.writable(), key)
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
	s.vals, s.owned, s.dirty = map[string]string{}, true, true
	if csrf != "" {
		s.vals[keyCSRF] = csrf
	}
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

// HasFlash reports whether a one-time message waits (without taking it).
func (s *Session) HasFlash() bool { return s.str(keyFlash) != "" }

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
