// Package console_test drives the console in headless Chromium against a
// real server with the store-inventory pipeline: the demo dashboard, a chart
// built in the browser, live updates, and the load and freshness benchmarks.
package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"github.com/shoal-dev/shoal/internal/console/browsertest"
	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/query"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/sim"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// fixture is a server with the reference pipeline and the demo dashboard,
// and a browser signed in to its console.
type fixture struct {
	env       *testenv.Env
	awsCfg    aws.Config
	pipeline  sim.Pipeline
	dashboard *dashboard.Dashboard
	gen       *sim.Generator
	base      string
	b         *browsertest.Browser
}

func newFixture(t testing.TB, mutate ...func(*server.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	env := testenv.Start(t, mutate...)
	f := &fixture{env: env, awsCfg: env.AWSConfig(), base: env.Server.ConsoleURL(),
		pipeline: sim.Reference("shoal-inventory", env.Server.Config().AccountID),
		gen:      sim.NewGenerator(10, 5, 1, time.Now)}
	if _, err := f.pipeline.Ensure(ctx, f.awsCfg); err != nil {
		t.Fatalf("create the pipeline: %v", err)
	}
	d, err := env.Server.Dashboards().Import(ctx, dashboard.StoreInventory(f.pipeline.Database, f.pipeline.Table))
	if err != nil {
		t.Fatalf("import the demo dashboard: %v", err)
	}
	f.dashboard = d
	f.b = browsertest.New(t)
	id, secret := env.Server.RootCredentials()
	f.b.SignIn(f.base, id, secret)
	return f
}

// put sends n simulated stock checks through the delivery stream.
func (f *fixture) put(t testing.TB, n int) {
	t.Helper()
	client := firehose.NewFromConfig(f.awsCfg)
	for n > 0 {
		batch := make([]fhtypes.Record, 0, min(n, 500))
		for range cap(batch) {
			raw, err := json.Marshal(f.gen.Next())
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, fhtypes.Record{Data: raw})
		}
		out, err := client.PutRecordBatch(context.Background(), &firehose.PutRecordBatchInput{
			DeliveryStreamName: aws.String(f.pipeline.DeliveryStream), Records: batch})
		if err != nil {
			t.Fatalf("PutRecordBatch: %v", err)
		}
		if c := aws.ToInt32(out.FailedPutCount); c != 0 {
			t.Fatalf("PutRecordBatch: %d records failed", c)
		}
		n -= len(batch)
	}
}

// count is the number of rows the table holds now.
func (f *fixture) count(t testing.TB) int64 {
	t.Helper()
	rs, err := f.env.Server.QueryService().Query(context.Background(), query.QueryInput{
		Query: fmt.Sprintf("SELECT count(*) FROM %s.%s", f.pipeline.Database, f.pipeline.Table)})
	if err != nil {
		t.Fatalf("count rows: %v", err)
	}
	n, _ := rs.Rows[0][0].(int64)
	return n
}

// waitCount waits until the table holds at least want rows.
func (f *fixture) waitCount(t testing.TB, want int64) {
	t.Helper()
	testenv.Eventually(t, 30*time.Second, fmt.Sprintf("%d rows in the table", want), func() bool { return f.count(t) >= want })
}

// refreshSnapshots refreshes the demo's SPICE datasets now.
func (f *fixture) refreshSnapshots(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	svc := f.env.Server.Dashboards()
	sets, err := svc.ListDatasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range sets {
		if d.Mode == dashboard.ModeSPICE {
			if _, err := svc.Refresh(ctx, d.ID); err != nil {
				t.Fatalf("refresh %s: %v", d.Name, err)
			}
		}
	}
}

func (f *fixture) dashboardURL(id string) string { return f.base + "/#/dashboards/" + id }
