package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/shoal-dev/shoal/internal/bench"
	"github.com/shoal-dev/shoal/internal/serveproc"
)

// benchCmd runs the data-stream benchmark against a fresh `shoal serve` child
// (default) or any Kinesis-compatible endpoint (--endpoint), e.g. kinesalite.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := bench.Defaults()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "benchmark this endpoint instead of starting a shoal server")
	pid := fs.Int("server-pid", 0, "with --endpoint: the server's pid, for memory figures")
	dataDir := fs.String("data-dir", "", "data dir for the started server (default: a temp dir, removed after)")
	fs.IntVar(&o.Shards, "shards", o.Shards, "shards in the stream")
	fs.IntVar(&o.Producers, "producers", o.Producers, "concurrent PutRecords producers")
	fs.IntVar(&o.BatchSize, "batch", o.BatchSize, "records per PutRecords call")
	fs.IntVar(&o.RecordSize, "record-size", o.RecordSize, "bytes of data per record")
	fs.IntVar(&o.Records, "records", o.Records, "records to put (and read back)")
	fs.IntVar(&o.LatencyPuts, "latency-puts", o.LatencyPuts, "single PutRecord calls for the latency figures")
	fs.IntVar(&o.LatencyProducers, "latency-producers", o.LatencyProducers, "concurrent single-record producers")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.Endpoint, o.ServerPID = *endpoint, *pid
	o.AccessKeyID, o.SecretAccessKey = "AKIABENCHSHOAL000001", "benchSecretKeyBenchSecretKeyBenchSecret01"
	if o.Endpoint == "" {
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintln(stderr, "shoal bench:", err)
			return 1
		}
		dir := *dataDir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "shoal-bench-"); err != nil {
				fmt.Fprintln(stderr, "shoal bench:", err)
				return 1
			}
			defer os.RemoveAll(dir)
		}
		child, err := serveproc.Start(ctx, self, dir, "SHOAL_ROOT_ACCESS_KEY_ID="+o.AccessKeyID, "SHOAL_ROOT_SECRET_ACCESS_KEY="+o.SecretAccessKey)
		if err != nil {
			fmt.Fprintln(stderr, "shoal bench:", err)
			return 1
		}
		defer child.Stop()
		o.Endpoint, o.ServerPID = child.Endpoint, child.PID()
		fmt.Fprintf(stdout, "server: shoal %s at %s (pid %d, default settings)\n", version, o.Endpoint, o.ServerPID)
	} else {
		fmt.Fprintf(stdout, "server: %s\n", o.Endpoint)
	}
	fmt.Fprintf(stdout, "machine: %d cores (GOMAXPROCS %d), %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	res, err := bench.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "shoal bench:", err)
		return 1
	}
	res.Print(stdout, o)
	return 0
}
