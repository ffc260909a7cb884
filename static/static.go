// Package static embeds Onramp's CSS and JavaScript and serves them with
// content-hashed URLs, so browsers may cache them for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed *.css *.js *.svg
var files embed.FS

// Prefix is the URL path the assets are served under.
const Prefix = "/static/"

var hashes = func() map[string]string {
	m := map[string]string{}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		m[e.Name()] = hex.EncodeToString(sum[:])[:12]
	}
	return m
}()

// URL returns the versioned URL of an asset, e.g. /static/app.css?v=1a2b3c4d5e6f.
// An unknown name still gets a URL (a 404 shows up in tests, not a panic).
func URL(name string) string {
	if h, ok := hashes[name]; ok {
		return Prefix + name + "?v=" + h
	}
	return Prefix + name
}

// Handler serves the assets. A request carrying the current version is
// cacheable for a year; anything else must revalidate.
func Handler() http.Handler {
	fsrv := http.FileServer(http.FS(files))
	return http.StripPrefix(strings.TrimSuffix(Prefix, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		h, ok := hashes[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		fsrv.ServeHTTP(w, r)
	}))
}

// File returns the content of an embedded asset.
func File(name string) ([]byte, error) { return files.ReadFile(name) }
