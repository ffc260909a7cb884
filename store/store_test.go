package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/store/redistest"
)

// contract runs the behaviour every store must have.
func contract(t *testing.T, s All) {
	t.Helper()
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: got %v, want nil", err)
	}
	if err := s.Put(ctx, "a", []byte("payload"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		token string
		want  RedeemStatus
	}{{"a", RedeemOK}, {"a", RedeemUsed}, {"old", RedeemExpired}, {"old", RedeemUsed}, {"nope", RedeemUnknown}, {"nope", RedeemUnknown}}
	for _, c := range checks {
		p, got, err := s.Redeem(ctx, c.token)
		if err != nil || got != c.want {
			t.Fatalf("redeem %s: got %v %v, want %v", c.token, got, err, c.want)
		}
		if got == RedeemOK && string(p) != "payload" {
			t.Fatalf("payload: got %q, want payload", p)
		}
	}

	if ok, err := s.Claim(ctx, "k"); !ok || err != nil {
		t.Fatalf("first claim: got %v %v, want true nil", ok, err)
	}
	if ok, err := s.Claim(ctx, "k"); ok || err != nil {
		t.Fatalf("second claim: got %v %v, want false nil", ok, err)
	}
	if r, err := s.Result(ctx, "k"); r != "" || err != nil {
		t.Fatalf("pending claim: got %q %v, want empty", r, err)
	}
	go func() { _ = s.Resolve(ctx, "k", "42") }()
	if got, err := WaitResult(ctx, s, "k", 5*time.Second); got != "42" || err != nil {
		t.Fatalf("result: got %q %v, want 42", got, err)
	}
	if err := s.Release(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Claim(ctx, "k"); !ok || err != nil {
		t.Fatalf("claim after release: got %v %v, want true", ok, err)
	}
	if got, err := WaitResult(ctx, s, "k", 0); got != "" || err != nil {
		t.Fatalf("wait on a pending claim: got %q %v, want empty after the deadline", got, err)
	}
	if ok, err := s.Use(ctx, "s"); !ok || err != nil {
		t.Fatalf("first use: got %v %v", ok, err)
	}
	if ok, err := s.Use(ctx, "s"); ok || err != nil {
		t.Fatalf("second use: got %v %v, want false nil", ok, err)
	}
}

func TestMemory(t *testing.T) {
	t.Parallel()
	contract(t, &Memory{})
}

func TestMemoryExpiry(t *testing.T) {
	t.Parallel()
	now := time.Now()
	m := &Memory{Now: func() time.Time { return now }, ClaimTTL: time.Minute, OneTimeTTL: time.Minute}
	ctx := context.Background()
	m.Claim(ctx, "k")
	m.Use(ctx, "s")
	now = now.Add(2 * time.Minute)
	if ok, _ := m.Claim(ctx, "k"); !ok {
		t.Error("an expired claim must be claimable again")
	}
	if ok, _ := m.Use(ctx, "s"); !ok {
		t.Error("an expired one-time value must be usable again")
	}
}

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	r, err := NewRedis(context.Background(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	contract(t, r)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRedisOutageSaysSoAndRecovers stops a real redis-server: every operation
// returns ErrUnavailable (not "already used"), the outage is logged once, and
// after a restart the same store works again without being rebuilt.
func TestRedisOutageSaysSoAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	var logs syncBuffer
	r, err := NewRedis(context.Background(), srv.URL, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	srv.Stop()
	ops := map[string]func() error{
		"ping":    func() error { return r.Ping(ctx) },
		"put":     func() error { return r.Put(ctx, "t", []byte("p"), time.Now().Add(time.Minute)) },
		"redeem":  func() error { _, _, err := r.Redeem(ctx, "t"); return err },
		"use":     func() error { _, err := r.Use(ctx, "u"); return err },
		"claim":   func() error { _, err := r.Claim(ctx, "c"); return err },
		"resolve": func() error { return r.Resolve(ctx, "c", "1") },
		"release": func() error { return r.Release(ctx, "c") },
		"result":  func() error { _, err := r.Result(ctx, "c"); return err },
	}
	for name, op := range ops {
		if err := op(); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s during the outage: got %v, want ErrUnavailable", name, err)
		}
	}
	if ok, err := r.Claim(ctx, "c"); ok || err == nil {
		t.Errorf("claim during the outage: got %v %v, want false and an error", ok, err)
	}
	if n := strings.Count(logs.String(), "redis is unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs.String())
	}
	// A cancelled request is not an outage.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Use(cctx, "x"); errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}

	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for r.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the store did not recover after redis came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ok, err := r.Use(ctx, "after"); !ok || err != nil {
		t.Fatalf("use after recovery: got %v %v, want true nil", ok, err)
	}
	if n := strings.Count(logs.String(), "redis is available again"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "redis is unavailable"); n != 1 {
		t.Errorf("outage logged %d times in all, want once", n)
	}
}

// A redeemed payload is forgotten at once: only its tombstone stays.
func TestMemoryRedeemForgetsPayload(t *testing.T) {
	t.Parallel()
	m := &Memory{}
	ctx := context.Background()
	if err := m.Put(ctx, "tok", []byte("refresh-secret"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if p, st, err := m.Redeem(ctx, "tok"); err != nil || st != RedeemOK || string(p) != "refresh-secret" {
		t.Fatalf("redeem: got %q %v %v", p, st, err)
	}
	m.mu.Lock()
	left := m.launches["tok"].payload
	m.mu.Unlock()
	if left != nil {
		t.Errorf("payload still held after redeem: %q", left)
	}
	if _, st, _ := m.Redeem(ctx, "tok"); st != RedeemUsed {
		t.Errorf("second redeem: got %v, want RedeemUsed", st)
	}
}
