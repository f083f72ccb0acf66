package main

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is written by the demo while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runDemoUntil runs `shoal demo` on dir until its output matches every one
// of res, then stops it as Ctrl-C would, and returns the output.
func runDemoUntil(t *testing.T, dir string, res ...*regexp.Regexp) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"demo", "--data-dir", dir, "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0", "--warehouse-addr", "127.0.0.1:0",
			"--rate", "100", "--orders-rate", "200", "--query-every", "500ms"}, &stdout, &stderr)
	}()
	deadline := time.After(60 * time.Second)
	for _, re := range res {
		for !re.MatchString(stdout.String()) {
			select {
			case c := <-code:
				t.Fatalf("demo exited with %d before %s\nstdout:\n%s\nstderr:\n%s", c, re, stdout.String(), stderr.String())
			case <-deadline:
				t.Fatalf("no %s within 60s\nstdout:\n%s\nstderr:\n%s", re, stdout.String(), stderr.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("demo exited with %d\nstderr:\n%s", c, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "stopping: sent ") {
		t.Fatalf("no summary at stop:\n%s", out)
	}
	return out
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	// A query answer with rows, printed under the column names.
	answered := regexp.MustCompile(`sent \d+ records \([\d.]+/s\); [1-9]\d* low-stock checks not yet notified .*\n +store_id +product_id +product_name`)
	// The order-history flow: crawled, charted, and mapped into the warehouse.
	ordersReady := regexp.MustCompile(`(?s)catalogued orderlogs\.cadabra_orderlogs.*dashboard "Order history": http://.*external schema orderlogs_schema`)
	out := runDemoUntil(t, dir, answered, ordersReady)
	for _, want := range []string{
		"created:       bucket shoal-inventory, role firehose-delivery-role, database conversion_db, table conversion_db.conversion_table, delivery stream SI-Firehose",
		"export AWS_ACCESS_KEY_ID=AKIA",
		"athena start-query-execution --query-string \"SELECT * FROM conversion_db.conversion_table WHERE is_stock_low = true AND notification_sent = false\"",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	// A second run on the same data dir reuses the pipeline and still answers.
	out = runDemoUntil(t, dir, answered, ordersReady)
	if !strings.Contains(out, "created:       nothing; the pipeline in the data dir is reused") ||
		!strings.Contains(out, "Order history flow, created: nothing; the pipeline in the data dir is reused") {
		t.Fatalf("second run:\n%s", out)
	}
}
