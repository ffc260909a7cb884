// Package reqlog makes every log line of a request carry its request id.
//
// Handler wraps any slog.Handler: a record logged with a context (InfoContext,
// LogAttrs…) whose request id is known gets an "id" attribute, the key the
// access log already uses, so one grep finds the access line, the handler's
// lines and the Connect client's retries of that request. A record that
// already names its "id" is left alone.
package reqlog

import (
	"context"
	"log/slog"
)

// Key is the attribute that carries the request id.
const Key = "id"

// Handler adds the request id found in a record's context.
type Handler struct {
	next      slog.Handler
	requestID func(context.Context) string
	named     bool // a With("id", …) already carries an id
	flush     func() error
}

// New wraps next; requestID reads the id from a context ("" when none).
func New(next slog.Handler, requestID func(context.Context) string) *Handler {
	return &Handler{next: next, requestID: requestID}
}

// WithFlush makes h call flush after each record at slog.LevelWarn or
// above (a Writer's Flush: warnings and errors are written at once).
func (h *Handler) WithFlush(flush func() error) *Handler {
	c := *h
	c.flush = flush
	return &c
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil && !h.named {
		if id := h.requestID(ctx); id != "" && !hasKey(r, Key) {
			r = r.Clone()
			r.AddAttrs(slog.String(Key, id))
		}
	}
	err := h.next.Handle(ctx, r)
	if h.flush != nil && r.Level >= slog.LevelWarn {
		if ferr := h.flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func hasKey(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	named := h.named
	for _, a := range attrs {
		named = named || a.Key == Key
	}
	return &Handler{next: h.next.WithAttrs(attrs), requestID: h.requestID, named: named, flush: h.flush}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), requestID: h.requestID, named: h.named, flush: h.flush}
}
