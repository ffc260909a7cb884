package reqlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/onramp/onramp/reqlog"
)

type key struct{}

func idOf(ctx context.Context) string { s, _ := ctx.Value(key{}).(string); return s }

func TestLinesOfARequestCarryItsID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(reqlog.New(slog.NewJSONHandler(&buf, nil), idOf)).With("component", "connect")
	ctx := context.WithValue(context.Background(), key{}, "req-1")
	log.InfoContext(ctx, "with context")
	log.Info("without context")
	log.InfoContext(ctx, "named", "id", "explicit")
	log.With("id", "bound").InfoContext(ctx, "bound")
	log.WithGroup("g").InfoContext(ctx, "grouped")

	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not one JSON object per line: %q", line)
		}
		got = append(got, m)
	}
	want := []any{"req-1", nil, "explicit", "bound", nil}
	for i, w := range want {
		if got[i]["id"] != w {
			t.Errorf("line %d (%s): got id %v, want %v", i, got[i]["msg"], got[i]["id"], w)
		}
	}
	if g, _ := got[4]["g"].(map[string]any); g["id"] != "req-1" {
		t.Errorf("grouped line: got %v, want the id inside the group", got[4])
	}
}
