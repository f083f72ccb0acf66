package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/sim"
)

// ordersDemo runs the order-history flow beside the inventory workshop:
// orders into the CadabraOrders stream, a delivery stream from it to the
// lake, a crawler over the lake, the external schema on the warehouse
// endpoint and the orders dashboard once the crawler found the table.
type ordersDemo struct {
	srv      *server.Server
	aws      aws.Config
	pipeline sim.OrdersPipeline
	out      io.Writer
	log      *slog.Logger
}

// crawlEvery is how often the demo crawls until the first table appears.
const crawlEvery = 5 * time.Second

func newOrdersDemo(srv *server.Server, awsCfg aws.Config, bucket string, out io.Writer, log *slog.Logger) *ordersDemo {
	return &ordersDemo{srv: srv, aws: awsCfg, pipeline: sim.ReferenceOrders(bucket, srv.Config().AccountID), out: out, log: log}
}

// start creates the flow and runs its producer and cataloguing in the
// background; errors after setup are logged, as the inventory flow goes on.
func (d *ordersDemo) start(ctx context.Context, so sim.Options, rate float64) ([]string, error) {
	created, err := d.pipeline.Ensure(ctx, d.aws)
	if err != nil {
		return created, fmt.Errorf("order-history flow: %w", err)
	}
	oo := sim.DefaultOrderOptions()
	oo.Options = so
	// Newline-delimited, so Athena and the crawler read one order line per line.
	oo.Stream, oo.DeliveryStream, oo.Rate, oo.Aggregate, oo.Newline = d.pipeline.Stream, "", rate, 4, true
	producer, err := sim.NewOrders(ctx, oo)
	if err != nil {
		return created, fmt.Errorf("orders simulator: %w", err)
	}
	go func() {
		if _, err := producer.Run(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("orders simulator stopped", "err", err)
		}
	}()
	go d.catalog(ctx)
	return created, nil
}

// catalog crawls until the delivered orders have a table, then installs
// the dashboard and the external schema over it. The crawler's schedule
// adds the partitions of later hours.
func (d *ordersDemo) catalog(ctx context.Context) {
	for ctx.Err() == nil {
		tables, err := d.pipeline.Crawl(ctx, d.aws)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			d.log.Warn("crawl the orders", "err", err)
		case len(tables) > 0:
			d.publish(ctx, tables[0])
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(crawlEvery):
		}
	}
}

func (d *ordersDemo) publish(ctx context.Context, table string) {
	p := d.pipeline
	fmt.Fprintf(d.out, "\nOrder history: the crawler catalogued %s.%s (partition_0..3 = YYYY/MM/dd/HH).\n", p.Database, table)
	if url, err := ensureDashboard(ctx, d.srv, dashboard.OrdersDashboard, func() dashboard.ImportDocument {
		return dashboard.Orders(p.Database, table)
	}); err != nil {
		d.log.Warn("orders dashboard", "err", err)
	} else if url != "" {
		fmt.Fprintf(d.out, "  dashboard \"%s\": %s\n", dashboard.OrdersDashboard, url)
	}
	if addr := d.srv.WarehouseAddr(); addr != "" {
		role := sim.SpectrumRole(d.srv.Config().AccountID)
		if _, err := role.Ensure(ctx, d.aws); err != nil {
			d.log.Warn("spectrum role", "err", err)
			return
		}
		if err := createExternalSchema(ctx, d.srv, ordersSchema, p.Database, role.ARN); err != nil {
			d.log.Warn("external schema", "err", err)
			return
		}
		host, port, _ := net.SplitHostPort(addr)
		id, _ := d.srv.RootCredentials()
		fmt.Fprintf(d.out, "  external schema %s on the warehouse endpoint; try:\n    PGPASSWORD=<secret key> psql \"host=%s port=%s user=%s dbname=dev\" -c \"%s\"\n",
			ordersSchema, host, port, id, fmt.Sprintf(ordersQuery, ordersSchema+"."+table))
	}
}

// ordersSchema is the external schema the demo creates on the warehouse endpoint.
const ordersSchema = "orderlogs_schema"

// ordersQuery is the France query, over a table name.
const ordersQuery = "select description, count(*) as count from %s where country='France' group by description order by count desc limit 10"

// createExternalSchema maps a Glue database into the warehouse as a Spectrum
// external schema acting as roleARN, through the endpoint as any Postgres
// client would.
func createExternalSchema(ctx context.Context, srv *server.Server, schema, database, roleARN string) error {
	host, port, err := net.SplitHostPort(srv.WarehouseAddr())
	if err != nil {
		return err
	}
	id, secret := srv.RootCredentials()
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s user=%s dbname=dev sslmode=disable", host, port, id))
	if err != nil {
		return err
	}
	cfg.Password = secret
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to the warehouse: %w", err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, fmt.Sprintf("CREATE EXTERNAL SCHEMA IF NOT EXISTS %s FROM DATA CATALOG DATABASE '%s' IAM_ROLE '%s'",
		schema, database, roleARN))
	return err
}
