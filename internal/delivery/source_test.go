package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kt "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/kpl"
	"github.com/shoal-dev/shoal/internal/natsjs"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/stream"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const role = "arn:aws:iam::000000000000:role/firehose"

type clients struct {
	kin *kinesis.Client
	fh  *firehose.Client
	s3  *s3.Client
}

func startEnv(t *testing.T, dir string) (*testenv.Env, clients) {
	t.Helper()
	env := testenv.Start(t, func(c *server.Config) {
		if dir != "" {
			c.DataDir = dir
		}
	})
	cfg := env.AWSConfig()
	return env, clients{kin: kinesis.NewFromConfig(cfg), fh: firehose.NewFromConfig(cfg),
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })}
}

// createPipeline makes a stream of n shards and a delivery stream reading
// it into a bucket, one record per line.
func createPipeline(t *testing.T, c clients, name string, shards int32) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatal(err)
	}
	dest := &fh.ExtendedS3DestinationConfiguration{
		BucketARN: aws.String("arn:aws:s3:::" + name), RoleARN: aws.String(role),
		BufferingHints:          &fh.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(1)},
		ProcessingConfiguration: &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}},
	}
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name), DeliveryStreamType: fh.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration:   &fh.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/" + name), RoleARN: aws.String(role)},
		ExtendedS3DestinationConfiguration: dest}); err != nil {
		t.Fatal(err)
	}
}

// putOrders puts n records "key:counter" over keys partition keys, each key
// numbered on from next[key].
func putOrders(t *testing.T, c clients, name string, n, keys int, next map[string]int) {
	t.Helper()
	var batch []kt.PutRecordsRequestEntry
	flush := func() {
		out, err := c.kin.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: batch})
		if err != nil || *out.FailedRecordCount != 0 {
			t.Fatalf("put: %v", err)
		}
		batch = nil
	}
	for i := range n {
		key := fmt.Sprintf("k%d", i%keys)
		batch = append(batch, kt.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: fmt.Appendf(nil, "%s:%d", key, next[key])})
		next[key]++
		if len(batch) == 100 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
}

// objects returns the bucket's objects split into lines.
func objects(t *testing.T, c clients, bucket string) [][]string {
	t.Helper()
	ctx := context.Background()
	out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var objs [][]string
	for _, o := range out.Contents {
		g, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(g.Body)
		g.Body.Close()
		objs = append(objs, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
	}
	return objs
}

// checkDelivered waits until every numbered record of next is in the
// bucket, then checks each is there once and that, within an object, each
// key's records are in order and no two objects interleave a key.
func checkDelivered(t *testing.T, c clients, bucket string, next map[string]int) {
	t.Helper()
	want := 0
	for _, n := range next {
		want += n
	}
	var objs [][]string
	testenv.Eventually(t, 30*time.Second, "records delivered", func() bool {
		objs = objects(t, c, bucket)
		n := 0
		for _, o := range objs {
			n += len(o)
		}
		return n >= want
	})
	seen := map[string]bool{}
	type span struct{ lo, hi int }
	spans := map[string][]span{}
	for _, o := range objs {
		last := map[string]int{}
		first := map[string]int{}
		for _, line := range o {
			if seen[line] {
				t.Fatalf("%s delivered twice", line)
			}
			seen[line] = true
			var key string
			var n int
			if _, err := fmt.Sscanf(strings.Replace(line, ":", " ", 1), "%s %d", &key, &n); err != nil {
				t.Fatalf("bad line %q", line)
			}
			if prev, ok := last[key]; ok && n <= prev {
				t.Fatalf("%s: %d after %d in one object", key, n, prev)
			}
			if _, ok := first[key]; !ok {
				first[key] = n
			}
			last[key] = n
		}
		for k := range last {
			spans[k] = append(spans[k], span{first[k], last[k]})
		}
	}
	if len(seen) != want {
		t.Fatalf("delivered %d records, want %d", len(seen), want)
	}
	for k, ss := range spans {
		for i, a := range ss {
			for _, b := range ss[i+1:] {
				if a.lo <= b.hi && b.lo <= a.hi {
					t.Fatalf("%s: objects interleave %v and %v", k, a, b)
				}
			}
		}
	}
}

func TestSourceFollowsSplitAndMerge(t *testing.T) {
	_, c := startEnv(t, "")
	ctx := context.Background()
	createPipeline(t, c, "orders", 1)
	next := map[string]int{}
	putOrders(t, c, "orders", 600, 20, next)
	mid := new(big.Int).Lsh(big.NewInt(1), 127).String()
	if _, err := c.kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("orders"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}); err != nil {
		t.Fatal(err)
	}
	putOrders(t, c, "orders", 600, 20, next)
	if _, err := c.kin.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("orders"), ShardToMerge: aws.String("shardId-000000000001"), AdjacentShardToMerge: aws.String("shardId-000000000002")}); err != nil {
		t.Fatal(err)
	}
	putOrders(t, c, "orders", 600, 20, next)
	checkDelivered(t, c, "orders", next)
}

func TestSourceDeaggregatesKPL(t *testing.T) {
	env, c := startEnv(t, "")
	ctx := context.Background()
	createPipeline(t, c, "kpl", 2)
	next := map[string]int{}
	var users []kpl.Record
	for i := range 120 {
		key := fmt.Sprintf("k%d", i%7)
		users = append(users, kpl.Record{PartitionKey: key, Data: fmt.Appendf(nil, "%s:%d", key, next[key])})
		next[key]++
	}
	var entries []kt.PutRecordsRequestEntry
	for i := 0; i < len(users); i += 40 {
		agg, err := kpl.Aggregate(users[i : i+40])
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, kt.PutRecordsRequestEntry{PartitionKey: aws.String(users[i].PartitionKey), Data: agg})
	}
	if _, err := c.kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("kpl"), Records: entries}); err != nil {
		t.Fatal(err)
	}
	// KPL magic with a bad digest is passed through whole, as the KCL does.
	bad, _ := kpl.Aggregate([]kpl.Record{{PartitionKey: "bad", Data: []byte("x")}})
	bad[len(bad)-1] ^= 0xff
	if _, err := c.kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kpl"), PartitionKey: aws.String("bad"), Data: bad}); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	testenv.Eventually(t, 30*time.Second, "bad aggregate delivered", func() bool {
		raw = nil
		for _, o := range objects(t, c, "kpl") {
			raw = append(raw, strings.Join(o, "\n")...)
		}
		return bytes.Contains(raw, bad)
	})
	checked := map[string]int{}
	for k, n := range next {
		checked[k] = n
	}
	// The pass-through record is one line that is not key:counter.
	objs := objects(t, c, "kpl")
	lines := 0
	for _, o := range objs {
		for _, l := range o {
			if strings.HasPrefix(l, "k") && strings.Contains(l, ":") {
				lines++
			}
		}
	}
	if lines != len(users) {
		t.Fatalf("%d user records delivered, want %d", lines, len(users))
	}
	st, err := env.Server.DeliveryService().Stats(ctx, "kpl")
	if err != nil || len(st.SourceShards) != 2 {
		t.Fatalf("stats: %+v %v", st, err)
	}
}

func TestSourceExactlyOnceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	next := map[string]int{}
	t.Run("before", func(t *testing.T) {
		_, c := startEnv(t, dir)
		createPipeline(t, c, "restart", 2)
		putOrders(t, c, "restart", 1500, 10, next)
		testenv.Eventually(t, 20*time.Second, "some delivered", func() bool { return len(objects(t, c, "restart")) > 0 })
		mid := new(big.Int).Lsh(big.NewInt(1), 126).String()
		if _, err := c.kin.SplitShard(context.Background(), &kinesis.SplitShardInput{StreamName: aws.String("restart"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}); err != nil {
			t.Fatal(err)
		}
		putOrders(t, c, "restart", 1500, 10, next)
	}) // the server closes here, mid-delivery
	env, c := startEnv(t, dir)
	putOrders(t, c, "restart", 1000, 10, next)
	checkDelivered(t, c, "restart", next)
	st, err := env.Server.DeliveryService().Stats(context.Background(), "restart")
	if err != nil || len(st.SourceShards) != 4 || st.SourceRecordsLost != 0 {
		t.Fatalf("stats: %+v %v", st, err)
	}
}

// A delivery stream whose checkpoint retention trimmed away (here: records
// purged while it was not running) resumes at the oldest record left and
// reports the loss in Stats.
func TestSourceReportsTrimmedRecords(t *testing.T) {
	dir := t.TempDir()
	next := map[string]int{}
	t.Run("first", func(t *testing.T) {
		_, c := startEnv(t, dir)
		createPipeline(t, c, "trim", 1)
		putOrders(t, c, "trim", 100, 5, next)
		checkDelivered(t, c, "trim", next)
	})
	// While the server is down: more records arrive, then the oldest of
	// them expire.
	func() {
		ctx := context.Background()
		js, err := natsjs.Start(ctx, natsjs.Options{Dir: filepath.Join(dir, "jetstream"), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		defer js.Close(ctx)
		streams, err := stream.Open(ctx, js.JetStream(), stream.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		defer streams.Close(ctx)
		for range 3 {
			entries := []stream.PutEntry{{PartitionKey: "k0", Data: []byte("lost")}, {PartitionKey: "k1", Data: []byte("lost")}}
			if _, err := streams.PutRecords(ctx, "trim", entries, make([]stream.PutResult, 2)); err != nil {
				t.Fatal(err)
			}
		}
		last := 0
		for name := range js.JetStream().StreamNames(ctx).Name() {
			if strings.HasPrefix(name, "KDS_") {
				st, _ := js.JetStream().Stream(ctx, name)
				last = int(st.CachedInfo().State.LastSeq)
				if err := st.Purge(ctx, jetstream.WithPurgeSequence(uint64(last+1))); err != nil {
					t.Fatal(err)
				}
			}
		}
		if last == 0 {
			t.Fatal("no shard storage found")
		}
	}()
	env, c := startEnv(t, dir)
	putOrders(t, c, "trim", 50, 5, next)
	checkDelivered(t, c, "trim", next)
	st, err := env.Server.DeliveryService().Stats(context.Background(), "trim")
	if err != nil || st.SourceRecordsLost < 3 || len(st.SourceDataLoss) != 1 || !strings.Contains(st.LastError, "expired") {
		t.Fatalf("stats: %+v %v", st, err)
	}
}
