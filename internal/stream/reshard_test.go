package stream

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
	"github.com/shoal-dev/shoal/internal/natsjs"
)

func startJS(t *testing.T) jetstream.JetStream {
	t.Helper()
	js, err := natsjs.Start(context.Background(), natsjs.Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = js.Close(context.Background()) })
	return js.JetStream()
}

func mustOpen(t *testing.T, js jetstream.JetStream, o Options) *Service {
	t.Helper()
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := Open(context.Background(), js, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// readAll reads a shard from TRIM_HORIZON to its end (closed) or tip (open).
func readAll(t *testing.T, s *Service, name, shard string) (recs []Record, children []ChildShard) {
	t.Helper()
	ctx := context.Background()
	it, err := s.GetShardIterator(ctx, name, IteratorInput{ShardID: shard, Type: TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	for {
		out, err := s.GetRecords(ctx, it, 0)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, out.Records...)
		if out.NextShardIterator == "" {
			return recs, out.ChildShards
		}
		if len(out.Records) == 0 {
			return recs, nil
		}
		it = out.NextShardIterator
	}
}

func put(t *testing.T, s *Service, name string, n int, tag string) {
	t.Helper()
	entries := make([]PutEntry, n)
	for i := range entries {
		entries[i] = PutEntry{Data: []byte(fmt.Sprintf("%s-%d", tag, i)), PartitionKey: fmt.Sprint(i)}
	}
	res := make([]PutResult, n)
	if failed, err := s.PutRecords(context.Background(), name, entries, res); err != nil || failed != 0 {
		t.Fatal(failed, err)
	}
}

func TestSplitClosesParentAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	js := startJS(t)
	s := mustOpen(t, js, Options{})
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "r", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	put(t, s, "r", 100, "before")
	mid := new(big.Int).Lsh(big.NewInt(1), 127).String()
	if err := s.SplitShard(ctx, "r", "shardId-000000000000", mid); err != nil {
		t.Fatal(err)
	}
	put(t, s, "r", 100, "after")

	s2 := mustOpen(t, js, Options{}) // a restart: layout from metadata
	d, err := s2.DescribeStream(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Shards) != 3 || d.OpenShardCount != 2 || d.Shards[0].EndingSequenceNumber == "" ||
		d.Shards[1].ParentShardID != "shardId-000000000000" || d.Shards[2].StartingHashKey != mid {
		t.Fatalf("after split: %+v", d)
	}
	parent, children := readAll(t, s2, "r", "shardId-000000000000")
	if len(parent) != 100 || len(children) != 2 || children[1].ParentShards[0] != "shardId-000000000000" {
		t.Fatalf("parent: %d records, children %+v", len(parent), children)
	}
	if last := string(AppendSequenceNumber(nil, parent[99].Seq)); last > d.Shards[0].EndingSequenceNumber {
		t.Fatalf("record %s after the end %s", last, d.Shards[0].EndingSequenceNumber)
	}
	a, _ := readAll(t, s2, "r", "shardId-000000000001")
	b, _ := readAll(t, s2, "r", "shardId-000000000002")
	if len(a)+len(b) != 100 || len(a) == 0 || len(b) == 0 {
		t.Fatalf("children hold %d and %d records", len(a), len(b))
	}
	put(t, s2, "r", 10, "restarted") // routes to the open children only
	if d2, _ := s2.DescribeStream(ctx, "r"); d2.Shards[0].EndingSequenceNumber != d.Shards[0].EndingSequenceNumber {
		t.Fatal("closed shard changed")
	}
}

func TestReshardStateMachine(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, startJS(t), Options{ReshardDelay: 300 * time.Millisecond})
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "r", ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.MergeShards(ctx, "r", "shardId-000000000000", "shardId-000000000001"); err != nil {
			t.Error(err)
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, _ := s.DescribeStream(ctx, "r")
		if d.Status == StatusUpdating {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never UPDATING")
		}
		time.Sleep(time.Millisecond)
	}
	put(t, s, "r", 10, "during") // writes go on while UPDATING
	err := s.SplitShard(ctx, "r", "shardId-000000000000", "12345")
	if se, ok := err.(*awserr.Error); !ok || se.Code != awserr.InUse {
		t.Fatalf("reshard while UPDATING: %v", err)
	}
	wg.Wait()
	d, _ := s.DescribeStream(ctx, "r")
	if d.Status != StatusActive || d.OpenShardCount != 1 || d.Shards[2].AdjacentParentShardID != "shardId-000000000001" {
		t.Fatalf("after merge: %+v", d)
	}
}

func TestUpdateShardCountUniform(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, startJS(t), Options{})
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "u", ShardCount: 3}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []int{5, 3, 2, 4} {
		if _, err := s.UpdateShardCount(ctx, "u", target); err != nil {
			t.Fatalf("to %d: %v", target, err)
		}
		d, _ := s.DescribeStream(ctx, "u")
		want := uniformShards(target, 0, time.Time{})
		var open []Shard
		for _, sh := range d.Shards {
			if sh.EndingSequenceNumber == "" {
				open = append(open, sh)
			}
		}
		sort.Slice(open, func(i, j int) bool { return bigKey(open[i].StartingHashKey).Cmp(bigKey(open[j].StartingHashKey)) < 0 })
		if len(open) != target {
			t.Fatalf("to %d: %d open", target, len(open))
		}
		for i, sh := range open {
			if sh.StartingHashKey != want[i].Start || sh.EndingHashKey != want[i].End {
				t.Fatalf("to %d: shard %d is %s..%s, want %s..%s", target, i, sh.StartingHashKey, sh.EndingHashKey, want[i].Start, want[i].End)
			}
		}
		put(t, s, "u", 50, "x")
	}
	for _, tc := range []struct {
		target int
		kind   awserr.Code
	}{{9, awserr.LimitExceeded}, {1, awserr.LimitExceeded}} {
		if _, err := s.UpdateShardCount(ctx, "u", tc.target); err == nil || err.(*awserr.Error).Code != tc.kind {
			t.Fatalf("to %d: %v", tc.target, err)
		}
	}
}

// Writers racing a split: every acknowledged record is read back once, and
// none lands in the parent after its ending sequence number.
func TestSplitDuringWrites(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, startJS(t), Options{})
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "w", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				e := PutEntry{Data: fmt.Appendf(nil, "%d-%d", g, i), PartitionKey: fmt.Sprint(i)}
				if _, err := s.PutRecord(ctx, "w", e); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[string(e.Data)] = true
				mu.Unlock()
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let writes flow before the split
	if err := s.SplitShard(ctx, "w", "shardId-000000000000", new(big.Int).Lsh(big.NewInt(1), 127).String()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	d, _ := s.DescribeStream(ctx, "w")
	seen := map[string]bool{}
	for _, sh := range d.Shards {
		recs, _ := readAll(t, s, "w", sh.ID)
		for _, r := range recs {
			if sh.EndingSequenceNumber != "" && string(AppendSequenceNumber(nil, r.Seq)) > sh.EndingSequenceNumber {
				t.Fatalf("%s: record after the end", sh.ID)
			}
			if seen[string(r.Data)] {
				t.Fatalf("%s read twice", r.Data)
			}
			seen[string(r.Data)] = true
		}
	}
	if len(seen) != len(acked) {
		t.Fatalf("read %d records, %d acknowledged", len(seen), len(acked))
	}
}

// Records trimmed away (as retention does) are skipped, also when a closed
// shard lost all of them: the reader still reaches the end and its children.
func TestTrimmedClosedShardReachesEnd(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, startJS(t), Options{})
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "t", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		put(t, s, "t", 10, "old")
	}
	it, _ := s.GetShardIterator(ctx, "t", IteratorInput{ShardID: "shardId-000000000000", Type: TrimHorizon})
	if err := s.SplitShard(ctx, "t", "shardId-000000000000", "1000"); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.lookup("t")
	st, err := s.js.Stream(ctx, ds.layout.Load().all[0].jsName)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := s.GetRecords(ctx, it, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Records) != 0 || out.NextShardIterator != "" || len(out.ChildShards) != 2 {
		t.Fatalf("%+v", out)
	}
}
