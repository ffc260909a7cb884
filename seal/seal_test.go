package seal_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/seal"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustSealer(tb testing.TB, clock *fakeClock, keys ...string) *seal.Sealer {
	tb.Helper()
	var kb [][]byte
	for _, k := range keys {
		kb = append(kb, []byte(k))
	}
	s, err := seal.New(kb, seal.Options{TTL: 10 * time.Minute, Now: clock.Now})
	if err != nil {
		tb.Fatalf("new sealer: %v", err)
	}
	return s
}

const keyA, keyB = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"

func TestSealOpenRoundTripNeverPlaintext(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := mustSealer(t, clock, keyA)
	b := seal.Binding{Session: "sess-1", Form: "source-new:platform.mysql:tok", Field: "password"}
	sealed := s.Seal(b, "s3cret-pw")
	if sealed == "" || strings.Contains(sealed, "s3cret") {
		t.Fatalf("got sealed %q, want opaque ciphertext", sealed)
	}
	if again := s.Seal(b, "s3cret-pw"); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	got, err := s.Open(b, sealed)
	if err != nil || got != "s3cret-pw" {
		t.Fatalf("open: got %q, %v, want the secret", got, err)
	}
}

func TestOpenRefusesOtherBindingsKeysAndTampering(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := mustSealer(t, clock, keyA)
	b := seal.Binding{Session: "sess-1", Form: "source:42:form", Field: "password"}
	sealed := s.Seal(b, "hunter2")
	flip := []byte(sealed)
	flip[len(flip)/2] ^= 1
	cases := []struct {
		name   string
		s      *seal.Sealer
		b      seal.Binding
		sealed string
	}{
		{"another session", s, seal.Binding{Session: "sess-2", Form: b.Form, Field: b.Field}, sealed},
		{"another form", s, seal.Binding{Session: b.Session, Form: "source:43:form", Field: b.Field}, sealed},
		{"another field", s, seal.Binding{Session: b.Session, Form: b.Form, Field: "ssl_key"}, sealed},
		{"no session", s, seal.Binding{Form: b.Form, Field: b.Field}, sealed},
		{"another key", mustSealer(t, clock, keyB), b, sealed},
		{"tampered", s, b, string(flip)},
		{"truncated", s, b, sealed[:10]},
		{"not base64", s, b, "!!!"},
		{"empty", s, b, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.s.Open(tc.b, tc.sealed)
			if !errors.Is(err, seal.ErrInvalid) || got != "" {
				t.Fatalf("got %q, %v, want ErrInvalid", got, err)
			}
		})
	}
}

func TestOpenAfterTTLIsExpired(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := mustSealer(t, clock, keyA)
	b := seal.Binding{Session: "s", Form: "f", Field: "password"}
	sealed := s.Seal(b, "pw")
	clock.Add(10*time.Minute - time.Second)
	if got, err := s.Open(b, sealed); err != nil || got != "pw" {
		t.Fatalf("just before the TTL: got %q, %v, want the secret", got, err)
	}
	clock.Add(time.Second)
	if got, err := s.Open(b, sealed); !errors.Is(err, seal.ErrExpired) || got != "" {
		t.Fatalf("at the TTL: got %q, %v, want ErrExpired", got, err)
	}
}

func TestRotationOpensValuesOfOldKeys(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	old := mustSealer(t, clock, keyA)
	b := seal.Binding{Session: "s", Form: "f", Field: "password"}
	sealed := old.Seal(b, "pw")
	rotated := mustSealer(t, clock, keyB, keyA)
	if got, err := rotated.Open(b, sealed); err != nil || got != "pw" {
		t.Fatalf("after rotation: got %q, %v, want the secret", got, err)
	}
	if _, err := old.Open(b, rotated.Seal(b, "pw")); !errors.Is(err, seal.ErrInvalid) {
		t.Fatalf("a new value opened with only the old key: got %v, want ErrInvalid", err)
	}
}

func TestNewRefusesBadKeys(t *testing.T) {
	t.Parallel()
	if _, err := seal.New(nil, seal.Options{}); err == nil {
		t.Fatal("no keys: got nil error")
	}
	if _, err := seal.New([][]byte{[]byte("short")}, seal.Options{}); err == nil {
		t.Fatal("short key: got nil error")
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := mustSealer(t, clock, keyA)
	a := seal.Scope{S: s, Session: "s1", Form: "f"}
	v := a.Seal("password", "pw")
	if got, err := a.Open("password", v); err != nil || got != "pw" {
		t.Fatalf("same scope: got %q, %v", got, err)
	}
	if _, err := (seal.Scope{S: s, Session: "s2", Form: "f"}).Open("password", v); err == nil {
		t.Fatal("another session's scope opened the value")
	}
	if got := (seal.Scope{}).Seal("password", "pw"); got != "" {
		t.Fatalf("scope without sealer: got %q, want empty", got)
	}
}
