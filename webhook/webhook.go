// Package webhook tells the partner's backend what happened, with signed
// HTTP POSTs: account.created, account.connected, destination.created,
// source.created, source.configured and source.check_failed.
//
// Delivery is at least once. An event is queued (in memory, or in Redis so
// that any replica can deliver it), then POSTed to ONRAMP_WEBHOOK_URL until
// the receiver answers 2xx, with exponential backoff and jitter, for 24 h.
// Every attempt carries the same event id and body: receivers deduplicate by
// id. The signature (Onramp-Signature) is an HMAC-SHA256, keyed with
// ONRAMP_WEBHOOK_SECRET, of the attempt's timestamp (Onramp-Timestamp), a
// dot, and the raw body; Verify checks it.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event types.
const (
	AccountCreated     = "account.created"
	AccountConnected   = "account.connected"
	DestinationCreated = "destination.created"
	SourceCreated      = "source.created"
	SourceConfigured   = "source.configured"
	SourceCheckFailed  = "source.check_failed"
	SourceRepaired     = "source.repaired"
)

// Types lists every event type.
var Types = []string{AccountCreated, AccountConnected, DestinationCreated, SourceCreated, SourceConfigured, SourceCheckFailed, SourceRepaired}

// Event is one notification; it is the JSON body of the POST. It never
// carries a credential, a token or a property value.
type Event struct {
	// ID is unique per event and the same on every attempt ("evt_…").
	ID string `json:"id"`
	// Type is one of the event types above.
	Type string `json:"type"`
	// CreatedAt is when it happened (UTC).
	CreatedAt time.Time `json:"created_at"`
	// AccountID is the Stitch account.
	AccountID int64 `json:"account_id"`
	// Data names what the event is about.
	Data Data `json:"data"`
}

// Data names the source or destination of an event, and its type.
type Data struct {
	SourceID        string `json:"source_id,omitempty"`
	SourceType      string `json:"source_type,omitempty"`
	DestinationID   string `json:"destination_id,omitempty"`
	DestinationType string `json:"destination_type,omitempty"`
}

// Headers of every delivery.
const (
	HeaderSignature = "Onramp-Signature" // "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderTimestamp = "Onramp-Timestamp" // Unix seconds of this attempt
	HeaderEventID   = "Onramp-Event-Id"
	HeaderEventType = "Onramp-Event-Type"
)

// NewID returns a random event id.
func NewID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return "evt_" + hex.EncodeToString(b)
}

// IDFor derives a stable event id from what makes an occurrence unique
// (e.g. "source.configured", "45612"): a replica that notices the same
// occurrence again produces the same id, which the receiver deduplicates.
func IDFor(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "evt_" + hex.EncodeToString(sum[:12])
}

// Sign returns the Onramp-Signature value of body sent at timestamp.
func Sign(secret []byte, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verification errors.
var (
	ErrBadSignature = errors.New("webhook signature does not match")
	ErrStale        = errors.New("webhook timestamp outside the tolerance")
)

// Verify checks a delivery: the signature header matches the timestamp
// header and the raw body, and the timestamp is within tolerance of now
// (which refuses replays of old deliveries).
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := Sign(secret, ts, body)
	if !hmac.Equal([]byte(signature), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}
