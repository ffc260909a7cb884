package connect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// MaxErrorBodyBytes bounds Error.Body: enough to debug, small enough to log.
const MaxErrorBodyBytes = 4 << 10

// Error codes the helpers below rely on (API.md §8.4, §13, §16).
const (
	CodeInvalidProperties = "InvalidProperties"
	CodeInvalidID         = "InvalidId"
	CodeInvalidSource     = "invalid_source"
	CodeAlreadyRunning    = "already_running"
	CodeNotFound          = "NotFound"
	CodeInvalidFields     = "invalid_fields"
)

// Error is a non-2xx answer from the API (or a 200 carrying an error object),
// parsed from whichever of the documented body shapes it used (API.md §3.3).
// Error() names the request and the API's message; it never includes the
// token or the request body.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Code is the API's error code (InvalidProperties, ExistingUser,
	// invalid_source, …); empty for bare-string bodies.
	Code string
	// Message is the API's human-readable message, or the status text when
	// the body is empty.
	Message string
	// BadProperties names the offending properties or fields, when the API
	// lists them (InvalidProperties, the accounts "errors" map, …).
	BadProperties []string
	// ReportCard is the current report card sent with InvalidProperties.
	ReportCard *ReportCard
	// Body is the raw answer, truncated to MaxErrorBodyBytes.
	Body []byte
	// Method and Path identify the request; Path is relative to the base URL.
	Method string
	Path   string
	// RetryAfter is the delay the server asked for (Retry-After), if any.
	RetryAfter time.Duration
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connect: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" && e.Message != e.Code {
		b.WriteString(": " + e.Message)
	}
	if len(e.BadProperties) > 0 {
		fmt.Fprintf(&b, " %v", e.BadProperties)
	}
	return b.String()
}

// NetworkError reports that no answer came back: the per-attempt timeout
// expired, or the connection was refused, reset or closed.
type NetworkError struct {
	Method  string
	Path    string
	Timeout bool
	Err     error
}

// Error implements error.
func (e *NetworkError) Error() string {
	what := "request failed"
	if e.Timeout {
		what = "timed out"
	}
	return fmt.Sprintf("connect: %s %s: %s: %v", e.Method, e.Path, what, e.Err)
}

// Unwrap returns the underlying transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// connectionFailed reports whether the server refused or dropped the
// connection, which is worth retrying (unlike a timeout, which already took long).
func (e *NetworkError) connectionFailed() bool {
	if e.Timeout {
		return false
	}
	return errors.Is(e.Err, syscall.ECONNREFUSED) || errors.Is(e.Err, syscall.ECONNRESET) ||
		errors.Is(e.Err, syscall.EPIPE) || errors.Is(e.Err, io.EOF) || errors.Is(e.Err, io.ErrUnexpectedEOF) ||
		isDialError(e.Err)
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// IsNotFound reports whether err says the resource does not exist: a 404, or
// one of the 400 answers the API uses for unknown ids (API.md §20.8).
func IsNotFound(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	if e.Status == http.StatusNotFound {
		return true
	}
	if e.Status != http.StatusBadRequest {
		return false
	}
	switch e.Code {
	case CodeInvalidID, CodeInvalidSource, CodeNotFound:
		return true
	}
	if e.Code != "" {
		return false
	}
	// Bare-string bodies (family E) carry no code: recognise the documented texts.
	return strings.HasPrefix(e.Message, "invalid stream-id") ||
		e.Message == "invalid connection id" ||
		strings.HasPrefix(e.Message, "Unable to locate dest")
}

// IsUnknownType reports whether err is GET /v4/source-types/{type}
// refusing the type: Stitch documents no error for an unknown type, so a
// 404 and any 400 both mean "not a source type".
func IsUnknownType(err error) bool {
	e, ok := asError(err)
	return IsNotFound(err) || ok && e.Status == http.StatusBadRequest
}

// IsUnauthorized reports whether the token was missing, invalid or revoked (401)
// or not allowed to act on the resource (403).
func IsUnauthorized(err error) bool {
	e, ok := asError(err)
	return ok && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// IsRateLimited reports whether the API answered 429 Too Many Requests.
func IsRateLimited(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusTooManyRequests
}

// IsUpstreamUnavailable reports whether trying again later may succeed: a 5xx
// or 429 answer, a timeout, or a connection failure. A caller's own
// cancellation is not an upstream failure.
func IsUpstreamUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if e, ok := asError(err); ok {
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	var ne *NetworkError
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

// IsInvalidProperties reports whether the API rejected the submitted
// properties; the *Error then lists BadProperties and usually a ReportCard.
func IsInvalidProperties(err error) bool {
	e, ok := asError(err)
	return ok && e.Code == CodeInvalidProperties
}

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// checkResponse returns nil for a 2xx answer and a *Error otherwise. It is the
// only place that interprets error bodies.
func checkResponse(resp *http.Response, body []byte, r request) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := ParseError(resp.StatusCode, body)
	e.Method, e.Path = r.method, "/"+r.path
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	redact(e, append([]string{r.token}, r.secrets...))
	return e
}

// redact removes secrets the server may have echoed back: each as sent, as
// it reads inside a JSON string and URL-encoded. Values shorter than four
// characters are left (they would blank out ordinary words and numbers).
func redact(e *Error, secrets []string) {
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		for _, form := range secretForms(s) {
			e.Message = strings.ReplaceAll(e.Message, form, "[REDACTED]")
			e.Body = bytes.ReplaceAll(e.Body, []byte(form), []byte("[REDACTED]"))
			for i, p := range e.BadProperties {
				if p != s { // a property named like a typed value stays a name the form can point at
					e.BadProperties[i] = strings.ReplaceAll(p, form, "[REDACTED]")
				}
			}
		}
	}
}

// secretForms is s as sent and as an echo may spell it.
func secretForms(s string) []string {
	forms := []string{s}
	if b, err := json.Marshal(s); err == nil {
		if j := string(b[1 : len(b)-1]); j != s {
			forms = append(forms, j)
		}
	}
	if q := url.QueryEscape(s); q != s {
		forms = append(forms, q)
	}
	if p := url.PathEscape(s); p != s && p != url.QueryEscape(s) {
		forms = append(forms, p)
	}
	return forms
}

// ParseError reads an error answer in any of the documented body families
// (API.md §3.3) exactly as the client does; Method and Path are left empty.
// The emulator's tests use it to prove their error bodies parse.
func ParseError(status int, body []byte) *Error {
	e := &Error{Status: status, Body: truncate(body, MaxErrorBodyBytes)}
	trimmed := bytes.TrimSpace(body)
	var v any
	if len(trimmed) > 0 && json.Unmarshal(trimmed, &v) == nil {
		switch t := v.(type) {
		case string: // family E, sent as a JSON string
			e.Message = t
		case map[string]any:
			parseErrorObject(e, t, trimmed)
		}
	} else if len(trimmed) > 0 { // family E, raw text
		e.Message = string(truncate(trimmed, MaxErrorBodyBytes))
	}
	e.Message = strings.TrimSpace(e.Message)
	if e.Message == "" && e.Code != "" {
		e.Message = e.Code
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP status %d", status)
	}
	return e
}

func parseErrorObject(e *Error, obj map[string]any, raw []byte) {
	switch errVal := obj["error"].(type) {
	case string: // family B {error, data{…}}, F {"error":"NotFound"}, OAuth {"error","error_description"}
		e.Code = errVal
		if data, ok := obj["data"].(map[string]any); ok {
			parseErrorData(e, data, raw)
		}
		if d, ok := obj["error_description"].(string); ok && e.Message == "" {
			e.Message = d
		}
		return
	case map[string]any: // family C {error{type,message}}, F {error{message: string|object}}
		e.Code, _ = errVal["type"].(string)
		e.Message, e.BadProperties = messageAndFields(errVal["message"])
		return
	}
	if code, ok := obj["code"].(string); ok { // family A
		e.Code = code
		e.Message, _ = obj["message"].(string)
		if errs, ok := obj["errors"].(map[string]any); ok {
			e.BadProperties = sortedKeys(errs)
		}
		return
	}
	if msg, ok := obj["invalid_fields"].(string); ok { // family D
		e.Code, e.Message = CodeInvalidFields, msg
		return
	}
	if msg, ok := obj["message"].(string); ok {
		e.Message = msg
		return
	}
	if st, ok := obj["status"].(string); ok { // F {"status":"NOT FOUND"}
		e.Message = st
		return
	}
	// F {"disabled_at": "<INVALID_VALUE>"}: the body names the bad fields.
	e.Message, e.BadProperties = messageAndFields(obj)
}

// parseErrorData reads the data object of family B.
func parseErrorData(e *Error, data map[string]any, raw []byte) {
	e.Message, _ = data["message"].(string)
	if bad, ok := data["bad_properties"].([]any); ok {
		for _, b := range bad {
			if s, ok := b.(string); ok {
				e.BadProperties = append(e.BadProperties, s)
			}
		}
	}
	if _, ok := data["report_card"].(map[string]any); ok {
		var wrapper struct {
			Data struct {
				ReportCard ReportCard `json:"report_card"`
			} `json:"data"`
		}
		if json.Unmarshal(raw, &wrapper) == nil {
			e.ReportCard = &wrapper.Data.ReportCard
		}
	}
}

// messageAndFields turns a message that is either a string or a field → text
// object into one line, and returns the field names.
func messageAndFields(v any) (string, []string) {
	switch m := v.(type) {
	case string:
		return m, nil
	case map[string]any:
		keys := sortedKeys(m)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if s, ok := m[k].(string); ok {
				parts = append(parts, k+": "+s)
			} else {
				parts = append(parts, k)
			}
		}
		return strings.Join(parts, "; "), keys
	}
	return "", nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return nil
	}
	return keys
}

// truncate returns at most n bytes of b, cut on a UTF-8 boundary, as a copy.
func truncate(b []byte, n int) []byte {
	if len(b) <= n {
		return bytes.Clone(b)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return bytes.Clone(b[:cut])
}
