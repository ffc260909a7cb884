package handlers

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
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
// deflated are the parts compressed once, each on its own (raw DEFLATE,
// ended by a sync flush): a browser that accepts gzip gets them with the
// tokens between them as stored blocks, so its page costs no compression.
type splitPage struct {
	parts    [][]byte
	deflated [][]byte
	holes    []int
	size     int
}

// deflateParts compresses each part independently, at the best level (it
// happens once per cached page).
func (p *splitPage) deflateParts() error {
	p.deflated = make([][]byte, len(p.parts))
	for i, part := range p.parts {
		var b bytes.Buffer
		zw, err := flate.NewWriter(&b, flate.BestCompression)
		if err != nil {
			return fmt.Errorf("deflate page part: %w", err)
		}
		if _, err := zw.Write(part); err != nil {
			return fmt.Errorf("deflate page part: %w", err)
		}
		// Flush, not Close: the stream goes on with the next block, byte aligned.
		if err := zw.Flush(); err != nil {
			return fmt.Errorf("deflate page part: %w", err)
		}
		p.deflated[i] = b.Bytes()
	}
	return nil
}

// gzipHeader is a gzip member's header: deflate, no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// writeGzipTo writes the page with its tokens as one gzip member: the
// deflated parts, each token a stored block, a final empty block, then the
// CRC-32 and length of the whole text (RFC 1951 §3.2.4, RFC 1952).
func (p *splitPage) writeGzipTo(buf *bytes.Buffer, tokens []string) {
	crc, n := uint32(0), 0
	buf.Write(gzipHeader)
	for i, part := range p.parts {
		buf.Write(p.deflated[i])
		crc = crc32.Update(crc, crc32.IEEETable, part)
		n += len(part)
		if i < len(p.holes) {
			tok := tokens[p.holes[i]]
			// A stored block: BFINAL 0, BTYPE 00 (the stream is byte aligned
			// after a sync flush), LEN and its complement, the bytes.
			buf.WriteByte(0)
			buf.Write([]byte{byte(len(tok)), byte(len(tok) >> 8), ^byte(len(tok)), ^byte(len(tok) >> 8)})
			buf.WriteString(tok)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(tok))
			n += len(tok)
		}
	}
	buf.Write([]byte{1, 0, 0, 0xff, 0xff}) // the final block: stored, empty
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], crc)
	binary.LittleEndian.PutUint32(tail[4:], uint32(n))
	buf.Write(tail[:])
}

// len is the page's length with tokens written in.
func (p *splitPage) len(tokens []string) int {
	n := p.size
	for _, h := range p.holes {
		n += len(tokens[h])
	}
	return n
}

func (p *splitPage) writeTo(buf *bytes.Buffer, tokens []string) {
	buf.Grow(p.len(tokens))
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

// verifyGzip checks that a page assembled from deflated parts reads back as
// the page (CRC-32 and length included).
func verifyGzip(gz, page []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("the cached page's gzip: %w", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("the cached page's gzip: %w", err)
	}
	if !bytes.Equal(got, page) {
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
		if VerifyPageCache {
			p.writeTo(buf, tokens)
			if err := verifyHit(ctx, buf.Bytes(), page(csrf, formToken)); err != nil {
				return fmt.Errorf("page cache key %+v: %w", key, err)
			}
		}
		if wantsGzip(c, p.len(tokens)) && p.deflated != nil {
			z := getBuffer()
			defer putBuffer(z)
			p.writeGzipTo(z, tokens)
			if VerifyPageCache {
				if err := verifyGzip(z.Bytes(), buf.Bytes()); err != nil {
					return fmt.Errorf("page cache key %+v: %w", key, err)
				}
			}
			return writeBody(c, 200, z.Bytes(), true)
		}
		if buf.Len() == 0 {
			p.writeTo(buf, tokens)
		}
		return writeBody(c, 200, buf.Bytes(), false)
	}
	if err := page(csrf, formToken).Render(ctx, buf); err != nil {
		return err
	}
	if p, ok := checkedSplit(ctx, buf.Bytes(), tokens, page(tokenHoles[0], tokenHoles[1])); ok && p.deflateParts() == nil {
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
