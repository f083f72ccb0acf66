package stream

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestMetricsCountPutsAndGets(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "m", ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	entries := makeEntries(10, 100) // partition keys "pk-0".."pk-9": 4 bytes each
	res := make([]PutResult, len(entries))
	if _, err := s.PutRecords(ctx, "m", entries, res); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecord(ctx, "m", PutEntry{Data: []byte("hello"), PartitionKey: "k"}); err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it, err := s.GetShardIterator(ctx, "m", IteratorInput{ShardID: sh, Type: TrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.GetRecords(ctx, it, 0)
		if err != nil {
			t.Fatal(err)
		}
		read += len(out.Records)
	}
	m, err := s.Metrics("m", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if m.Shards != 2 || m.Period != MetricsPeriod || len(m.Points) != 90 {
		t.Fatalf("shards %d period %s points %d", m.Shards, m.Period, len(m.Points))
	}
	var in, bytes, got int64
	for i, p := range m.Points {
		in += p.IncomingRecords
		bytes += p.IncomingBytes
		got += p.GetRecords
		if i > 0 && p.Start.Sub(m.Points[i-1].Start) != MetricsPeriod {
			t.Fatalf("points not evenly spaced at %d", i)
		}
	}
	if in != 11 || bytes != 10*104+6 || got != int64(read) || read != 11 {
		t.Fatalf("incoming %d records %d bytes, got %d (read %d)", in, bytes, got, read)
	}
	if _, err := s.Metrics("nope", time.Minute); err == nil {
		t.Fatal("metrics of a missing stream")
	}
}

func TestMetricsRingRecyclesAndKeepsMax(t *testing.T) {
	var m streamMetrics
	base := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	at := base.UnixMilli()
	m.notePut(at, 3, 30)
	m.noteGet(at, 2, 500)
	m.noteGet(at+1, 1, 200)
	// An hour later the same slot holds the new period only.
	later := base.Add(MetricsHistory)
	m.notePut(later.UnixMilli(), 1, 7)
	pts := m.points(later, MetricsPeriod)
	if len(pts) != 1 || pts[0].IncomingRecords != 1 || pts[0].IncomingBytes != 7 || pts[0].IteratorAgeMs != 0 {
		t.Fatalf("recycled slot: %+v", pts)
	}
	// A stalled writer from the old period is dropped, not mixed in.
	m.notePut(at, 5, 5)
	if pts := m.points(later, MetricsPeriod); pts[0].IncomingRecords != 1 {
		t.Fatalf("stale write counted: %+v", pts)
	}
	var m2 streamMetrics
	m2.noteGet(at, 2, 500)
	m2.noteGet(at+1, 1, 200)
	if pts := m2.points(base, time.Minute); pts[len(pts)-1].IteratorAgeMs != 500 || pts[len(pts)-1].GetRecords != 3 {
		t.Fatalf("max iterator age: %+v", pts[len(pts)-1])
	}
}

func TestMetricsConcurrentWriters(t *testing.T) {
	var m streamMetrics
	start := time.Now().UnixMilli()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				// Spread over three periods so slots recycle under contention.
				m.notePut(start+int64((g*1000+i)%3)*periodMillis, 1, 2)
			}
		}()
	}
	wg.Wait()
	var n, b int64
	for _, p := range m.points(time.UnixMilli(start+2*periodMillis), 3*MetricsPeriod) {
		n += p.IncomingRecords
		b += p.IncomingBytes
	}
	if n != 8000 || b != 16000 {
		t.Fatalf("counted %d records, %d bytes", n, b)
	}
}

// BenchmarkMetricsNotePut is the cost PutRecords pays per call for metrics.
func BenchmarkMetricsNotePut(b *testing.B) {
	var m streamMetrics
	at := time.Now().UnixMilli()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.notePut(at, 500, 100000)
		}
	})
}
