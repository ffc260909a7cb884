package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestClientAbortIsLoggedAsSuch: a request whose client went away is logged
// at INFO as aborted (499), not at ERROR as a 500.
func TestClientAbortIsLoggedAsSuch(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	e := echo.New()
	ui := &UI{Log: log, Words: nil}
	e.HTTPErrorHandler = ui.ErrorHandler
	e.Use(accessLog(log))
	e.GET("/slow", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/slow", nil).WithContext(ctx)
	e.ServeHTTP(httptest.NewRecorder(), req)
	out := logs.String()
	if strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
		t.Fatalf("an abort was logged as an error:\n%s", out)
	}
	if !strings.Contains(out, "status=499") || !strings.Contains(out, "client_aborted=true") {
		t.Fatalf("the abort is not logged as such:\n%s", out)
	}
}

func TestLogPathRedactsTokens(t *testing.T) {
	t.Parallel()
	e := echo.New()
	var got []string
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := next(c)
			got = append(got, logPath(c))
			return err
		}
	})
	ok := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	e.GET("/launch/:token", ok)
	e.GET("/x/:ticket/y", ok)
	e.GET("/sources/:id", ok)
	for _, p := range []string{"/launch/abcSECRETdef", "/x/tick-SECRET/y", "/sources/42", "/launch/"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	want := []string{"/launch/[redacted]", "/x/[redacted]/y", "/sources/42", "/launch/"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestBytesOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1M": 1 << 20, "512K": 512 << 10, "2048": 2048, "2MB": 2 << 20} {
		if got, err := bytesOf(in); err != nil || got != want {
			t.Errorf("%s: got %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "M", "-1", "1G", "abc"} {
		if _, err := bytesOf(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if errors.Is(err, ErrOrigin) {
			_ = c.NoContent(http.StatusForbidden)
			return
		}
		_ = c.NoContent(http.StatusInternalServerError)
	}
	e.Use(sameOrigin("https://onramp.example.com", []string{"https://partner.example"}, "/api/"))
	ok := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	e.POST("/x", ok)
	e.GET("/x", ok)
	e.POST("/api/v1/launch", ok)
	tests := []struct {
		method, path string
		headers      map[string]string
		want         int
	}{
		{"POST", "/x", map[string]string{"Origin": "https://onramp.example.com"}, 204},
		{"POST", "/x", map[string]string{"Origin": "https://ONRAMP.example.com", "Sec-Fetch-Site": "same-origin"}, 204},
		{"POST", "/x", map[string]string{"Origin": "http://onramp.example.com"}, 403},
		{"POST", "/x", map[string]string{"Origin": "https://evil.example"}, 403},
		{"POST", "/x", map[string]string{"Origin": "null"}, 403},
		{"POST", "/x", map[string]string{"Origin": "https://partner.example", "Sec-Fetch-Site": "cross-site"}, 204},
		{"POST", "/x", map[string]string{"Origin": "https://onramp.example.com", "Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", "/x", map[string]string{"Sec-Fetch-Site": "same-origin"}, 204},
		{"POST", "/x", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", "/x", map[string]string{"Referer": "https://onramp.example.com/sources"}, 204},
		{"POST", "/x", map[string]string{"Referer": "https://evil.example/"}, 403},
		{"POST", "/x", nil, 204},
		{"GET", "/x", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 204},
		{"POST", "/api/v1/launch", map[string]string{"Origin": "https://evil.example"}, 204},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.path, nil)
		for k, v := range tt.headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s %s %v: got %d, want %d", tt.method, tt.path, tt.headers, rec.Code, tt.want)
		}
	}
}
