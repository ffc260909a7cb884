package reqlog

import (
	"io"
	"sync"
	"time"
)

// Writer batches log lines: Write appends to a buffer, which goes to the
// underlying writer when it holds bufferBytes, every interval, on Flush
// and on Close. Under load a line per request is otherwise a write system
// call per request; batched, hundreds of lines share one.
//
// A Handler built WithFlush flushes after every warning or error, so what
// an operator looks for first is never held back; info lines wait at most
// one interval. What a crash (not a recovered panic) loses is the last
// interval's info lines.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	err  error // the last write's error, returned by the next Write or Flush
	stop chan struct{}
	done chan struct{}
}

// bufferBytes is the most a Writer holds before it writes.
const bufferBytes = 64 << 10

// NewWriter buffers writes to w and flushes them every interval until Close.
func NewWriter(w io.Writer, interval time.Duration) *Writer {
	b := &Writer{w: w, buf: make([]byte, 0, bufferBytes), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop(interval)
	return b
}

func (b *Writer) loop(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = b.Flush()
		case <-b.stop:
			return
		}
	}
}

// Write implements io.Writer. A line is kept whole: p is never split
// between two writes to w.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > bufferBytes {
		b.flushLocked()
	}
	if len(p) > bufferBytes {
		_, err := b.w.Write(p)
		return len(p), err
	}
	b.buf = append(b.buf, p...)
	err := b.err
	b.err = nil
	return len(p), err
}

// Flush writes what is buffered.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	err := b.err
	b.err = nil
	return err
}

func (b *Writer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close stops the interval's flushes and flushes what is left. Writes
// after Close still reach w, at the next Flush.
func (b *Writer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	return b.Flush()
}
