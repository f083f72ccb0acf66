// Package bench measures the data-stream API over HTTP with the AWS SDK, the
// way producers and consumers use it: batched puts, batched reads, single-put
// latency and the server's memory.
package bench

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/sdkhttp"
)

// Options sets the workload.
type Options struct {
	Endpoint         string
	AccessKeyID      string
	SecretAccessKey  string
	ServerPID        int // for memory figures; 0 skips them
	Shards           int
	Producers        int
	BatchSize        int
	RecordSize       int
	Records          int // total records in the put phase
	LatencyPuts      int // single PutRecord calls in the latency phase
	LatencyProducers int
}

// Defaults is the workload: 4 shards, 8 producers, 500-record batches
// of ~200-byte records.
func Defaults() Options {
	return Options{Shards: 4, Producers: 8, BatchSize: 500, RecordSize: 200, Records: 1_000_000, LatencyPuts: 8000, LatencyProducers: 8}
}

// Result holds the figures.
type Result struct {
	PutRecords  int
	PutSeconds  float64
	ReadRecords int
	ReadSeconds float64
	// PutRecord latency with one producer, and with Options.LatencyProducers.
	SingleP50, SingleP99 time.Duration
	PutRecordP50         time.Duration
	PutRecordP99         time.Duration
	ServerRSS            int64
	ServerPeakRSS        int64
	FailedPutRecord      int
}

// Print writes the figures.
func (r Result) Print(w io.Writer, o Options) {
	fmt.Fprintf(w, "workload: %d shards, %d producers, PutRecords of %d x %d-byte records, %d records\n", o.Shards, o.Producers, o.BatchSize, o.RecordSize, r.PutRecords)
	fmt.Fprintf(w, "put:   %10.0f records/s  (%d records in %.2fs, %d failed)\n", float64(r.PutRecords)/r.PutSeconds, r.PutRecords, r.PutSeconds, r.FailedPutRecord)
	fmt.Fprintf(w, "read:  %10.0f records/s  (%d records in %.2fs, GetRecords Limit 10000, one reader per shard)\n", float64(r.ReadRecords)/r.ReadSeconds, r.ReadRecords, r.ReadSeconds)
	fmt.Fprintf(w, "PutRecord latency (1 producer):   p50 %.2f ms, p99 %.2f ms\n", ms(r.SingleP50), ms(r.SingleP99))
	fmt.Fprintf(w, "PutRecord latency (%d producers):  p50 %.2f ms, p99 %.2f ms\n", o.LatencyProducers, ms(r.PutRecordP50), ms(r.PutRecordP99))
	if r.ServerPeakRSS > 0 {
		fmt.Fprintf(w, "server RSS: %.0f MiB now, %.0f MiB peak\n", mib(r.ServerRSS), mib(r.ServerPeakRSS))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }

// Run creates a fresh stream and runs the three phases.
func Run(ctx context.Context, o Options) (Result, error) {
	client := kinesis.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, ""),
		BaseEndpoint: aws.String(o.Endpoint),
		// The SDK's default retries, as producers run it. The read phase reads
		// to the end rather than counting on exactly the records put, since
		// a retried batch may be stored twice.
		RetryMaxAttempts: 3,
		HTTPClient:       sdkhttp.Client(),
	})
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: &name, ShardCount: aws.Int32(int32(o.Shards))}); err != nil {
		return Result{}, fmt.Errorf("create stream: %w", err)
	}
	if err := waitActive(ctx, client, name); err != nil {
		return Result{}, err
	}
	var res Result
	perShard, err := putPhase(ctx, client, name, o, &res)
	if err != nil {
		return res, err
	}
	if err := readPhase(ctx, client, name, perShard, &res); err != nil {
		return res, err
	}
	if res.SingleP50, res.SingleP99, err = latencyPhase(ctx, client, name, o.LatencyPuts/4, 1, o.RecordSize); err != nil {
		return res, err
	}
	if res.PutRecordP50, res.PutRecordP99, err = latencyPhase(ctx, client, name, o.LatencyPuts, o.LatencyProducers, o.RecordSize); err != nil {
		return res, err
	}
	if o.ServerPID > 0 {
		res.ServerRSS, res.ServerPeakRSS, _ = memory(o.ServerPID)
	}
	_, _ = client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: &name})
	return res, nil
}

func waitActive(ctx context.Context, c *kinesis.Client, name string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: &name})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("stream did not become ACTIVE within 30s")
}

// putPhase sends o.Records records and returns how many landed in each shard.
func putPhase(ctx context.Context, c *kinesis.Client, name string, o Options, res *Result) (map[string]int, error) {
	batches := o.Records / o.BatchSize
	var next atomic.Int64
	var mu sync.Mutex
	perShard := map[string]int{}
	errs := make(chan error, o.Producers)
	start := time.Now()
	var wg sync.WaitGroup
	for p := 0; p < o.Producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			entries := makeEntries(o.BatchSize, o.RecordSize, p)
			local := map[string]int{}
			failed := 0
			for next.Add(1) <= int64(batches) {
				out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: &name, Records: entries})
				if err != nil {
					errs <- fmt.Errorf("PutRecords: %w", err)
					return
				}
				for _, r := range out.Records {
					if r.ErrorCode != nil {
						failed++
						continue
					}
					local[*r.ShardId]++
				}
			}
			mu.Lock()
			for k, v := range local {
				perShard[k] += v
				res.PutRecords += v
			}
			res.FailedPutRecord += failed
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.PutSeconds = time.Since(start).Seconds()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return perShard, nil
}

func makeEntries(n, size, producer int) []types.PutRecordsRequestEntry {
	entries := make([]types.PutRecordsRequestEntry, n)
	for i := range entries {
		data := make([]byte, size)
		_, _ = rand.Read(data)
		entries[i] = types.PutRecordsRequestEntry{Data: data, PartitionKey: aws.String(fmt.Sprintf("p%d-k%d", producer, i))}
	}
	return entries
}

// readPhase reads every shard from TRIM_HORIZON until it has what was put.
func readPhase(ctx context.Context, c *kinesis.Client, name string, perShard map[string]int, res *Result) error {
	var wg sync.WaitGroup
	var total atomic.Int64
	errs := make(chan error, len(perShard))
	start := time.Now()
	for shard, want := range perShard {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: &name, ShardId: &shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
			if err != nil {
				errs <- err
				return
			}
			iter, got := it.ShardIterator, 0
			for {
				out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10000)})
				if err != nil {
					errs <- fmt.Errorf("GetRecords %s: %w", shard, err)
					return
				}
				got += len(out.Records)
				iter = out.NextShardIterator
				if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
					break
				}
			}
			if got < want {
				errs <- fmt.Errorf("shard %s: read %d records, put %d", shard, got, want)
				return
			}
			total.Add(int64(got))
		}()
	}
	wg.Wait()
	res.ReadSeconds = time.Since(start).Seconds()
	res.ReadRecords = int(total.Load())
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// latencyPhase times calls single PutRecord calls from producers goroutines
// and returns the median and 99th percentile.
func latencyPhase(ctx context.Context, c *kinesis.Client, name string, calls, producers, size int) (p50, p99 time.Duration, err error) {
	per := calls / producers
	lat := make([][]time.Duration, producers)
	errs := make(chan error, producers)
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := make([]byte, size)
			for i := 0; i < per; i++ {
				t0 := time.Now()
				_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: &name, Data: data, PartitionKey: aws.String(fmt.Sprintf("lat-%d-%d", p, i))})
				if err != nil {
					errs <- fmt.Errorf("PutRecord: %w", err)
					return
				}
				lat[p] = append(lat[p], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return 0, 0, err
	default:
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all[len(all)/2], all[len(all)*99/100], nil
}
