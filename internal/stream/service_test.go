package stream

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/awserr"
	"github.com/shoal-dev/shoal/internal/natsjs"
)

// openTest starts an embedded JetStream on a temp dir and opens the service.
func openTest(tb testing.TB, o Options) *Service {
	tb.Helper()
	ctx := context.Background()
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	js, err := natsjs.Start(ctx, natsjs.Options{Dir: tb.TempDir(), Logger: o.Logger})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = js.Close(context.Background()) })
	s, err := Open(ctx, js.JetStream(), o)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func makeEntries(n, size int) []PutEntry {
	entries := make([]PutEntry, n)
	for i := range entries {
		entries[i] = PutEntry{Data: make([]byte, size), PartitionKey: fmt.Sprintf("pk-%d", i)}
	}
	return entries
}

func TestIteratorExpiry(t *testing.T) {
	now := time.Now()
	s := openTest(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "x", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	it, err := s.GetShardIterator(ctx, "x", IteratorInput{ShardID: "shardId-000000000000", Type: TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(DefaultIteratorTTL - time.Second)
	if _, err := s.GetRecords(ctx, it, 0); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	now = now.Add(2 * time.Second)
	_, err = s.GetRecords(ctx, it, 0)
	if se, ok := err.(*awserr.Error); !ok || se.Code != awserr.ExpiredIterator {
		t.Fatalf("want expired, got %v", err)
	}
}

func TestReadSpansMessagesAndBudget(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "x", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	// 30 messages of 400 records of 1 KiB: 12,000 records, ~12 MiB.
	for range 30 {
		entries := makeEntries(400, 1024)
		res := make([]PutResult, len(entries))
		if failed, err := s.PutRecords(ctx, "x", entries, res); err != nil || failed != 0 {
			t.Fatal(failed, err)
		}
	}
	it, _ := s.GetShardIterator(ctx, "x", IteratorInput{ShardID: "shardId-000000000000", Type: TrimHorizon})
	total := 0
	var last SeqNum
	for {
		out, err := s.GetRecords(ctx, it, 0)
		if err != nil {
			t.Fatal(err)
		}
		size := 0
		for _, r := range out.Records {
			size += len(r.Data) + len(r.PartitionKey)
			if total > 0 && (r.Seq.MsgSeq < last.MsgSeq || (r.Seq.MsgSeq == last.MsgSeq && r.Seq.Index != last.Index+1)) {
				t.Fatalf("out of order: %+v after %+v", r.Seq, last)
			}
			last = r.Seq
			total++
		}
		if size > MaxGetRecordsBytes || len(out.Records) > MaxGetRecordsLimit {
			t.Fatalf("page of %d records, %d bytes", len(out.Records), size)
		}
		it = out.NextShardIterator
		if len(out.Records) == 0 {
			break
		}
	}
	if total != 12000 {
		t.Fatalf("read %d records", total)
	}
}

func BenchmarkPutRecords(b *testing.B) {
	s := openTest(b, Options{})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "bench", ShardCount: 4}); err != nil {
		b.Fatal(err)
	}
	entries := makeEntries(500, 200)
	b.SetBytes(500 * 200)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		res := make([]PutResult, len(entries))
		for pb.Next() {
			if failed, err := s.PutRecords(ctx, "bench", entries, res); err != nil || failed != 0 {
				b.Error(failed, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)*500/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkGetRecords(b *testing.B) {
	s := openTest(b, Options{})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "bench", ShardCount: 1}); err != nil {
		b.Fatal(err)
	}
	entries := makeEntries(500, 200)
	res := make([]PutResult, len(entries))
	for range 200 { // 100,000 records
		if _, err := s.PutRecords(ctx, "bench", entries, res); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(10000 * 200)
	b.ReportAllocs()
	b.ResetTimer()
	records := 0
	it, _ := s.GetShardIterator(ctx, "bench", IteratorInput{ShardID: "shardId-000000000000", Type: TrimHorizon})
	for range b.N {
		out, err := s.GetRecords(ctx, it, 0)
		if err != nil {
			b.Fatal(err)
		}
		records += len(out.Records)
		it = out.NextShardIterator
		if len(out.Records) == 0 {
			it, _ = s.GetShardIterator(ctx, "bench", IteratorInput{ShardID: "shardId-000000000000", Type: TrimHorizon})
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}
