package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/shoal-dev/shoal/internal/server"
)

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT is set.
const defaultMemoryLimit = 160 << 20

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("config", "", "YAML config file (keys: data_dir, addr, console_addr, warehouse_addr, warehouse_tls_cert, warehouse_tls_key, account_id, region, fsync, fsync_interval, nats_url, nats_listen, query_memory_limit, query_threads, query_max_concurrent, enforce_service_roles)")
		dataDir    = fs.String("data-dir", "", "data directory (default ./shoal-data; env SHOAL_DATA_DIR)")
		addr       = fs.String("addr", "", "AWS API listen address (default 127.0.0.1:4566; env SHOAL_ADDR)")
		consoleAdr = fs.String("console-addr", "", "web console listen address, or off (default 127.0.0.1:4580; env SHOAL_CONSOLE_ADDR)")
		whAddr     = fs.String("warehouse-addr", "", "warehouse (Postgres wire, Redshift-style) listen address, or off (default 127.0.0.1:5439; env SHOAL_WAREHOUSE_ADDR)")
		fsync      = fs.String("fsync", "", "fsync policy: interval (default) or always (env SHOAL_FSYNC)")
		logLevel   = fs.String("log-level", "info", "log level: debug, info, warn, error")
		roles      = fs.Bool("enforce-service-roles", true, "delivery streams, crawlers and external schemas act as their IAM roles: trust and permissions are checked; =false trusts every role ARN (env SHOAL_ENFORCE_SERVICE_ROLES)")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := server.Defaults()
	if *configPath != "" {
		if err := cfg.LoadFile(*configPath); err != nil {
			fmt.Fprintln(stderr, "shoal:", err)
			return 2
		}
	}
	if err := cfg.ApplyEnv(os.LookupEnv); err != nil {
		fmt.Fprintln(stderr, "shoal:", err)
		return 2
	}
	for flagVal, field := range map[*string]*string{dataDir: &cfg.DataDir, addr: &cfg.Addr, consoleAdr: &cfg.ConsoleAddr, whAddr: &cfg.WarehouseAddr, fsync: &cfg.Fsync} {
		if *flagVal != "" {
			*field = *flagVal
		}
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "enforce-service-roles" {
			cfg.EnforceServiceRoles = *roles
		}
	})
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(stderr, "shoal: -log-level:", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		// A soft heap target keeps JetStream's block caches, which it releases
		// under GC pressure, from growing the process past a few hundred MiB.
		debug.SetMemoryLimit(defaultMemoryLimit)
		if _, set := os.LookupEnv("GOGC"); !set {
			// With the limit as the backstop, collect less often: fewer GC
			// cycles competing with request handling on small machines.
			debug.SetGCPercent(400)
		}
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "shoal:", err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintln(stderr, "shoal:", err)
		_ = srv.Close(context.Background())
		return 1
	}
	printBanner(stdout, srv)

	<-ctx.Done()
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Close(shutdownCtx); err != nil {
		logger.Error("shutdown", "err", err)
		return 1
	}
	return 0
}

// printBanner tells the user where things are. The secret is printed only on
// the start that generated it; later it stays in the data dir's file.
func printBanner(w io.Writer, srv *server.Server) {
	cfg := srv.Config()
	id, secret := srv.RootCredentials()
	fmt.Fprintf(w, "shoal %s\n", version)
	fmt.Fprintf(w, "  AWS endpoint:   %s   (Kinesis, Firehose, S3, Glue, Athena; region %s, account %s)\n", srv.Endpoint(), cfg.Region, cfg.AccountID)
	if u := srv.ConsoleURL(); u != "" {
		fmt.Fprintf(w, "  console:        %s   (sign in with the access key id and secret key)\n", u)
	}
	if a := srv.WarehouseAddr(); a != "" {
		fmt.Fprintf(w, "  warehouse:      postgres://%s/dev   (Redshift-style SQL; user = access key id, password = secret key)\n", a)
	}
	fmt.Fprintf(w, "  data dir:       %s   (fsync %s)\n", cfg.DataDir, cfg.Fsync)
	fmt.Fprintf(w, "  access key id:  %s\n", id)
	if srv.NewRoot {
		fmt.Fprintf(w, "  secret key:     %s   (generated now; kept in %s/root-credentials.json)\n", secret, cfg.DataDir)
	} else if cfg.RootAccessKeyID == "" {
		fmt.Fprintf(w, "  secret key:     in %s/root-credentials.json\n", cfg.DataDir)
	}
	fmt.Fprintln(w, "ready")
}
