package connect

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{in: "", want: 0},
		{in: "2", want: 2 * time.Second},
		{in: " 3 ", want: 3 * time.Second},
		{in: "0", want: 0},
		{in: "-5", want: 0},
		{in: "99999999", want: 24 * time.Hour},
		{in: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second},
		{in: now.Add(-time.Minute).Format(http.TimeFormat), want: 0},
		{in: "soon", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	t.Parallel()
	c := New(WithRetry(10, 10*time.Millisecond, 50*time.Millisecond))
	for attempt := 1; attempt <= 8; attempt++ {
		full := min(10*time.Millisecond<<(attempt-1), 50*time.Millisecond)
		for range 20 {
			if got := c.backoff(attempt); got < full/2 || got > full {
				t.Fatalf("attempt %d: got %v, want within [%v, %v]", attempt, got, full/2, full)
			}
		}
	}
	if got := New(WithRetry(3, 0, 0)).backoff(2); got != 0 {
		t.Errorf("got %v with a zero base, want 0", got)
	}
}

func TestTruncateKeepsRunesWhole(t *testing.T) {
	t.Parallel()
	in := []byte("aé€") // 1 + 2 + 3 bytes
	tests := []struct {
		n    int
		want string
	}{{n: 10, want: "aé€"}, {n: 6, want: "aé€"}, {n: 5, want: "aé"}, {n: 2, want: "a"}, {n: 0, want: ""}}
	for _, tt := range tests {
		if got := string(truncate(in, tt.n)); got != tt.want {
			t.Errorf("truncate(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestIntUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Int
		wantErr bool
	}{
		{in: `12`, want: 12},
		{in: `"34"`, want: 34},
		{in: `"<STEP_NUMBER>"`, want: 0},
		{in: `null`, want: 0},
		{in: `60.0`, want: 60},
		{in: `1e3`, want: 1000},
		{in: `true`, wantErr: true},
		{in: `"unterminated`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			n := Int(99)
			err := json.Unmarshal([]byte(tt.in), &n)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && n != tt.want {
				t.Errorf("got %d, want %d", n, tt.want)
			}
		})
	}
}

func TestMetadataEntryHelpers(t *testing.T) {
	t.Parallel()
	s := StreamSchema{Metadata: []MetadataEntry{
		{Breadcrumb: []string{}, Metadata: map[string]any{"selected": true}},
		{Breadcrumb: []string{"properties", "id"}, Metadata: map[string]any{"inclusion": "automatic"}},
		{Breadcrumb: []string{"properties", "a", "properties", "b"}},
	}}
	if e, ok := s.Entry("properties", "id"); !ok || e.FieldName() != "id" || e.IsStream() {
		t.Errorf("got %+v %v, want the id field entry", e, ok)
	}
	if _, ok := s.Entry("properties", "missing"); ok {
		t.Errorf("got an entry for a missing field, want none")
	}
	if got := s.Metadata[2].FieldName(); got != "" {
		t.Errorf("got field name %q for a nested breadcrumb, want empty", got)
	}
	rc := ReportCard{Steps: []Step{{Type: StepForm}}}
	if _, ok := rc.Step(StepOAuth); ok {
		t.Errorf("got an oauth step, want none")
	}
}
