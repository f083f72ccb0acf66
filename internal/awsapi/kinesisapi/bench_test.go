package kinesisapi_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// BenchmarkSDK mirrors the acceptance benchmark over HTTP with the SDK: 4
// shards, 8 producers of 500-record PutRecords (~200 B each), then every
// shard read back with GetRecords, then PutRecord latency.
func BenchmarkSDK(b *testing.B) {
	env := testenv.Start(b)
	cfg := env.AWSConfig()
	c := kinesis.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(4)}); err != nil {
		b.Fatal(err)
	}
	entries := make([]types.PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{Data: make([]byte, 200), PartitionKey: aws.String(fmt.Sprintf("key-%d", i))}
	}
	calls := max(b.N, 200)
	b.ResetTimer()

	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(calls) {
				out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries})
				if err != nil || *out.FailedRecordCount != 0 {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	putRate := float64(calls*500) / time.Since(start).Seconds()

	start = time.Now()
	read := 0
	for i := range 4 {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("bench"), ShardId: aws.String(fmt.Sprintf("shardId-%012d", i)), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		iter := it.ShardIterator
		for {
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				b.Fatal(err)
			}
			read += len(out.Records)
			iter = out.NextShardIterator
			if len(out.Records) == 0 {
				break
			}
		}
	}
	getRate := float64(read) / time.Since(start).Seconds()
	if read != calls*500 {
		b.Fatalf("read %d of %d records", read, calls*500)
	}

	lat := make([]time.Duration, 0, 2000)
	for i := range 2000 {
		t0 := time.Now()
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("bench"), Data: make([]byte, 200), PartitionKey: aws.String(fmt.Sprint(i))}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(putRate, "put-records/s")
	b.ReportMetric(getRate, "get-records/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "putrecord-p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "putrecord-p99-ms")
}
