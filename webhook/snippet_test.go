package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp/onramp/webhook"
)

// verifyOnramp is the README's verification snippet, verbatim: it must keep
// accepting what the dispatcher sends.
func verifyOnramp(r *http.Request, secret []byte) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	ts := r.Header.Get("Onramp-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return nil, errors.New("missing or stale Onramp-Timestamp")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(r.Header.Get("Onramp-Signature")), []byte(want)) {
		return nil, errors.New("bad Onramp-Signature")
	}
	return body, nil
}

func TestREADMESnippetVerifiesDeliveries(t *testing.T) {
	t.Parallel()
	var ok, bad atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := secret
		if r.URL.Path == "/other-secret" {
			secret = []byte("not-the-secret-0123")
		}
		if _, err := verifyOnramp(r, secret); err != nil {
			bad.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ok.Add(1)
	}))
	defer srv.Close()
	d := mustStartDispatcher(t, fast(webhook.Config{URL: srv.URL}))
	if err := d.Emit(context.Background(), webhook.Event{Type: webhook.DestinationCreated, AccountID: 1}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a verified delivery", func() bool { return ok.Load() == 1 })
	d2 := mustStartDispatcher(t, fast(webhook.Config{URL: srv.URL + "/other-secret"}))
	if err := d2.Emit(context.Background(), webhook.Event{Type: webhook.DestinationCreated, AccountID: 1}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a refused delivery", func() bool { return bad.Load() >= 1 })
}
