// Command onramp serves the Onramp onboarding UI for the Stitch Connect API.
//
//	onramp                 serve (configuration from the environment; see README.md)
//	onramp emulator …      run the Stitch Connect API emulator alone
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/onramp/onramp/app"
	"github.com/onramp/onramp/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onramp:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "emulator" {
		return emulator.RunStandalone(ctx, args[1:], stdout)
	}
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q (want no arguments, or: emulator --addr HOST:PORT --partner-id ID --partner-secret SECRET)", args[0])
	}
	return app.Run(ctx, getenv, stderr, nil)
}
