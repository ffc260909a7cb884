// Package seal keeps a secret the user typed across a re-rendered form
// without echoing it: the value travels in a hidden input as AES-GCM
// ciphertext that only this program can open, only for the same session,
// form and field, and only until it expires.
//
// A sealed value is base64url(version ‖ nonce ‖ AES-256-GCM(expiry ‖ secret)),
// with the session binding, the form scope and the field name as additional
// authenticated data, so a value copied into another session, form or field
// fails to open exactly like a tampered one.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// DefaultTTL is how long a sealed value can be opened: long enough to fix
// another field and send again, short enough that a page left open is harmless.
const DefaultTTL = 15 * time.Minute

const version byte = 1

// maxSecret bounds what is sealed (keys and certificates fit easily).
const maxSecret = 64 << 10

// Errors of Open. ErrExpired is told apart so the page can say why the
// user must type the value again.
var (
	ErrInvalid error = &sealError{msg: "seal: value cannot be opened"}
	ErrExpired error = &sealError{msg: "seal: value expired", expired: true}
)

// sealError is an Open error; Expired lets a caller that does not import
// this package (forms) tell an expired value from an invalid one.
type sealError struct {
	msg     string
	expired bool
}

func (e *sealError) Error() string { return e.msg }

// Expired reports whether the value was valid but too old.
func (e *sealError) Expired() bool { return e.expired }

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	aeads []cipher.AEAD // the first seals; all open (key rotation)
	ttl   time.Duration
	now   func() time.Time
}

// Options configure a Sealer.
type Options struct {
	// TTL is how long a value stays openable; 0 means DefaultTTL.
	TTL time.Duration
	// Now is the clock (tests pass a fake one); nil means time.Now.
	Now func() time.Time
}

// New derives one AES-256 key per secret in keys (the session keys: the
// first seals, the others still open values sealed before a rotation). The
// derivation (HKDF-SHA256 with a purpose label) keeps these keys apart from
// the cookie keys they come from.
func New(keys [][]byte, o Options) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no keys")
	}
	s := &Sealer{ttl: o.TTL, now: o.Now}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	for i, k := range keys {
		if len(k) < 16 {
			return nil, fmt.Errorf("seal: key %d is shorter than 16 bytes", i)
		}
		dk, err := hkdf.Key(sha256.New, k, nil, "onramp seal v1", 32)
		if err != nil {
			return nil, fmt.Errorf("seal: derive key %d: %w", i, err)
		}
		block, err := aes.NewCipher(dk)
		if err != nil {
			return nil, fmt.Errorf("seal: key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("seal: key %d: %w", i, err)
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// Random returns a Sealer with a fresh random key: values open only in this
// process (tests, a single replica without configured keys).
func Random(o Options) *Sealer {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	s, err := New([][]byte{k}, o)
	if err != nil {
		panic(err)
	}
	return s
}

// TTL is how long a sealed value can be opened.
func (s *Sealer) TTL() time.Duration { return s.ttl }

// Binding is what a sealed value is tied to; every part must match to open it.
type Binding struct {
	// Session identifies the browser session (a random per-session value).
	Session string
	// Form identifies the form: e.g. "source-new:platform.mysql:<form token>"
	// or "source:42:form".
	Form string
	// Field is the input name.
	Field string
}

func (b Binding) aad() []byte {
	out := make([]byte, 0, 8+len(b.Session)+len(b.Form)+len(b.Field))
	out = append(out, "v1"...)
	for _, part := range []string{b.Session, b.Form, b.Field} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(part)))
		out = append(out, part...)
	}
	return out
}

// Seal returns the sealed form of secret for b. It returns "" when the
// binding has no session (nothing could open it) or the secret is too large.
func (s *Sealer) Seal(b Binding, secret string) string {
	if b.Session == "" || len(secret) > maxSecret {
		return ""
	}
	aead := s.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	plain := make([]byte, 8, 8+len(secret))
	binary.BigEndian.PutUint64(plain, uint64(s.now().Add(s.ttl).Unix()))
	plain = append(plain, secret...)
	out := make([]byte, 0, 1+len(nonce)+len(plain)+aead.Overhead())
	out = append(out, version)
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, plain, b.aad())
	return base64.RawURLEncoding.EncodeToString(out)
}

// Open returns the secret sealed for b: ErrInvalid when sealed was made for
// another binding, by another key or was altered, ErrExpired after the TTL.
func (s *Sealer) Open(b Binding, sealed string) (string, error) {
	if b.Session == "" || sealed == "" || len(sealed) > 2*maxSecret {
		return "", ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < 1 || raw[0] != version {
		return "", ErrInvalid
	}
	raw = raw[1:]
	for _, aead := range s.aeads {
		ns := aead.NonceSize()
		if len(raw) < ns+aead.Overhead()+8 {
			return "", ErrInvalid
		}
		plain, err := aead.Open(nil, raw[:ns], raw[ns:], b.aad())
		if err != nil {
			continue
		}
		exp := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)
		if !s.now().Before(exp) {
			return "", ErrExpired
		}
		return string(plain[8:]), nil
	}
	return "", ErrInvalid
}

// Scope is a Sealer bound to one session and form: it seals and opens the
// form's fields by name (it satisfies forms.Keeper).
type Scope struct {
	S             *Sealer
	Session, Form string
}

// Seal seals the value of one field.
func (sc Scope) Seal(field, secret string) string {
	if sc.S == nil {
		return ""
	}
	return sc.S.Seal(Binding{Session: sc.Session, Form: sc.Form, Field: field}, secret)
}

// Open opens the value of one field sealed by Seal.
func (sc Scope) Open(field, sealed string) (string, error) {
	if sc.S == nil {
		return "", ErrInvalid
	}
	return sc.S.Open(Binding{Session: sc.Session, Form: sc.Form, Field: field}, sealed)
}
