package app

import (
	"os"
	"testing"

	"github.com/onramp/onramp/handlers"
)

// TestMain runs every app test with the page cache verifying its hits: a
// cached page that differs from its rendering fails the request, so every
// page read here proves the cache's key complete.
func TestMain(m *testing.M) {
	handlers.VerifyPageCache = true
	os.Exit(m.Run())
}
