package connect

import "context"

// RetryHook is told about each retry: the method, the path below the base
// URL as sent ("/v4/sources/12"), and the attempt that failed (1 for the
// first). It runs on the caller's goroutine and must be quick.
type RetryHook func(ctx context.Context, method, path string, attempt int)

// WithRetryHook sets a function called before each retry (for metrics).
// Attempts themselves are best observed with a RoundTripper given through
// WithHTTPClient.
func WithRetryHook(h RetryHook) Option {
	return func(c *Client) { c.onRetry = h }
}
