package delivery

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/file"
	"github.com/shoal-dev/shoal/internal/natsjs"
)

// openStatsTest starts JetStream and the service over a file lake.
func openStatsTest(t *testing.T) (*Service, lake.Store) {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	js, err := natsjs.Start(ctx, natsjs.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = js.Close(context.Background()) })
	lk, err := file.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, js.JetStream(), Options{Logger: logger, Lake: lk, TickInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, lk
}

// waitStats polls the stream's stats until cond holds.
func waitStats(t *testing.T, s *Service, name, what string, cond func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		st, err := s.Stats(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %+v", what, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStatsBufferedThenDelivered(t *testing.T) {
	s, lk := openStatsTest(t)
	ctx := context.Background()
	if err := lk.CreateBucket(ctx, "lake-bucket"); err != nil {
		t.Fatal(err)
	}
	one, interval := 1, 2
	_, err := s.Create(ctx, CreateInput{Name: "fh", Destination: S3Destination{
		BucketARN: "arn:aws:s3:::lake-bucket", RoleARN: "arn:aws:iam::000000000000:role/r",
		ErrorOutputPrefix: ptr("errors/"), BufferingHints: &BufferingHints{SizeInMBs: &one, IntervalInSeconds: &interval}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, failed, err := s.PutRecords(ctx, "fh", [][]byte{[]byte("a1"), []byte("b22"), []byte("c333")}); err != nil || failed != 0 {
		t.Fatal(failed, err)
	}
	// The records wait for the 2-second interval; the stats see them buffered.
	st := waitStats(t, s, "fh", "buffered records", func(st Stats) bool { return st.BufferedRecords == 3 })
	if st.BufferedBytes != 9 || st.RecordsDelivered != 0 || st.BufferSizeBytes != 1<<20 || st.BufferInterval != 2*time.Second ||
		st.ErrorOutputPrefix != "s3://lake-bucket/errors/" || !st.LastDelivery.IsZero() {
		t.Fatalf("buffered: %+v", st)
	}
	st = waitStats(t, s, "fh", "delivery", func(st Stats) bool { return st.ObjectsDelivered == 1 })
	if st.BufferedRecords != 0 || st.BufferedBytes != 0 || st.RecordsDelivered != 3 || st.BytesDelivered != 9 ||
		st.LastDelivery.IsZero() || st.ErrorCount != 0 {
		t.Fatalf("delivered: %+v", st)
	}
	if _, err := s.Stats(ctx, "missing"); err == nil {
		t.Fatal("stats of a missing delivery stream")
	}
}

func TestStatsCountErrors(t *testing.T) {
	s, lk := openStatsTest(t)
	ctx := context.Background()
	tr, size, interval := true, 64, 1
	_, err := s.Create(ctx, CreateInput{Name: "dyn", Destination: S3Destination{
		BucketARN: "arn:aws:s3:::later-bucket", RoleARN: "arn:aws:iam::000000000000:role/r",
		Prefix: ptr("store_id=!{partitionKeyFromQuery:store_id}/"), ErrorOutputPrefix: ptr("error"),
		BufferingHints:                   &BufferingHints{SizeInMBs: &size, IntervalInSeconds: &interval},
		DynamicPartitioningConfiguration: &DynamicPartitioningConfiguration{Enabled: &tr},
		ProcessingConfiguration: &ProcessingConfiguration{Enabled: &tr, Processors: []Processor{{Type: "MetadataExtraction", Parameters: []ProcessorParameter{
			{ParameterName: "MetadataExtractionQuery", ParameterValue: "{store_id: .store_id}"}, {ParameterName: "JsonParsingEngine", ParameterValue: "JQ-1.6"}}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PutRecords(ctx, "dyn", [][]byte{[]byte(`{"store_id":"S1"}`), []byte("not json")}); err != nil {
		t.Fatal(err)
	}
	// The bucket does not exist yet: every write attempt fails and is retried.
	st := waitStats(t, s, "dyn", "a failed attempt", func(st Stats) bool { return st.ErrorCount >= 1 })
	if !strings.Contains(st.LastError, "later-bucket") || st.BufferedRecords != 2 {
		t.Fatalf("failed attempt: %+v", st)
	}
	if err := lk.CreateBucket(ctx, "later-bucket"); err != nil {
		t.Fatal(err)
	}
	before := st.ErrorCount
	st = waitStats(t, s, "dyn", "delivery", func(st Stats) bool { return st.RecordsDelivered == 1 && st.BufferedRecords == 0 })
	// The bad record went to the error output: one more error, and its cause.
	st = waitStats(t, s, "dyn", "error output", func(st Stats) bool {
		return st.ErrorCount > before && strings.Contains(st.LastError, "partitioning-failed")
	})
	if st.ObjectsDelivered != 1 {
		t.Fatalf("after delivery: %+v", st)
	}
}
