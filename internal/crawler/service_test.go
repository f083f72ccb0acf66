package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/file"
	"github.com/shoal-dev/shoal/internal/meta"
)

// svcEnv is a crawler service over a real metadata store, catalog and
// file lake in a temp dir.
type svcEnv struct {
	dir   string
	store *meta.Store
	cat   *catalog.Service
	lake  lake.Store
	svc   *Service
}

func newSvcEnv(tb testing.TB, wrap func(lake.Store) lake.Store) *svcEnv {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	fl, err := file.Open(filepath.Join(dir, "lake"))
	if err != nil {
		tb.Fatal(err)
	}
	store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		tb.Fatal(err)
	}
	e := &svcEnv{dir: dir, store: store, cat: catalog.New(store, catalog.Options{}), lake: fl}
	if wrap != nil {
		e.lake = wrap(fl)
	}
	e.svc = e.open(tb)
	tb.Cleanup(func() { _ = store.Close(ctx) })
	return e
}

// open starts a service on the env's store, closed when tb ends.
func (e *svcEnv) open(tb testing.TB) *Service {
	tb.Helper()
	svc := New(Options{Store: e.store, Catalog: e.cat, Lake: e.lake, Logger: slog.New(slog.DiscardHandler)})
	if err := svc.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = svc.Close(context.Background()) })
	return svc
}

func (e *svcEnv) put(tb testing.TB, bucket, key, body string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := e.lake.HeadBucket(ctx, bucket); errors.Is(err, lake.ErrNoSuchBucket) {
		if err := e.lake.CreateBucket(ctx, bucket); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := e.lake.PutObject(ctx, bucket, key, strings.NewReader(body), lake.PutOptions{}); err != nil {
		tb.Fatal(err)
	}
}

// gatedLake holds every object read until the gate opens, so a test can
// act while a crawl is surely in progress.
type gatedLake struct {
	lake.Store
	gate chan struct{}
}

func (g *gatedLake) GetObject(ctx context.Context, bucket, key string, rng *lake.Range) (io.ReadCloser, lake.ObjectInfo, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, lake.ObjectInfo{}, ctx.Err()
	}
	return g.Store.GetObject(ctx, bucket, key, rng)
}

func waitState(t *testing.T, svc *Service, name, state string) *Crawler {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := svc.Get(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if c.State == state {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("crawler %s is %s, want %s", name, c.State, state)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testDefinition(name string) Definition {
	return Definition{Name: name, Role: "role", DatabaseName: "db", Targets: []S3Target{{Path: "s3://data/t/"}}}
}

func TestStopCrawl(t *testing.T) {
	ctx := context.Background()
	gate := &gatedLake{gate: make(chan struct{})}
	e := newSvcEnv(t, func(s lake.Store) lake.Store { gate.Store = s; return gate })
	e.put(t, "data", "t/2026/01/a.json", `{"a":1}`)
	if err := e.svc.Create(ctx, testDefinition("c"), nil); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.StartCrawl(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.StartCrawl(ctx, "c"); !errors.Is(err, ErrRunning) {
		t.Fatalf("second start: %v", err)
	}
	if err := e.svc.Update(ctx, "c", func(d *Definition) error { d.Description = "x"; return nil }); !errors.Is(err, ErrRunning) {
		t.Fatalf("update while running: %v", err)
	}
	c := waitState(t, e.svc, "c", StateRunning)
	ms, _, err := e.svc.Metrics(ctx, []string{"c"}, Page{})
	if err != nil || len(ms) != 1 || !ms[0].StillEstimating {
		t.Fatalf("metrics while blocked before the first object: %+v %v", ms, err)
	}
	if c.CrawlElapsed < 0 {
		t.Fatalf("elapsed %v", c.CrawlElapsed)
	}
	if err := e.svc.StopCrawl(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.StopCrawl(ctx, "c"); !errors.Is(err, ErrStopping) && !errors.Is(err, ErrNotRunning) {
		t.Fatalf("second stop: %v", err)
	}
	c = waitState(t, e.svc, "c", StateReady)
	if c.LastCrawl == nil || c.LastCrawl.Status != StatusCancelled {
		t.Fatalf("last crawl after stop: %+v", c.LastCrawl)
	}
	close(gate.gate)
}

func TestCrawlInterruptedByRestart(t *testing.T) {
	ctx := context.Background()
	gate := &gatedLake{gate: make(chan struct{})}
	e := newSvcEnv(t, func(s lake.Store) lake.Store { gate.Store = s; return gate })
	e.put(t, "data", "t/a.json", `{"a":1}`)
	if err := e.svc.Create(ctx, testDefinition("c"), map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.StartCrawl(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	// A second service on the same store is what the next process sees
	// after a kill: the first never recorded the crawl's end.
	next := e.open(t)
	c, err := next.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateReady || c.LastCrawl == nil || c.LastCrawl.Status != StatusFailed || c.LastCrawl.ErrorMessage != errInterruptedByRestart {
		t.Fatalf("crawler after restart: state %s, last crawl %+v", c.State, c.LastCrawl)
	}
	if tags, err := next.Tags(ctx, "c"); err != nil || tags["k"] != "v" {
		t.Fatalf("tags after restart: %v %v", tags, err)
	}
	close(gate.gate)
}

func TestSchedulerStartsDueCrawls(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 11, 59, 0, 0, time.UTC)
	e := newSvcEnv(t, nil)
	// Not started: the test drives the scheduler's steps with its own clock.
	e.svc = New(Options{Store: e.store, Catalog: e.cat, Lake: e.lake, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	t.Cleanup(func() { _ = e.svc.Close(ctx) })
	e.put(t, "data", "t/a.json", `{"a":1}`)
	def := testDefinition("sched")
	def.Schedule = "cron(0 12 * * ? *)"
	if err := e.svc.Create(ctx, def, nil); err != nil {
		t.Fatal(err)
	}
	next, err := e.svc.nextFire(ctx, now)
	if err != nil || !next.Equal(now.Add(time.Minute)) {
		t.Fatalf("next fire %v %v", next, err)
	}
	e.svc.fireDue(ctx, now, now.Add(30*time.Second))
	if c, _ := e.svc.Get(ctx, "sched"); c.State != StateReady || c.LastCrawl != nil {
		t.Fatalf("crawl started before its time: %+v", c)
	}
	e.svc.fireDue(ctx, now, now.Add(time.Minute))
	if err := e.svc.Wait(ctx, "sched"); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Get(ctx, "sched")
	if err != nil || c.LastCrawl == nil || c.LastCrawl.Status != StatusSucceeded {
		t.Fatalf("scheduled crawl: %+v %v", c, err)
	}
	if err := e.svc.StopSchedule(ctx, "sched"); err != nil {
		t.Fatal(err)
	}
	if next, _ := e.svc.nextFire(ctx, now); !next.IsZero() {
		t.Fatalf("stopped schedule still fires at %v", next)
	}
}

// BenchmarkCrawl10kObjects crawls 10,000 small JSON objects in 1,000
// Firehose-layout partitions end to end: listing, classification,
// inference and catalog writes into a fresh database each time.
func BenchmarkCrawl10kObjects(b *testing.B) {
	ctx := context.Background()
	e := newSvcEnv(b, nil)
	e.put(b, "bench", "orders/_SUCCESS", "")
	var size atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	sem := make(chan struct{}, 8) // puts wait on fsync; overlap them
	for p := range 1000 {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			hour := fmt.Sprintf("2026/%02d/%02d/%02d", p/240+1, p/24%10+1, p%24)
			for o := range 10 {
				body := fmt.Sprintf(`{"InvoiceNo":"%d","StockCode":"84879","Description":"BIRD ORNAMENT","Quantity":%d,"UnitPrice":1.69,"Country":"France"}`+"\n", p*10+o, o)
				key := fmt.Sprintf("orders/%s/orders-%d.json", hour, o)
				if _, err := e.lake.PutObject(ctx, "bench", key, strings.NewReader(body), lake.PutOptions{}); err != nil {
					errs <- err
					return
				}
				size.Add(int64(len(body)))
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size.Load())
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		def := Definition{Name: fmt.Sprintf("bench-%d", i), Role: "role", DatabaseName: fmt.Sprintf("bench_%d", i),
			Targets: []S3Target{{Path: "s3://bench/orders/"}}}
		if err := e.svc.Create(ctx, def, nil); err != nil {
			b.Fatal(err)
		}
		if err := e.svc.StartCrawl(ctx, def.Name); err != nil {
			b.Fatal(err)
		}
		if err := e.svc.Wait(ctx, def.Name); err != nil {
			b.Fatal(err)
		}
		c, err := e.svc.Get(ctx, def.Name)
		if err != nil || c.LastCrawl.Status != StatusSucceeded {
			b.Fatalf("crawl: %+v %v", c.LastCrawl, err)
		}
	}
	b.StopTimer()
	parts, _, err := e.cat.GetPartitions(ctx, "bench_0", "orders", catalog.PartitionQuery{})
	if err != nil || len(parts) != 1000 {
		b.Fatalf("partitions: %d %v", len(parts), err)
	}
}
