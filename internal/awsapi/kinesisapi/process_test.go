package kinesisapi_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// TestKillAndRestart checks that acknowledged records survive kill -9 of the
// real binary and that sequence numbers keep increasing after the restart.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	ctx := context.Background()
	p := testenv.StartProcess(t, dir)
	c := kinesis.NewFromConfig(testenv.AWSConfig(p.Endpoint, testenv.AccessKeyID, testenv.SecretAccessKey))
	createStream(t, c, "k", 2)
	var want []string
	for i := range 20 {
		var entries []types.PutRecordsRequestEntry
		for j := range 50 {
			d := fmt.Sprintf("r%d-%d", i, j)
			want = append(want, d)
			entries = append(entries, types.PutRecordsRequestEntry{Data: []byte(d), PartitionKey: aws.String(d)})
		}
		out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("k"), Records: entries})
		if err != nil || *out.FailedRecordCount != 0 {
			t.Fatal(err)
		}
	}
	last, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("k"), Data: []byte("last"), PartitionKey: aws.String("z"), ExplicitHashKey: aws.String("0")})
	if err != nil {
		t.Fatal(err)
	}
	p.Kill()

	p = testenv.StartProcess(t, dir)
	c = kinesis.NewFromConfig(testenv.AWSConfig(p.Endpoint, testenv.AccessKeyID, testenv.SecretAccessKey))
	next, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("k"), Data: []byte("next"), PartitionKey: aws.String("z"), ExplicitHashKey: aws.String("0")})
	if err != nil {
		t.Fatal(err)
	}
	if *next.SequenceNumber <= *last.SequenceNumber {
		t.Fatalf("sequence number went back: %s after %s", *next.SequenceNumber, *last.SequenceNumber)
	}
	got := map[string]bool{}
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		for _, r := range readAll(t, c, iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("k"), ShardId: aws.String(sh), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})) {
			got[string(r.Data)] = true
		}
	}
	for _, d := range append(want, "last", "next") {
		if !got[d] {
			t.Fatalf("record %s lost", d)
		}
	}
}
