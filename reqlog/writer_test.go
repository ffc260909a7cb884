package reqlog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/reqlog"
)

// lockedBuffer is the writer's destination, safe to read while it writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	err    error
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	if l.err != nil {
		return 0, l.err
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

// hour is an interval no test waits for.
const hour = time.Hour

func TestWriterHoldsLinesUntilFlush(t *testing.T) {
	var dst lockedBuffer
	w := reqlog.NewWriter(&dst, hour)
	defer w.Close()
	for i := range 100 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if got := dst.count(); got != 0 {
		t.Fatalf("%d writes before Flush, want 0 (the lines are batched)", got)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := dst.count(); got != 1 {
		t.Errorf("%d writes for 100 lines, want 1", got)
	}
	if !strings.HasPrefix(dst.String(), "line 0\nline 1\n") || !strings.HasSuffix(dst.String(), "line 99\n") || strings.Count(dst.String(), "\n") != 100 {
		t.Errorf("lines out of order or lost:\n%s", dst.String())
	}
}

func TestWriterWritesWhenFullWithoutSplittingALine(t *testing.T) {
	var dst lockedBuffer
	w := reqlog.NewWriter(&dst, hour)
	defer w.Close()
	line := strings.Repeat("x", 999) + "\n"
	for range 200 { // 200 KB: more than the buffer holds
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if dst.count() == 0 {
		t.Fatal("nothing written with 200 KB buffered: the buffer is unbounded")
	}
	if len(dst.String())%len(line) != 0 {
		t.Errorf("a write ended inside a line: %d bytes written", len(dst.String()))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(dst.String()); got != 200*len(line) {
		t.Errorf("%d bytes after Close, want %d", got, 200*len(line))
	}
	huge := strings.Repeat("y", 100<<10) + "\n"
	if _, err := w.Write([]byte(huge)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(dst.String(), huge) {
		t.Error("a line longer than the buffer was not written whole")
	}
}

func TestWriterFlushesEveryInterval(t *testing.T) {
	var dst lockedBuffer
	w := reqlog.NewWriter(&dst, 5*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "waiting")
	deadline := time.Now().Add(5 * time.Second)
	for dst.String() != "waiting\n" {
		if time.Now().After(deadline) {
			t.Fatal("the interval's flush never came")
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not synchronisation by sleep
	}
}

func TestWriterReportsTheDestinationsError(t *testing.T) {
	broken := errors.New("disk full")
	dst := lockedBuffer{err: broken}
	w := reqlog.NewWriter(&dst, hour)
	defer w.Close()
	fmt.Fprintln(w, "lost")
	if err := w.Flush(); !errors.Is(err, broken) {
		t.Errorf("Flush: %v, want %v", err, broken)
	}
	if err := w.Flush(); err != nil {
		t.Errorf("a second Flush with nothing buffered: %v", err)
	}
}

func TestWriterIsSafeForConcurrentLines(t *testing.T) {
	var dst lockedBuffer
	w := reqlog.NewWriter(&dst, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(w, "g%d-%d %s\n", g, i, strings.Repeat("z", 200))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(dst.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines, want %d", len(lines), 8*500)
	}
	for _, l := range lines {
		if len(l) < 200 || !strings.HasPrefix(l, "g") {
			t.Fatalf("a torn line: %q", l)
		}
	}
}

// TestWarningsAreWrittenAtOnce: a handler built WithFlush holds info lines
// but writes a warning, and everything before it, right away.
func TestWarningsAreWrittenAtOnce(t *testing.T) {
	var dst lockedBuffer
	w := reqlog.NewWriter(&dst, hour)
	defer w.Close()
	log := slog.New(reqlog.New(slog.NewTextHandler(w, nil), func(context.Context) string { return "" }).WithFlush(w.Flush))
	log.Info("request", "path", "/")
	if dst.String() != "" {
		t.Fatalf("an info line was written at once: %q", dst.String())
	}
	log.With("area", "stitch").Warn("Stitch is down")
	out := dst.String()
	if !strings.Contains(out, "msg=request") || !strings.Contains(out, `msg="Stitch is down"`) {
		t.Errorf("after a warning the log holds:\n%s", out)
	}
}
