// Package crash proves durability: records acknowledged by a real shoal
// process survive SIGKILL.
package crash

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/testenv"
)

const (
	streamName = "crash"
	producers  = 6
	rounds     = 4
)

// acked is a record the server said it stored.
type acked struct {
	shard, seq string
	producer   int // unique across rounds
	n          int // producer's counter: acknowledgment order
}

type ledger struct {
	mu    sync.Mutex
	acked map[string]acked // data -> where it was stored
	sent  map[string]bool  // every payload ever sent, acked or not
}

func TestKillNineKeepsAcknowledgedRecords(t *testing.T) {
	dir := t.TempDir()
	led := &ledger{acked: map[string]acked{}, sent: map[string]bool{}}
	for round := 0; round < rounds; round++ {
		p := testenv.StartProcess(t, dir)
		client := kinesis.NewFromConfig(testenv.AWSConfig(p.Endpoint, testenv.AccessKeyID, testenv.SecretAccessKey))
		reader := readerClient(p.Endpoint)
		ctx := context.Background()
		if round == 0 {
			_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(streamName), ShardCount: aws.Int32(4)})
			if err != nil {
				t.Fatalf("create stream: %v", err)
			}
		}
		waitActive(t, client)
		// Everything acknowledged before (and across earlier kills) is still there.
		verify(t, reader, led)

		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < producers; g++ {
			wg.Add(1)
			go func() { defer wg.Done(); produce(ctx, client, led, round, g, stop) }()
		}
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		p.Kill()
		close(stop)
		wg.Wait()
		t.Logf("round %d: killed with %d records acknowledged so far", round, len(led.acked))
	}
	p := testenv.StartProcess(t, dir)
	waitActive(t, readerClient(p.Endpoint))
	verify(t, readerClient(p.Endpoint), led)
}

// readerClient retries, unlike the producers: reads are idempotent, and
// aws-sdk-go-v2 occasionally loses a response on fast local connections
// ("use of closed network connection", aws/aws-sdk-go-v2#2737).
func readerClient(endpoint string) *kinesis.Client {
	cfg := testenv.AWSConfig(endpoint, testenv.AccessKeyID, testenv.SecretAccessKey)
	cfg.RetryMaxAttempts = 5
	return kinesis.NewFromConfig(cfg)
}

func produce(ctx context.Context, c *kinesis.Client, led *ledger, round, g int, stop <-chan struct{}) {
	n := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		batch := 1 + rand.IntN(120)
		entries := make([]types.PutRecordsRequestEntry, batch)
		led.mu.Lock()
		for i := range entries {
			data := fmt.Sprintf("r%d-p%d-n%d", round, g, n+i)
			led.sent[data] = true
			entries[i] = types.PutRecordsRequestEntry{Data: []byte(data), PartitionKey: aws.String(fmt.Sprintf("k%d", rand.IntN(1000)))}
		}
		led.mu.Unlock()
		out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(streamName), Records: entries})
		if err != nil {
			// The server died mid-request (or the SDK lost the answer): these
			// records are "maybe". Not retried, so none is stored twice.
			n += batch
			continue
		}
		led.mu.Lock()
		for i, r := range out.Records {
			if r.ErrorCode == nil {
				led.acked[string(entries[i].Data)] = acked{shard: *r.ShardId, seq: *r.SequenceNumber, producer: round*producers + g, n: n + i}
			}
		}
		led.mu.Unlock()
		n += batch
	}
}

func waitActive(t *testing.T, c *kinesis.Client) {
	t.Helper()
	testenv.Eventually(t, 30*time.Second, "stream ACTIVE", func() bool {
		out, err := c.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(streamName)})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive
	})
}

type readRecord struct {
	data, seq string
}

// verify reads every shard from the start and checks: every acknowledged record
// is there with its shard and sequence number; nothing was read that was never
// sent; sequence numbers increase within a shard; each producer's records
// appear in acknowledgment order.
func verify(t *testing.T, c *kinesis.Client, led *ledger) {
	t.Helper()
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(streamName)})
	if err != nil {
		t.Fatalf("list shards: %v", err)
	}
	found := map[string]string{} // data -> shard
	for _, sh := range shards.Shards {
		recs := readShard(t, c, *sh.ShardId)
		lastN := map[int]int{}
		for i, r := range recs {
			if i > 0 && !seqLess(recs[i-1].seq, r.seq) {
				t.Fatalf("shard %s: sequence %s follows %s", *sh.ShardId, r.seq, recs[i-1].seq)
			}
			if _, dup := found[r.data]; dup {
				t.Fatalf("record %q read twice", r.data)
			}
			found[r.data] = *sh.ShardId
			if !led.sent[r.data] {
				t.Fatalf("shard %s holds a record nobody sent: %q", *sh.ShardId, r.data)
			}
			if a, ok := led.acked[r.data]; ok {
				if a.seq != r.seq || a.shard != *sh.ShardId {
					t.Fatalf("record %q acknowledged as %s/%s, read as %s/%s", r.data, a.shard, a.seq, *sh.ShardId, r.seq)
				}
				if prev, ok := lastN[a.producer]; ok && a.n < prev {
					t.Fatalf("shard %s: producer %d's record %d after its record %d", *sh.ShardId, a.producer, a.n, prev)
				}
				lastN[a.producer] = a.n
			}
		}
	}
	var missing []string
	for data := range led.acked {
		if _, ok := found[data]; !ok {
			missing = append(missing, data)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d acknowledged records lost, e.g. %v", len(missing), missing[:min(5, len(missing))])
	}
}

func readShard(t *testing.T, c *kinesis.Client, shard string) []readRecord {
	t.Helper()
	ctx := context.Background()
	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(streamName), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("iterator %s: %v", shard, err)
	}
	var out []readRecord
	iter := it.ShardIterator
	for iter != nil {
		res, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			var pe *types.ProvisionedThroughputExceededException
			if errors.As(err, &pe) {
				continue
			}
			t.Fatalf("get records %s: %v", shard, err)
		}
		for _, r := range res.Records {
			out = append(out, readRecord{data: string(r.Data), seq: *r.SequenceNumber})
		}
		if len(res.Records) == 0 && aws.ToInt64(res.MillisBehindLatest) == 0 {
			break
		}
		iter = res.NextShardIterator
	}
	return out
}

// seqLess compares decimal sequence numbers numerically.
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
