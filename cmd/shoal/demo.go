package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/sim"
)

const demoUsage = `Usage: shoal demo [flags]

Runs the store-inventory workshop on one machine: starts the server in this
process, creates the reference pipeline over the AWS APIs (bucket, Glue table
conversion_db.conversion_table, delivery stream SI-Firehose converting JSON to
Parquet under store-data/store_id=.../YYYY/MM/DD/HH/), runs the inventory
simulator into it, and every few seconds prints the planning query's answer
from Athena. The data dir is kept, so a second run continues where the first
stopped (delete it to start over). Ctrl-C stops.

Flags:
`

// demoOptions are the demo's flags.
type demoOptions struct {
	dataDir, addr, consoleAddr, bucket, logLevel string
	warehouseAddr, ordersBucket                  string
	rate, ordersRate                             float64
	stores, products                             int
	bufferInterval, queryEvery                   time.Duration
}

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o demoOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, demoUsage); fs.PrintDefaults() }
	fs.StringVar(&o.dataDir, "data-dir", "./shoal-demo-data", "data directory, kept between runs (apart from serve's ./shoal-data)")
	fs.StringVar(&o.addr, "addr", "", "AWS API listen address (default 127.0.0.1:4566; env SHOAL_ADDR; port 0 picks a free one)")
	fs.StringVar(&o.consoleAddr, "console-addr", "", "web console listen address (default 127.0.0.1:4580; env SHOAL_CONSOLE_ADDR)")
	fs.StringVar(&o.warehouseAddr, "warehouse-addr", "", "warehouse (Postgres wire) listen address (default 127.0.0.1:5439; env SHOAL_WAREHOUSE_ADDR)")
	fs.StringVar(&o.bucket, "bucket", "shoal-inventory", "bucket of the pipeline")
	fs.Float64Var(&o.rate, "rate", 20, "stock checks per second from the simulator")
	fs.StringVar(&o.ordersBucket, "orders-bucket", "cadabra-orderlogs", "bucket of the order-history flow")
	fs.Float64Var(&o.ordersRate, "orders-rate", 20, "order lines per second into the CadabraOrders stream (0: no order-history flow)")
	fs.IntVar(&o.stores, "stores", 10, "simulated stores")
	fs.IntVar(&o.products, "products", 5, "simulated products")
	fs.DurationVar(&o.bufferInterval, "buffer-interval", sim.MinDynamicIntervalSec*time.Second,
		"delivery stream buffer interval when creating it (default: the least AWS allows with dynamic partitioning; longer means fewer, larger objects)")
	fs.DurationVar(&o.queryEvery, "query-every", 5*time.Second, "run the planning query this often")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintln(stderr, "shoal demo: -log-level:", err)
		return 2
	}
	if o.rate <= 0 || o.ordersRate < 0 || o.queryEvery <= 0 || o.bufferInterval < time.Second {
		fmt.Fprintln(stderr, "shoal demo: --rate and --query-every must be positive, --buffer-interval at least 1s")
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	cfg := server.Defaults()
	if err := cfg.ApplyEnv(os.LookupEnv); err != nil {
		fmt.Fprintln(stderr, "shoal demo:", err)
		return 2
	}
	// The demo's data stays out of a data dir that serve may be using.
	cfg.DataDir = o.dataDir
	if o.addr != "" {
		cfg.Addr = o.addr
	}
	if o.consoleAddr != "" {
		cfg.ConsoleAddr = o.consoleAddr
	}
	if o.warehouseAddr != "" {
		cfg.WarehouseAddr = o.warehouseAddr
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "shoal demo:", err)
		return 1
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Close(closeCtx); err != nil {
			logger.Error("shutdown", "err", err)
		}
	}()
	if err := srv.Start(); err != nil {
		fmt.Fprintf(stderr, "shoal demo: %v (is another shoal running? try --addr 127.0.0.1:0 --console-addr 127.0.0.1:0 --warehouse-addr 127.0.0.1:0)\n", err)
		return 1
	}
	if err := runDemo(ctx, srv, o, stdout, logger); err != nil {
		fmt.Fprintln(stderr, "shoal demo:", err)
		return 1
	}
	return 0
}

// runDemo sets up the pipeline on the running server and drives it until ctx ends.
func runDemo(ctx context.Context, srv *server.Server, o demoOptions, stdout io.Writer, logger *slog.Logger) error {
	cfg := srv.Config()
	id, secret := srv.RootCredentials()
	so := sim.Defaults()
	so.Endpoint, so.Region, so.AccessKeyID, so.SecretAccessKey = srv.Endpoint(), cfg.Region, id, secret
	awsCfg, err := sim.AWSConfig(ctx, so)
	if err != nil {
		return err
	}
	pipeline := sim.Reference(o.bucket, cfg.AccountID)
	pipeline.BufferInterval = o.bufferInterval
	created, err := pipeline.Ensure(ctx, awsCfg)
	if err != nil {
		return fmt.Errorf("create the pipeline: %w", err)
	}
	dashboardURL, err := ensureDashboard(ctx, srv, demoDashboard, func() dashboard.ImportDocument {
		return dashboard.StoreInventory(pipeline.Database, pipeline.Table)
	})
	if err != nil {
		return fmt.Errorf("create the dashboard: %w", err)
	}
	printDemoBanner(stdout, srv, pipeline, created)
	if dashboardURL != "" {
		fmt.Fprintf(stdout, "Dashboard \"%s\": %s\n", demoDashboard, dashboardURL)
	}

	so.Seed, so.Logger = uint64(time.Now().UnixNano()), logger
	if o.ordersRate > 0 {
		orders := newOrdersDemo(srv, awsCfg, o.ordersBucket, stdout, logger)
		created, err := orders.start(ctx, so, o.ordersRate)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Order history flow, created: %s\n  orders go into stream %s at %g lines/s (KPL-aggregated); the crawler runs once they are delivered.\n",
			describeCreated(created), orders.pipeline.Stream, o.ordersRate)
	}
	so.DeliveryStream, so.Rate, so.Stores, so.Products = pipeline.DeliveryStream, o.rate, o.stores, o.products
	producer, err := sim.New(ctx, so)
	if err != nil {
		return err
	}
	produced := make(chan error, 1)
	go func() {
		_, err := producer.Run(ctx)
		produced <- err
	}()

	q := &planner{cfg: awsCfg, pipeline: pipeline, out: stdout}
	t := time.NewTicker(o.queryEvery)
	defer t.Stop()
	for {
		select {
		case err := <-produced:
			if err != nil {
				return fmt.Errorf("simulator: %w", err)
			}
			fmt.Fprintln(stdout, "stopping:", producer.Summary())
			return nil
		case <-t.C:
			q.run(ctx, producer.Summary())
		}
	}
}

const demoDashboard = "Store inventory"

// ensureDashboard installs the dashboard doc() describes unless the data dir
// already has one of that name, and returns its console URL ("" with the
// console off).
func ensureDashboard(ctx context.Context, srv *server.Server, name string, doc func() dashboard.ImportDocument) (string, error) {
	svc := srv.Dashboards()
	if svc == nil {
		return "", nil
	}
	list, err := svc.ListDashboards(ctx)
	if err != nil {
		return "", err
	}
	for _, d := range list {
		if d.Name == name {
			return srv.ConsoleURL() + "/#/dashboards/" + d.ID, nil
		}
	}
	d, err := svc.Import(ctx, doc())
	if err != nil {
		return "", err
	}
	return srv.ConsoleURL() + "/#/dashboards/" + d.ID, nil
}

func printDemoBanner(w io.Writer, srv *server.Server, p sim.Pipeline, created []string) {
	cfg := srv.Config()
	id, secret := srv.RootCredentials()
	ep := srv.Endpoint()
	fmt.Fprintf(w, "shoal %s demo: the store-inventory workshop\n", version)
	fmt.Fprintf(w, "  AWS endpoint:  %s   (region %s, account %s)\n", ep, cfg.Region, cfg.AccountID)
	if u := srv.ConsoleURL(); u != "" {
		fmt.Fprintf(w, "  console:       %s   (sign in with access key id %s and secret key %s)\n", u, id, secret)
	}
	if a := srv.WarehouseAddr(); a != "" {
		fmt.Fprintf(w, "  warehouse:     postgres://%s/dev   (user = access key id, password = secret key)\n", a)
	}
	fmt.Fprintf(w, "  data dir:      %s\n", cfg.DataDir)
	fmt.Fprintf(w, "  created:       %s\n", describeCreated(created))
	fmt.Fprintf(w, "  pipeline:      %s -> Parquet in s3://%s/%s... (table %s.%s)\n", p.DeliveryStream, p.Bucket, sim.DataDir, p.Database, p.Table)
	fmt.Fprintf(w, `
Try it with the AWS CLI (in another terminal):
  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s
  aws --endpoint-url %s s3 ls --recursive s3://%s/%s
  aws --endpoint-url %s firehose describe-delivery-stream --delivery-stream-name %s
  aws --endpoint-url %s glue get-table --database-name %s --name %s
  aws --endpoint-url %s athena start-query-execution --query-string "%s" --result-configuration OutputLocation=s3://%s/athena-results/
  shoal sim inventory --endpoint %s --rate 100 --delivery-stream %s

`, id, secret, cfg.Region, ep, p.Bucket, sim.DataDir, ep, p.DeliveryStream, ep, p.Database, p.Table,
		ep, sim.PlanningQuery, p.Bucket, ep, p.DeliveryStream)
	fmt.Fprintf(w, "Planning query, every few seconds: %s\n", sim.PlanningQuery)
}

// describeCreated lists what a pipeline's Ensure created.
func describeCreated(created []string) string {
	if len(created) == 0 {
		return "nothing; the pipeline in the data dir is reused"
	}
	return strings.Join(created, ", ")
}

// printRows prints the first rows of res under its column names, indented.
func printRows(w io.Writer, res *sim.QueryResult) {
	if len(res.Rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "    %s\n", strings.Join(res.Columns, "\t"))
	for _, r := range res.Rows {
		fmt.Fprintf(tw, "    %s\n", strings.Join(r, "\t"))
	}
	if more := res.Count - len(res.Rows); more > 0 {
		fmt.Fprintf(tw, "    ... %d more\n", more)
	}
	_ = tw.Flush()
}

// planner runs the planning query and prints its answer.
type planner struct {
	cfg      aws.Config
	pipeline sim.Pipeline
	out      io.Writer
	// unavailable remembers that Athena is missing, to say so once.
	unavailable bool
}

// showRows is how many of the planning query's rows are printed.
const showRows = 5

func (q *planner) run(ctx context.Context, sent sim.Summary) {
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := sim.Query(qctx, q.cfg, sim.PlanningQuery, q.pipeline.Database, "s3://"+q.pipeline.Bucket+"/athena-results/", showRows)
	stamp := time.Now().Format("15:04:05")
	switch {
	case ctx.Err() != nil:
		return // stopping
	case errors.Is(err, sim.ErrAthenaUnavailable):
		if !q.unavailable {
			fmt.Fprintf(q.out, "[%s] sent %d: the Athena API is not in this build, so no planning query; records still land in s3://%s/%s\n",
				stamp, sent.Sent, q.pipeline.Bucket, sim.DataDir)
		}
		q.unavailable = true
		return
	case err != nil:
		fmt.Fprintf(q.out, "[%s] sent %d: planning query failed: %v\n", stamp, sent.Sent, err)
		return
	}
	q.unavailable = false
	fmt.Fprintf(q.out, "[%s] sent %d records (%.1f/s); %d low-stock checks not yet notified (query %s, %s)\n",
		stamp, sent.Sent, sent.Rate(), res.Count, res.ID, res.Elapsed.Round(time.Millisecond))
	printRows(q.out, res)
}
