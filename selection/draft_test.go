package selection

import (
	"context"
	"testing"
	"time"

	"github.com/onramp/onramp/store/redistest"
)

func testStore(t *testing.T, s DraftStore) {
	t.Helper()
	ctx := context.Background()
	d, err := s.Get(ctx, "k")
	if err != nil || !d.Empty() {
		t.Fatalf("missing draft: got %+v, %v; want empty", d, err)
	}
	d.Set("shop-customers", Choice{Selected: true, Method: Incremental, Key: "updated_at", Fields: map[string]bool{"name": true}})
	if err := s.Put(ctx, "k", d); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got.Get("shop-customers"); !ok || !c.equal(d.Choices["shop-customers"]) {
		t.Fatalf("got %+v, want %+v", got, d)
	}
	if other, _ := s.Get(ctx, "other"); !other.Empty() {
		t.Error("drafts leak between keys")
	}
	if err := s.Put(ctx, "k", &Draft{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, "k"); !got.Empty() {
		t.Error("an empty draft was not removed")
	}
}

func TestMemoryDrafts(t *testing.T) {
	t.Parallel()
	now := time.Now()
	m := &MemoryDrafts{Now: func() time.Time { return now }}
	testStore(t, m)
	d := &Draft{}
	d.Set("x", Choice{Selected: true})
	_ = m.Put(context.Background(), "old", d)
	now = now.Add(DraftTTL + time.Minute)
	if got, _ := m.Get(context.Background(), "old"); !got.Empty() {
		t.Error("an expired draft was returned")
	}
}

func TestRedisDrafts(t *testing.T) {
	url := redistest.Start(t).URL
	s, closeFn, err := OpenRedisDrafts(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	testStore(t, s)
	// A second replica sees the same draft.
	s2, close2, err := OpenRedisDrafts(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer close2()
	d := &Draft{}
	d.Set("a", Choice{Selected: true})
	if err := s.Put(context.Background(), "shared", d); err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Get(context.Background(), "shared"); !got.Choices["a"].Selected {
		t.Error("another replica does not see the draft")
	}
	closeFn()
	if _, err := s.Get(context.Background(), "shared"); err == nil {
		t.Error("a closed store: got no error, want one (a store that fails must say so)")
	}
}
