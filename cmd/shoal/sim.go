package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/shoal-dev/shoal/internal/sim"
)

const simUsage = `Usage: shoal sim inventory [flags]

Puts store-inventory stock checks (the workshop's record schema) into a
delivery stream (PutRecordBatch) or a data stream (PutRecords) over the AWS
API. Credentials come from the flags or, as for the AWS CLI, from
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or a profile.

Example:
  shoal sim inventory --endpoint http://127.0.0.1:4566 --rate 50 --delivery-stream SI-Firehose

Flags:
`

// simCmd dispatches `shoal sim <simulator>`.
func simCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) > 0 && args[0] == "inventory":
		return simInventory(ctx, args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "orders":
		return simOrders(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, "Usage: shoal sim inventory|orders [flags]   (run 'shoal sim inventory -h' for the flags)\n")
	return 2
}

// connectionFlags are where and as whom every simulator puts.
func connectionFlags(fs *flag.FlagSet, endpoint, region, accessKeyID, secret *string) {
	fs.StringVar(endpoint, "endpoint", "", "AWS endpoint URL, e.g. http://127.0.0.1:4566 (default: the SDK's, i.e. AWS)")
	fs.StringVar(region, "region", "", "region (default: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1)")
	fs.StringVar(accessKeyID, "access-key-id", "", "access key id (default: the SDK's credential chain)")
	fs.StringVar(secret, "secret-access-key", "", "secret access key, with --access-key-id")
}

// runFlags are the flags both simulators share: when to stop, the seed,
// retries, progress and logging. unit names what --count counts.
func runFlags(fs *flag.FlagSet, o *sim.Options, unit string) (progress *time.Duration, logLevel *string) {
	fs.DurationVar(&o.Duration, "duration", 0, "stop after this long (default: until interrupted)")
	fs.IntVar(&o.Count, "count", 0, "stop after this many "+unit+" (default: no limit)")
	fs.Uint64Var(&o.Seed, "seed", 0, "random seed, for a repeatable run (default: a new one each run)")
	fs.IntVar(&o.MaxAttempts, "max-attempts", o.MaxAttempts, "puts of one record before it counts as failed")
	progress = fs.Duration("progress", 10*time.Second, "print progress this often (0: never)")
	logLevel = fs.String("log-level", "warn", "log level: debug, info, warn, error")
	return progress, logLevel
}

func simInventory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := sim.Defaults()
	fs := flag.NewFlagSet("sim inventory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, simUsage); fs.PrintDefaults() }
	connectionFlags(fs, &o.Endpoint, &o.Region, &o.AccessKeyID, &o.SecretAccessKey)
	fs.StringVar(&o.DeliveryStream, "delivery-stream", "", "put into this delivery stream (Firehose PutRecordBatch)")
	fs.StringVar(&o.Stream, "stream", "", "put into this data stream (Kinesis PutRecords, partition key store_id)")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "records per second")
	fs.IntVar(&o.Stores, "stores", o.Stores, "stores STORE_1..STORE_n")
	fs.IntVar(&o.Products, "products", o.Products, "products PRD_1..PRD_n")
	fs.BoolVar(&o.Newline, "newline", false, "end each record with a newline (for destinations that keep JSON as is)")
	progress, logLevel := runFlags(fs, &o, "records")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "shoal sim inventory: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if (o.AccessKeyID == "") != (o.SecretAccessKey == "") {
		fmt.Fprintln(stderr, "shoal sim inventory: set both --access-key-id and --secret-access-key, or neither")
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(stderr, "shoal sim inventory: -log-level:", err)
		return 2
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	p, err := sim.New(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "shoal sim inventory:", err)
		return 2
	}
	target := "delivery stream " + o.DeliveryStream
	if o.Stream != "" {
		target = "data stream " + o.Stream
	}
	fmt.Fprintf(stdout, "putting %g records/s from %d stores x %d products into %s (seed %d); Ctrl-C stops\n",
		o.Rate, o.Stores, o.Products, target, o.Seed)
	stopProgress := func() {}
	if *progress > 0 {
		done, finished := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(finished)
			printProgress(done, *progress, stdout, p)
		}()
		stopProgress = func() { close(done); <-finished }
	}
	sum, err := p.Run(ctx)
	stopProgress() // before the summary, so the two never interleave
	fmt.Fprintln(stdout, sum)
	if err != nil {
		fmt.Fprintln(stderr, "shoal sim inventory:", err)
		return 1
	}
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// printProgress prints the running counts every interval until done closes.
func printProgress(done <-chan struct{}, every time.Duration, w io.Writer, p interface{ Summary() sim.Summary }) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			s := p.Summary()
			fmt.Fprintf(w, "  %d sent, %d failed, %d retried\n", s.Sent, s.Failed, s.Retried)
		}
	}
}

const simOrdersUsage = `Usage: shoal sim orders --stream NAME [flags]

Puts order lines (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
UnitPrice, Customer, Country, as in the Online Retail dataset) into a data
stream with PutRecords and random partition keys, optionally packed in the
Kinesis Producer Library's aggregation format. Credentials as for sim inventory.

Example:
  shoal sim orders --endpoint http://127.0.0.1:4566 --stream CadabraOrders --rate 200 --aggregate 20

Flags:
`

func simOrders(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := sim.DefaultOrderOptions()
	fs := flag.NewFlagSet("sim orders", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, simOrdersUsage); fs.PrintDefaults() }
	connectionFlags(fs, &o.Endpoint, &o.Region, &o.AccessKeyID, &o.SecretAccessKey)
	fs.StringVar(&o.Stream, "stream", "", "put into this data stream (Kinesis PutRecords, random partition keys)")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "order lines per second")
	fs.IntVar(&o.Products, "products", o.Products, "products in the catalog")
	fs.IntVar(&o.Customers, "customers", o.Customers, "customers")
	fs.IntVar(&o.Aggregate, "aggregate", 0, "KPL-aggregate this many order lines per Kinesis record (0: one line per record)")
	fs.BoolVar(&o.Newline, "newline", false, "end each order line with a newline")
	progress, logLevel := runFlags(fs, &o.Options, "order lines")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var level slog.Level
	switch err := level.UnmarshalText([]byte(*logLevel)); {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "shoal sim orders: unexpected argument %q\n", fs.Arg(0))
		return 2
	case (o.AccessKeyID == "") != (o.SecretAccessKey == ""):
		fmt.Fprintln(stderr, "shoal sim orders: set both --access-key-id and --secret-access-key, or neither")
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "shoal sim orders: -log-level:", err)
		return 2
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	p, err := sim.NewOrders(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "shoal sim orders:", err)
		return 2
	}
	fmt.Fprintf(stdout, "putting %g order lines/s from %d products into data stream %s (aggregate %d, seed %d); Ctrl-C stops\n",
		o.Rate, o.Products, o.Stream, o.Aggregate, o.Seed)
	stopProgress := func() {}
	if *progress > 0 {
		done, finished := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(finished)
			printProgress(done, *progress, stdout, p)
		}()
		stopProgress = func() { close(done); <-finished }
	}
	sum, err := p.Run(ctx)
	stopProgress()
	fmt.Fprintf(stdout, "%s; %d order lines\n", sum, p.Lines())
	if err != nil {
		fmt.Fprintln(stderr, "shoal sim orders:", err)
		return 1
	}
	if sum.Failed > 0 {
		return 1
	}
	return 0
}
