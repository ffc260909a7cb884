package emulator

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// RunStandalone runs the emulator on its own port, for
// `onramp emulator --addr 127.0.0.1:PORT --partner-id ID --partner-secret SECRET`.
// It prints exactly one line, "emulator listening on http://ADDR", to stdout
// once it accepts connections, and serves until ctx is cancelled.
func RunStandalone(ctx context.Context, args []string, stdout io.Writer) error {
	return runStandalone(ctx, args, stdout, nil)
}

// runStandalone is RunStandalone with an optional catalog (tests).
func runStandalone(ctx context.Context, args []string, stdout io.Writer, cat *Catalog) error {
	cfg, faults, addr, err := parseFlags(args)
	if err != nil {
		return err
	}
	cfg.Catalog = cat
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg)
	if err != nil {
		return fmt.Errorf("run emulator: %w", err)
	}
	srv.SetFaults(faults)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("run emulator: listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		// Request contexts end with ctx, so "hang" faults release on shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if _, err := fmt.Fprintf(stdout, "emulator listening on http://%s\n", ln.Addr()); err != nil {
		_ = hs.Close()
		return fmt.Errorf("run emulator: %w", err)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("run emulator: serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("run emulator: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("run emulator: serve: %w", err)
	}
	return nil
}

// parseFlags reads the standalone flags.
func parseFlags(args []string) (Config, Faults, string, error) {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg Config
	var faults Faults
	addr := fs.String("addr", "127.0.0.1:8091", "address to listen on")
	fs.StringVar(&cfg.PartnerID, "partner-id", "", "partner id (OAuth client_id) accepted by the emulator (required)")
	fs.StringVar(&cfg.PartnerSecret, "partner-secret", "", "partner secret accepted by the emulator (required)")
	fs.StringVar(&cfg.PartnerName, "partner-name", "Onramp", "partner name shown on the consent page")
	fs.DurationVar(&cfg.CheckDelay, "check-delay", 2*time.Second, "how long a connection check runs (0 = done on the next read)")
	fs.DurationVar(&cfg.JobDuration, "job-duration", defaultJobDuration, "how long a replication job runs")
	fs.StringVar(&cfg.ProviderClientID, "provider-client-id", DefaultProviderClientID, "client id of the fake OAuth provider")
	fs.StringVar(&cfg.ProviderClientSecret, "provider-client-secret", DefaultProviderClientSecret, "client secret of the fake OAuth provider")
	fs.DurationVar(&faults.Latency, "latency", 0, "latency added to every answer")
	fs.StringVar(&faults.FailChecks, "fail-checks", "", "make every connection check fail with this message")
	fs.StringVar(&faults.FailExtractions, "fail-extractions", "", "make every extraction fail (tap phase) with this message")
	fs.BoolVar(&faults.ProviderOmitRefreshToken, "provider-omit-refresh-token", false, "fake provider answers without refresh_token")
	fs.BoolVar(&faults.ProviderTokenError, "provider-token-error", false, "fake provider token endpoint answers 500")
	fs.Func("fault", `forced answer "METHOD PATH STATUS [RETRY_AFTER]" or "METHOD PATH hang" (repeatable; METHOD * = any)`, func(v string) error {
		r, err := parseFaultFlag(v)
		if err == nil {
			faults.Rules = append(faults.Rules, r)
		}
		return err
	})
	if err := fs.Parse(args); err != nil {
		return cfg, faults, "", fmt.Errorf("emulator flags: %w", err)
	}
	if fs.NArg() > 0 {
		return cfg, faults, "", fmt.Errorf("emulator flags: unexpected argument %q", fs.Arg(0))
	}
	if cfg.PartnerID == "" || cfg.PartnerSecret == "" {
		return cfg, faults, "", errors.New("emulator flags: --partner-id and --partner-secret are required")
	}
	return cfg, faults, *addr, nil
}

// parseFaultFlag parses "METHOD PATH STATUS [RETRY_AFTER]" or "METHOD PATH hang".
func parseFaultFlag(v string) (FaultRule, error) {
	f := strings.Fields(v)
	if len(f) < 3 || len(f) > 4 {
		return FaultRule{}, fmt.Errorf("fault %q: want \"METHOD PATH STATUS [RETRY_AFTER]\" or \"METHOD PATH hang\"", v)
	}
	r := FaultRule{Method: f[0], Path: f[1]}
	if strings.EqualFold(f[2], "hang") {
		r.Hang = true
	} else {
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return FaultRule{}, fmt.Errorf("fault %q: status: %w", v, err)
		}
		r.Status = n
	}
	if len(f) == 4 {
		n, err := strconv.Atoi(f[3])
		if err != nil {
			return FaultRule{}, fmt.Errorf("fault %q: retry-after: %w", v, err)
		}
		r.RetryAfter = n
	}
	if err := r.validate(); err != nil {
		return FaultRule{}, err
	}
	return r, nil
}
