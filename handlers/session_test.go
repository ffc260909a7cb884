package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
)

func testKeys(seed byte) [][]byte {
	return [][]byte{bytes.Repeat([]byte{seed}, 32), bytes.Repeat([]byte{seed + 1}, 32)}
}

// sessionServer is a router with the session middleware and two routes:
// GET /read reports the CSRF token, GET /write sets one value.
func sessionServer(st *SessionStore) *echo.Echo {
	e := echo.New()
	e.Use(sessionMiddleware(st, slog.New(slog.DiscardHandler)))
	e.GET("/read", func(c echo.Context) error { return c.String(http.StatusOK, sessionOf(c).Get("k")) })
	e.GET("/write", func(c echo.Context) error {
		sessionOf(c).Set("k", c.QueryParam("v"))
		return c.String(http.StatusOK, "ok")
	})
	return e
}

func serve(e *echo.Echo, path, cookie string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", "other=1; "+SessionName+"="+cookie+"; more=2")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func sessionCookie(tb testing.TB, rec *httptest.ResponseRecorder) string {
	tb.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionName {
			return c.Value
		}
	}
	tb.Fatalf("no %s cookie in %v", SessionName, rec.Header())
	return ""
}

// TestSessionCookieRoundTrip: what one request writes, the next reads, from
// memory or (another replica, no memory) by opening the cookie; a request
// that changes nothing writes no cookie; the wire format stays what
// gorilla/securecookie reads.
func TestSessionCookieRoundTrip(t *testing.T) {
	t.Parallel()
	keys := testKeys(1)
	e := sessionServer(NewSessionStore(SessionOptions{Keys: keys}))
	cookie := sessionCookie(t, serve(e, "/write?v=hello", ""))
	for name, srv := range map[string]*echo.Echo{"same store": e, "another replica": sessionServer(NewSessionStore(SessionOptions{Keys: keys}))} {
		rec := serve(srv, "/read", cookie)
		if got := rec.Body.String(); got != "hello" {
			t.Fatalf("%s: got %q, want hello", name, got)
		}
		if got := rec.Header().Get("Set-Cookie"); got != "" {
			t.Fatalf("%s: a read-only request wrote %q, want no cookie", name, got)
		}
	}
	values := map[any]any{}
	if err := securecookie.DecodeMulti(SessionName, cookie, &values, securecookie.CodecsFromPairs(keys...)...); err != nil || values["x.k"] != "hello" {
		t.Fatalf("securecookie: got %v, %v; want x.k=hello", values, err)
	}
}

// TestSessionTamperedOrForeignCookie: a cookie changed by one byte, or
// sealed with other keys, opens as a fresh session (and is replaced).
func TestSessionTamperedOrForeignCookie(t *testing.T) {
	t.Parallel()
	st := NewSessionStore(SessionOptions{Keys: testKeys(1)})
	e := sessionServer(st)
	cookie := sessionCookie(t, serve(e, "/write?v=secret", ""))
	serve(e, "/read", cookie) // remembered
	flip := []byte(cookie)
	flip[len(flip)/2] ^= 1
	foreign := sessionCookie(t, serve(sessionServer(NewSessionStore(SessionOptions{Keys: testKeys(7)})), "/write?v=secret", ""))
	for name, c := range map[string]string{"tampered": string(flip), "foreign keys": foreign} {
		rec := serve(e, "/read", c)
		if got := rec.Body.String(); got != "" {
			t.Fatalf("%s: got %q, want a fresh session", name, got)
		}
		if rec.Header().Get("Set-Cookie") == "" {
			t.Fatalf("%s: the bad cookie was not replaced", name)
		}
	}
}

// TestSessionKeyRotation: a cookie sealed with a retired key pair (second in
// the list) still opens, and is sealed again with the current pair.
func TestSessionKeyRotation(t *testing.T) {
	t.Parallel()
	old, cur := testKeys(1), testKeys(3)
	cookie := sessionCookie(t, serve(sessionServer(NewSessionStore(SessionOptions{Keys: old})), "/write?v=kept", ""))
	e := sessionServer(NewSessionStore(SessionOptions{Keys: append(append([][]byte{}, cur...), old...)}))
	rec := serve(e, "/read", cookie)
	if got := rec.Body.String(); got != "kept" {
		t.Fatalf("got %q, want kept", got)
	}
	resealed := sessionCookie(t, rec)
	values := map[any]any{}
	if err := securecookie.DecodeMulti(SessionName, resealed, &values, securecookie.CodecsFromPairs(cur...)...); err != nil || values["x.k"] != "kept" {
		t.Fatalf("the cookie is not sealed with the current keys: %v, %v", values, err)
	}
}

// TestSessionWritesDoNotLeak: two requests with the same cookie share what
// the store remembers; one's change is not seen by the other.
func TestSessionWritesDoNotLeak(t *testing.T) {
	t.Parallel()
	st := NewSessionStore(SessionOptions{Keys: testKeys(1)})
	e := sessionServer(st)
	cookie := sessionCookie(t, serve(e, "/write?v=first", ""))
	if got := sessionCookie(t, serve(e, "/write?v=second", cookie)); got == cookie {
		t.Fatal("a change kept the same cookie")
	}
	if got := serve(e, "/read", cookie).Body.String(); got != "first" {
		t.Fatalf("the old cookie reads %q, want first", got)
	}
}

// TestSessionMemoryExpires: a remembered cookie lives no longer than its
// signed timestamp allows, and memory stays bounded.
func TestSessionMemoryExpires(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	st := NewSessionStore(SessionOptions{Keys: testKeys(1), MaxAge: 60, CacheSize: 2})
	st.now = func() time.Time { return now }
	rec := httptest.NewRecorder()
	if err := st.save(rec, map[string]string{"x.k": "v"}); err != nil {
		t.Fatal(err)
	}
	cookie := sessionCookie(t, rec)
	signed, ok := cookieTime(cookie)
	if !ok || signed < time.Now().Unix()-5 {
		t.Fatalf("cookieTime: got %d, %v; want about now", signed, ok)
	}
	if _, ok := st.cache.get(cookie, now.Unix()+60); !ok {
		t.Fatal("forgotten before its max age")
	}
	if _, ok := st.cache.get(cookie, now.Unix()+61); ok {
		t.Fatal("remembered past its max age")
	}
	for i := range 10 {
		st.cache.put(strings.Repeat("x", i+1), cachedSession{expires: now.Unix() + 60})
	}
	if n := len(st.cache.cur) + len(st.cache.prev); n > 4 {
		t.Fatalf("got %d remembered cookies, want at most 2×CacheSize = 4", n)
	}
}

func TestCookieValue(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		headers []string
		want    string
	}{
		{nil, ""},
		{[]string{"onramp=abc"}, "abc"},
		{[]string{"a=1; onramp=abc=; b=2"}, "abc="},
		{[]string{"onrampx=1; xonramp=2"}, ""},
		{[]string{"a=1", `onramp="q"`}, "q"},
	} {
		if got := cookieValue(c.headers, "onramp"); got != c.want {
			t.Errorf("cookieValue(%q): got %q, want %q", c.headers, got, c.want)
		}
	}
}
