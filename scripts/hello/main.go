// Command hello is Echo's hello world, the yardstick of `make loadtest`: the
// form page's throughput and latency are compared with it, measured on the
// same machine in the same run. It prints the URL it listens on.
//
// With -page (a response's body) and -headers (its header block, as curl -D
// writes it) it also serves GET /page: the same bytes and headers from
// memory, as a static Echo handler — what the page would cost if making it
// cost nothing, the ceiling of the comparison.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"time"

	"github.com/labstack/echo/v4"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0: any free port)")
	pageFile := flag.String("page", "", "body served at /page")
	headerFile := flag.String("headers", "", "header block served with /page (curl -D)")
	flag.Parse()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "Hello, World!") })
	if *pageFile != "" {
		body, header, err := recorded(*pageFile, *headerFile)
		if err != nil {
			log.Fatal(err)
		}
		e.GET("/page", func(c echo.Context) error {
			h := c.Response().Header()
			for k, v := range header {
				h[k] = v
			}
			return c.Blob(http.StatusOK, header.Get("Content-Type"), body)
		})
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("hello listening on http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// recorded reads a response's body and headers; the headers net/http writes
// itself (Date, Content-Length) are left to it.
func recorded(pageFile, headerFile string) ([]byte, http.Header, error) {
	body, err := os.ReadFile(pageFile)
	if err != nil {
		return nil, nil, err
	}
	raw, err := os.ReadFile(headerFile)
	if err != nil {
		return nil, nil, err
	}
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	if _, err := r.ReadLine(); err != nil { // the status line
		return nil, nil, fmt.Errorf("%s: %w", headerFile, err)
	}
	mh, err := r.ReadMIMEHeader()
	if err != nil && len(mh) == 0 {
		return nil, nil, fmt.Errorf("%s: %w", headerFile, err)
	}
	h := http.Header(mh)
	h.Del("Date")
	h.Del("Content-Length")
	return body, h, nil
}
