package kinesisapi_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// typicalPolicy is a pipeline producer's: put to two streams, describe
// them, read a lake prefix over TLS only (a condition, so the request
// context is built on every call), and never delete streams.
const typicalPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Produce","Effect":"Allow","Action":["kinesis:PutRecord","kinesis:PutRecords","kinesis:DescribeStream*"],
  "Resource":["` + streamARN + `bench","` + streamARN + `inventory-*"]},
 {"Sid":"ReadLake","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::lake/store-data/*",
  "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
 {"Sid":"NoDelete","Effect":"Deny","Action":"kinesis:Delete*","Resource":"*"}]}`

// BenchmarkPutRecordsAuthz measures what authorization costs PutRecords:
// 8 producers of 500-record calls (200 B each) to a 4-shard stream,
// alternating rounds as root (never evaluated) and as an IAM user bound by
// typicalPolicy, so both see the same machine state. b.N is the number of
// calls per identity. Reports each rate and the user's overhead.
func BenchmarkPutRecordsAuthz(b *testing.B) {
	env := testenv.Start(b)
	ctx := context.Background()
	root := kinesis.NewFromConfig(env.AWSConfig())
	if _, err := root.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(4)}); err != nil {
		b.Fatal(err)
	}
	user := kinesis.NewFromConfig(policyUser(b, env, "producer", typicalPolicy, ""))
	entries := make([]types.PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{Data: make([]byte, 200), PartitionKey: aws.String(fmt.Sprintf("key-%d", i))}
	}
	in := &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries}
	for _, c := range []*kinesis.Client{root, user} { // warm connections and caches
		putCalls(b, c, in, 16)
	}
	const round = 40
	var asRoot, asUser time.Duration
	b.SetBytes(2 * 500 * 200) // one call as each identity per iteration
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		asRoot += putCalls(b, root, in, n)
		asUser += putCalls(b, user, in, n)
	}
	b.StopTimer()
	rootRate := float64(b.N*500) / asRoot.Seconds()
	userRate := float64(b.N*500) / asUser.Seconds()
	b.ReportMetric(rootRate, "root-records/s")
	b.ReportMetric(userRate, "user-records/s")
	b.ReportMetric(100*(rootRate-userRate)/rootRate, "overhead-%")
}

// putCalls makes n PutRecords calls from 8 concurrent producers and
// returns the wall time.
func putCalls(b *testing.B, c *kinesis.Client, in *kinesis.PutRecordsInput, n int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				out, err := c.PutRecords(context.Background(), in)
				if err != nil || *out.FailedRecordCount != 0 {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}
