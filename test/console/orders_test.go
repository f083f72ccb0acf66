package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shoal-dev/shoal/internal/console/browsertest"
	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/sim"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// TestOrdersDashboardRendersEveryVisual runs the demo's order-history flow
// (KPL-aggregated orders into a data stream, delivery from it, the crawler)
// and draws the orders dashboard over the crawled table.
func TestOrdersDashboardRendersEveryVisual(t *testing.T) {
	ctx := context.Background()
	env := testenv.Start(t)
	awsCfg := env.AWSConfig()
	p := sim.ReferenceOrders("cadabra-orderlogs", env.Server.Config().AccountID)
	p.CrawlSchedule = ""
	if _, err := p.Ensure(ctx, awsCfg); err != nil {
		t.Fatalf("create the order-history flow: %v", err)
	}
	o := sim.DefaultOrderOptions()
	id, secret := env.Server.RootCredentials()
	o.Endpoint, o.Region, o.AccessKeyID, o.SecretAccessKey = env.Server.Endpoint(), env.Server.Config().Region, id, secret
	o.Stream, o.Rate, o.Count, o.Aggregate, o.Seed, o.Newline = p.Stream, 20000, 3000, 4, 7, true
	producer, err := sim.NewOrders(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := producer.Run(ctx); err != nil || sum.Failed > 0 {
		t.Fatalf("put orders: %+v, %v", sum, err)
	}

	var tables []string
	testenv.Eventually(t, 30*time.Second, "a crawled orders table", func() bool {
		tables, err = p.Crawl(ctx, awsCfg)
		if err != nil {
			t.Fatalf("crawl: %v", err)
		}
		return len(tables) == 1
	})
	d, err := env.Server.Dashboards().Import(ctx, dashboard.Orders(p.Database, tables[0]))
	if err != nil {
		t.Fatalf("import the orders dashboard: %v", err)
	}
	f := &fixture{env: env, base: env.Server.ConsoleURL(), b: browsertest.New(t)}
	f.refreshSnapshots(t)
	f.b.SignIn(f.base, id, secret)
	f.b.Run(30*time.Second, chromedp.Navigate(f.dashboardURL(d.ID)))
	f.b.WaitFor(30*time.Second, `document.body.dataset.dashboardReady === '1'`)
	var visuals []visualState
	f.b.Eval(visualsJS, &visuals)
	f.b.Screenshot("order-history")
	if len(visuals) != len(d.Visuals) {
		t.Fatalf("%d visuals drawn, the dashboard has %d", len(visuals), len(d.Visuals))
	}
	checkVisualsDrawn(t, visuals)

	// The delivery stream's page tells how far behind the data stream it is.
	f.b.Run(30*time.Second, chromedp.Navigate(f.base+"/#/delivery/"+p.DeliveryStream))
	f.b.WaitFor(30*time.Second, `!!document.querySelector('[data-metric="millisBehindLatest"]')`)
	var lag string
	f.b.Eval(`document.querySelector('[data-metric="millisBehindLatest"]').textContent`, &lag)
	f.b.Screenshot("orders-delivery")
	if !strings.Contains(lag, "Behind source") || !strings.Contains(lag, "2 shards read") {
		t.Errorf("source lag card: %q", lag)
	}
	f.b.NoErrors()
}
