package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kntypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/console"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/watch"
	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// metricsEnv is a running server plus a console wired to its services the
// way `shoal serve` wires them, and a signed-in client.
type metricsEnv struct {
	env     *testenv.Env
	changes *watch.Store
	base    string
	http    *http.Client
}

func startMetrics(t *testing.T) *metricsEnv {
	t.Helper()
	ctx := context.Background()
	env := testenv.Start(t)
	store, err := meta.Open(ctx, filepath.Join(t.TempDir(), "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	changes := watch.New(env.Server.LakeStore())
	c, err := console.New(console.Options{
		Router: env.Server.Router(), Store: store, AccountID: "000000000000", Region: "us-east-1",
		Credentials: awsapi.StaticCredentials{testenv.AccessKeyID: {SecretAccessKey: testenv.SecretAccessKey,
			Identity: awsapi.Identity{AccessKeyID: testenv.AccessKeyID, ARN: "arn:aws:iam::000000000000:root", Root: true}}},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Streams: env.Server.StreamService(), Delivery: env.Server.DeliveryService(), Changes: changes,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 90 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(srv.URL+"/signin", url.Values{"access_key_id": {testenv.AccessKeyID}, "secret_access_key": {testenv.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return &metricsEnv{env: env, changes: changes, base: srv.URL, http: hc}
}

// get fetches path and decodes its JSON into out, returning the status.
func (m *metricsEnv) get(t *testing.T, path string, out any) int {
	t.Helper()
	resp, err := m.http.Get(m.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

type streamMetricsDoc struct {
	Stream        string `json:"stream"`
	Shards        int    `json:"shards"`
	PeriodSeconds int    `json:"periodSeconds"`
	Points        []struct {
		T               string `json:"t"`
		IncomingRecords int64  `json:"incomingRecords"`
		IncomingBytes   int64  `json:"incomingBytes"`
		GetRecords      int64  `json:"getRecords"`
		IteratorAgeMs   int64  `json:"iteratorAgeMs"`
	} `json:"points"`
}

func TestStreamMetricsCountPutsAndReads(t *testing.T) {
	m := startMetrics(t)
	ctx := context.Background()
	kc := kinesis.NewFromConfig(m.env.AWSConfig())
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 10*time.Second, "stream active", func() bool {
		out, err := kc.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == kntypes.StreamStatusActive
	})
	var entries []kntypes.PutRecordsRequestEntry
	for i := range 20 {
		entries = append(entries, kntypes.PutRecordsRequestEntry{Data: []byte(fmt.Sprintf(`{"n":%02d}`, i)), PartitionKey: aws.String(fmt.Sprintf("k%02d", i))})
	}
	if out, err := kc.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("orders"), Records: entries}); err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatal(err)
	}
	read := 0
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String(shard), ShardIteratorType: kntypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		read += len(out.Records)
	}

	var doc streamMetricsDoc
	if st := m.get(t, "/api/metrics/streams/orders?minutes=5", &doc); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if doc.Stream != "orders" || doc.Shards != 2 || doc.PeriodSeconds != 10 || len(doc.Points) != 30 {
		t.Fatalf("stream %q shards %d period %d points %d", doc.Stream, doc.Shards, doc.PeriodSeconds, len(doc.Points))
	}
	var in, bytes, got int64
	for _, p := range doc.Points {
		if _, err := time.Parse(time.RFC3339, p.T); err != nil {
			t.Fatalf("point time %q: %v", p.T, err)
		}
		in, bytes, got = in+p.IncomingRecords, bytes+p.IncomingBytes, got+p.GetRecords
	}
	// Each record is 8 data bytes plus a 3-byte partition key.
	if in != 20 || bytes != 20*11 || read != 20 || got != 20 {
		t.Fatalf("incoming %d records %d bytes, read %d, counted reads %d", in, bytes, read, got)
	}
	if st := m.get(t, "/api/metrics/streams/orders", &doc); st != http.StatusOK || len(doc.Points) != 90 {
		t.Fatalf("default window: status %d, %d points", st, len(doc.Points))
	}
	if st := m.get(t, "/api/metrics/streams/nope", nil); st != http.StatusNotFound {
		t.Fatalf("missing stream: %d", st)
	}
	if st := m.get(t, "/api/metrics/streams/orders?minutes=61", nil); st != http.StatusBadRequest {
		t.Fatalf("minutes=61: %d", st)
	}
}

type deliveryStatsDoc struct {
	Name                  string  `json:"name"`
	BufferedRecords       int64   `json:"bufferedRecords"`
	BufferedBytes         int64   `json:"bufferedBytes"`
	BufferSizeBytes       int64   `json:"bufferSizeBytes"`
	BufferIntervalSeconds int64   `json:"bufferIntervalSeconds"`
	LastDelivery          *string `json:"lastDelivery"`
	RecordsDelivered      int64   `json:"recordsDelivered"`
	BytesDelivered        int64   `json:"bytesDelivered"`
	ObjectsDelivered      int64   `json:"objectsDelivered"`
	ErrorCount            int64   `json:"errorCount"`
	LastError             string  `json:"lastError"`
	ErrorOutputPrefix     string  `json:"errorOutputPrefix"`
}

func TestDeliveryStatsBufferedThenDelivered(t *testing.T) {
	m := startMetrics(t)
	ctx := context.Background()
	cfg := m.env.AWSConfig()
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inventory")}); err != nil {
		t.Fatal(err)
	}
	fc := firehose.NewFromConfig(cfg)
	_, err := fc.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("SI-Firehose"),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::inventory"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"),
			Prefix: aws.String("raw/"), ErrorOutputPrefix: aws.String("error"),
			BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(2)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var recs []fhtypes.Record
	size := int64(0)
	for i := range 5 {
		recs = append(recs, fhtypes.Record{Data: []byte(fmt.Sprintf(`{"store_id":"STORE_%d"}`+"\n", i))})
		size += int64(len(recs[i].Data))
	}
	if out, err := fc.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("SI-Firehose"), Records: recs}); err != nil || aws.ToInt32(out.FailedPutCount) != 0 {
		t.Fatal(err)
	}
	var doc deliveryStatsDoc
	poll := func(what string, cond func() bool) {
		t.Helper()
		testenv.Eventually(t, 15*time.Second, what, func() bool {
			return m.get(t, "/api/metrics/deliverystreams/SI-Firehose", &doc) == http.StatusOK && cond()
		})
	}
	// The 2-second interval holds the records in the buffer first.
	poll("buffered records", func() bool { return doc.BufferedRecords == 5 })
	if doc.Name != "SI-Firehose" || doc.BufferedBytes != size || doc.BufferSizeBytes != 1<<20 || doc.BufferIntervalSeconds != 2 ||
		doc.LastDelivery != nil || doc.RecordsDelivered != 0 || doc.ErrorOutputPrefix != "s3://inventory/error" {
		t.Fatalf("buffered: %+v", doc)
	}
	poll("delivery", func() bool { return doc.ObjectsDelivered == 1 })
	if doc.BufferedRecords != 0 || doc.RecordsDelivered != 5 || doc.BytesDelivered != size || doc.LastDelivery == nil || doc.ErrorCount != 0 {
		t.Fatalf("delivered: %+v", doc)
	}
	if _, err := time.Parse(time.RFC3339, *doc.LastDelivery); err != nil {
		t.Fatalf("lastDelivery %q: %v", *doc.LastDelivery, err)
	}
	if st := m.get(t, "/api/metrics/deliverystreams/nope", nil); st != http.StatusNotFound {
		t.Fatalf("missing delivery stream: %d", st)
	}
}

func TestChangesLongPollWakesOnLakeWrite(t *testing.T) {
	m := startMetrics(t)
	ctx := context.Background()
	var now struct {
		Version uint64 `json:"version"`
	}
	if st := m.get(t, "/api/changes?timeout=0", &now); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	type answer struct {
		version uint64
		status  int
	}
	woke := make(chan answer, 1)
	go func() {
		var v struct {
			Version uint64 `json:"version"`
		}
		resp, err := m.http.Get(fmt.Sprintf("%s/api/changes?since=%d&timeout=30", m.base, now.Version))
		if err != nil {
			woke <- answer{}
			return
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&v)
		woke <- answer{v.Version, resp.StatusCode}
	}()
	// The poll must still be waiting: nothing changed yet.
	select {
	case a := <-woke:
		t.Fatalf("answered before any change: %+v", a)
	case <-time.After(300 * time.Millisecond):
	}
	if err := m.changes.CreateBucket(ctx, "fresh-data"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.changes.PutObject(ctx, "fresh-data", "k", strings.NewReader("x"), lake.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-woke:
		if a.status != http.StatusOK || a.version <= now.Version {
			t.Fatalf("woke with %+v after version %d", a, now.Version)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the long poll did not wake after a lake write")
	}
	// A version from before a restart (above the counter) answers at once;
	// so does one already passed; a current one waits out the timeout.
	var v struct {
		Version uint64 `json:"version"`
	}
	start := time.Now()
	m.get(t, "/api/changes?since=999999&timeout=30", &v)
	m.get(t, "/api/changes?since=0&timeout=30", &v)
	if time.Since(start) > 5*time.Second || v.Version != m.changes.Version() {
		t.Fatalf("immediate answers took %s, version %d", time.Since(start), v.Version)
	}
	start = time.Now()
	if st := m.get(t, fmt.Sprintf("/api/changes?since=%d&timeout=1", v.Version), &v); st != http.StatusOK || time.Since(start) < time.Second {
		t.Fatalf("timeout: status %d after %s", st, time.Since(start))
	}
	if st := m.get(t, "/api/changes?since=x", nil); st != http.StatusBadRequest {
		t.Fatalf("since=x: %d", st)
	}
}
