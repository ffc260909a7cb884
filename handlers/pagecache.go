package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// pageCache keeps whole rendered pages that are the same for every visitor
// but for their tokens (the session's CSRF token, a page's one-time form
// token): a fresh source form, for one type, language and look, is such a
// page. A page is kept as its text split around the tokens, and served by
// writing the tokens back between the parts — no template runs.
//
// What the key does not hold must not change the page: callers key on every
// input of the page and use the cache only when the session has nothing
// one-time to show (a flash message, events for the embedding parent).
// When a page is first rendered it is rendered twice, with the real tokens
// and with placeholders, and kept only if writing the real tokens into the
// placeholders' page gives exactly the real page (a token escaped or
// transformed somewhere would not).
type pageCache struct {
	mu    sync.RWMutex
	pages map[any]*splitPage
	// max bounds the pages kept; when full the cache starts again (keys
	// hold the identity of what they were built from, so replaced forms'
	// pages are never hit again and go with the next reset).
	max int
}

// Placeholders for the tokens: letters only, so no escaping changes them.
var tokenHoles = [...]string{"ZqHoleCsrfTokenQz", "ZqHoleFormTokenQz"}

// splitPage is a page's text around its token holes: parts has one more
// element than holes; holes[i] is the index of the token written after parts[i].
type splitPage struct {
	parts [][]byte
	holes []int
	size  int
}

func (p *splitPage) writeTo(buf *bytes.Buffer, tokens []string) {
	n := p.size
	for _, h := range p.holes {
		n += len(tokens[h])
	}
	buf.Grow(n)
	for i, part := range p.parts {
		buf.Write(part)
		if i < len(p.holes) {
			buf.WriteString(tokens[p.holes[i]])
		}
	}
}

// split cuts a page rendered with the placeholders at every one of them.
func split(page []byte) *splitPage {
	p := &splitPage{}
	rest := page
	for {
		at, which := -1, -1
		for i, h := range tokenHoles {
			if j := bytes.Index(rest, []byte(h)); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			break
		}
		p.parts = append(p.parts, bytes.Clone(rest[:at]))
		p.holes = append(p.holes, which)
		rest = rest[at+len(tokenHoles[which]):]
	}
	p.parts = append(p.parts, bytes.Clone(rest))
	for _, part := range p.parts {
		p.size += len(part)
	}
	return p
}

// get returns the kept page of key.
func (pc *pageCache) get(key any) *splitPage {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return pc.pages[key]
}

func (pc *pageCache) put(key any, p *splitPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.pages == nil || len(pc.pages) >= pc.limit() {
		pc.pages = map[any]*splitPage{}
	}
	pc.pages[key] = p
}

func (pc *pageCache) limit() int {
	if pc.max > 0 {
		return pc.max
	}
	return 512
}

// VerifyPageCache makes every cache hit also render its page and fail the
// request when the two differ. Tests turn it on, so that every page a test
// reads from the cache proves the key holds every input of the page.
var VerifyPageCache bool

// errStalePage is a cached page that differs from its rendering.
var errStalePage = errors.New("the cached page differs from its rendering: the key misses an input")

func verifyHit(ctx context.Context, cached []byte, page templ.Component) error {
	fresh := getBuffer()
	defer putBuffer(fresh)
	if err := page.Render(ctx, fresh); err != nil {
		return err
	}
	if !bytes.Equal(fresh.Bytes(), cached) {
		return errStalePage
	}
	return nil
}

// render serves the page of key with the request's tokens (CSRF, form
// token): from the cache, or built by page (called with the tokens to
// write) and kept when it checks out.
func (pc *pageCache) render(c echo.Context, key any, csrf, formToken string, page func(csrf, formToken string) templ.Component) error {
	tokens := []string{csrf, formToken}
	buf := getBuffer()
	defer putBuffer(buf)
	ctx := c.Request().Context()
	if p := pc.get(key); p != nil {
		p.writeTo(buf, tokens)
		if VerifyPageCache {
			if err := verifyHit(ctx, buf.Bytes(), page(csrf, formToken)); err != nil {
				return fmt.Errorf("page cache key %+v: %w", key, err)
			}
		}
		return writePage(c, 200, buf.Bytes())
	}
	if err := page(csrf, formToken).Render(ctx, buf); err != nil {
		return err
	}
	if p, ok := checkedSplit(ctx, buf.Bytes(), tokens, page(tokenHoles[0], tokenHoles[1])); ok {
		pc.put(key, p)
	}
	return writePage(c, 200, buf.Bytes())
}

// checkedSplit renders the placeholders' page and splits it, if writing the
// real tokens into it gives exactly the real page.
func checkedSplit(ctx context.Context, real []byte, tokens []string, holes templ.Component) (*splitPage, bool) {
	hb := getBuffer()
	defer putBuffer(hb)
	if err := holes.Render(ctx, hb); err != nil {
		return nil, false
	}
	p := split(hb.Bytes())
	var check bytes.Buffer
	p.writeTo(&check, tokens)
	return p, bytes.Equal(check.Bytes(), real)
}
