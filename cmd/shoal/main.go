// Command shoal runs the streaming-analytics pipeline: see `shoal help`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `shoal: a streaming-analytics pipeline in one binary.

Usage:
  shoal serve [flags]   run the server (AWS-compatible APIs on one port)
  shoal demo [flags]    run the store-inventory workshop end to end, embedded
  shoal sim inventory|orders   put simulated stock checks into a delivery or data stream
  shoal bench [flags]   benchmark the data-stream API over HTTP (see 'shoal bench -h')
  shoal version         print the version

Run 'shoal serve -h' for the server's flags.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "demo":
		return demo(ctx, args[1:], stdout, stderr)
	case "sim":
		return simCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "shoal", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "shoal: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
