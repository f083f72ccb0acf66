package sim_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/sim"
	"github.com/shoal-dev/shoal/internal/testenv"
)

var checkTime = time.Date(2025, 7, 17, 3, 50, 31, 0, time.UTC)

func options(env *testenv.Env) sim.Options {
	o := sim.Defaults()
	o.Endpoint = env.Server.Endpoint()
	o.AccessKeyID, o.SecretAccessKey = env.Server.RootCredentials()
	o.Rate, o.Seed = 2000, 3
	o.Now = func() time.Time { return checkTime }
	return o
}

func produce(t *testing.T, o sim.Options) sim.Summary {
	t.Helper()
	p, err := sim.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != o.Count || sum.Failed != 0 {
		t.Fatalf("summary %v, want %d sent", sum, o.Count)
	}
	return sum
}

func TestDataStream(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	kc := kinesis.NewFromConfig(env.AWSConfig())
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("inventory"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	o := options(env)
	o.Stream, o.Count = "inventory", 300
	produce(t, o)

	shards, err := kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("inventory")})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, sh := range shards.Shards {
		it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("inventory"), ShardId: sh.ShardId, ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Records {
			var rec sim.Record
			if err := json.Unmarshal(r.Data, &rec); err != nil {
				t.Fatalf("record %q: %v", r.Data, err)
			}
			if aws.ToString(r.PartitionKey) != rec.StoreID || rec.CheckTimestamp != checkTime.Unix() {
				t.Fatalf("record %+v with key %s", rec, aws.ToString(r.PartitionKey))
			}
			got++
		}
	}
	if got != 300 {
		t.Fatalf("read %d records, want 300", got)
	}
}

func TestMissingTargetFails(t *testing.T) {
	env := testenv.Start(t)
	o := options(env)
	o.DeliveryStream, o.Count = "nope", 10
	p, err := sim.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.Run(context.Background())
	if err == nil || sum.Sent != 0 || sum.Failed != 10 {
		t.Fatalf("summary %v, err %v", sum, err)
	}
}

// TestReferencePipeline builds the workshop's pipeline, produces into it and
// asks Athena the planning query, as `shoal demo` does; the delivery stream
// acts as the role Ensure made.
func TestReferencePipeline(t *testing.T) {
	env := testenv.Start(t, func(c *server.Config) { c.EnforceServiceRoles = true })
	ctx := context.Background()
	cfg := env.AWSConfig()
	p := sim.Reference("shoal-inventory", env.Server.Config().AccountID)
	created, err := p.Ensure(ctx, cfg)
	if err != nil || len(created) != 5 {
		t.Fatalf("created %v: %v", created, err)
	}
	if created, err := p.Ensure(ctx, cfg); err != nil || len(created) != 0 {
		t.Fatalf("second Ensure created %v: %v", created, err)
	}

	o := options(env)
	o.DeliveryStream, o.Count = p.DeliveryStream, 400
	produce(t, o)
	// The same seed and clock replay what was sent.
	g := sim.NewGenerator(o.Stores, o.Products, o.Seed, o.Now)
	want := 0
	for range o.Count {
		if r := g.Next(); r.IsStockLow && !r.NotificationSent {
			want++
		}
	}

	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	keyRE := regexp.MustCompile(`^store-data/store_id=STORE_\d+/2025/07/17/03/SI-Firehose-1-.*\.parquet$`)
	testenv.Eventually(t, 20*time.Second, "Parquet objects of all 10 stores", func() bool {
		out, err := sc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(p.Bucket), Prefix: aws.String(sim.DataDir)})
		if err != nil {
			t.Fatal(err)
		}
		stores := map[string]bool{}
		for _, o := range out.Contents {
			if !keyRE.MatchString(*o.Key) {
				t.Fatalf("unexpected key %s", *o.Key)
			}
			stores[regexp.MustCompile(`STORE_\d+`).FindString(*o.Key)] = true
		}
		return len(stores) == 10
	})

	var res *sim.QueryResult
	testenv.Eventually(t, 20*time.Second, "the planning query to see every record", func() bool {
		res, err = sim.Query(ctx, cfg, sim.PlanningQuery, p.Database, "s3://"+p.Bucket+"/athena-results/", 3)
		if err != nil {
			t.Fatal(err)
		}
		return res.Count == want
	})
	if len(res.Columns) != len(sim.Columns) || res.Columns[0] != "store_id" || len(res.Rows) != min(3, want) {
		t.Fatalf("result %+v", res)
	}
	for _, row := range res.Rows {
		if row[5] != "true" || row[7] != "false" || row[8] != sim.StatusPending {
			t.Fatalf("row %q is not low-and-not-notified", row)
		}
	}
}
