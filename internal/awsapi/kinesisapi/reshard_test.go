package kinesisapi_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func shardIDs(shards []types.Shard) []string {
	var out []string
	for _, sh := range shards {
		out = append(out, *sh.ShardId)
	}
	return out
}

func TestSplitAndMergeShapes(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "rs", 2)
	name := aws.String("rs")
	for i := range 20 {
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String(fmt.Sprint(i)), Data: []byte("before")}); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now()
	d0, _ := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: name})
	start0, _ := new(big.Int).SetString(*d0.StreamDescription.Shards[0].HashKeyRange.StartingHashKey, 10)
	end0, _ := new(big.Int).SetString(*d0.StreamDescription.Shards[0].HashKeyRange.EndingHashKey, 10)
	mid := new(big.Int).Rsh(new(big.Int).Add(start0, end0), 1).String()

	// Errors first: bad hash key, unknown shard, non-adjacent merge.
	_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: name, ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1")})
	wantCode(t, err, "InvalidArgumentException", "is not both greater than one plus the shard's StartingHashKey 0")
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: name, ShardToSplit: aws.String("shardId-000000000009"), NewStartingHashKey: aws.String(mid)})
	wantCode(t, err, "ResourceNotFoundException", "Could not find shard shardId-000000000009")
	_, err = c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: name, TargetShardCount: aws.Int32(5), ScalingType: types.ScalingTypeUniformScaling})
	wantCode(t, err, "LimitExceededException", "double")

	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: name, ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: name, ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)})
	wantCode(t, err, "InvalidArgumentException", "has already been merged or split")
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: name, ShardToMerge: aws.String("shardId-000000000002"), AdjacentShardToMerge: aws.String("shardId-000000000001")})
	wantCode(t, err, "InvalidArgumentException", "not an adjacent pair")
	if _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: name, ShardToMerge: aws.String("shardId-000000000002"), AdjacentShardToMerge: aws.String("shardId-000000000003")}); err != nil {
		t.Fatal(err)
	}

	checkReshardedShapes(t, c, mid, end0.String())
	checkShardFilters(t, c, before)
	checkClosedShardEnd(t, c, mid)
}

func checkReshardedShapes(t *testing.T, c *kinesis.Client, mid, end0 string) {
	t.Helper()
	ctx := context.Background()
	name := aws.String("rs")
	d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: name})
	if err != nil {
		t.Fatal(err)
	}
	sd := d.StreamDescription
	if sd.StreamStatus != types.StreamStatusActive || len(sd.Shards) != 5 {
		t.Fatalf("status %s, shards %v", sd.StreamStatus, shardIDs(sd.Shards))
	}
	closed := map[string]bool{}
	for _, sh := range sd.Shards {
		closed[*sh.ShardId] = sh.SequenceNumberRange.EndingSequenceNumber != nil
	}
	wantClosed := map[string]bool{"shardId-000000000000": true, "shardId-000000000001": false, "shardId-000000000002": true, "shardId-000000000003": true, "shardId-000000000004": false}
	for id, want := range wantClosed {
		if closed[id] != want {
			t.Fatalf("%s closed=%v, want %v", id, closed[id], want)
		}
	}
	s2, s3, s4 := sd.Shards[2], sd.Shards[3], sd.Shards[4]
	if *s2.ParentShardId != "shardId-000000000000" || s2.AdjacentParentShardId != nil || *s3.HashKeyRange.StartingHashKey != mid ||
		*s4.ParentShardId != "shardId-000000000002" || *s4.AdjacentParentShardId != "shardId-000000000003" ||
		*s4.HashKeyRange.StartingHashKey != "0" || *s4.HashKeyRange.EndingHashKey != end0 {
		t.Fatalf("children: %+v %+v", s2, s4)
	}
	sum, _ := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name})
	if *sum.StreamDescriptionSummary.OpenShardCount != 2 {
		t.Fatalf("open shards %d", *sum.StreamDescriptionSummary.OpenShardCount)
	}
}

func checkShardFilters(t *testing.T, c *kinesis.Client, before time.Time) {
	t.Helper()
	ctx := context.Background()
	name := aws.String("rs")

	for _, tc := range []struct {
		filter types.ShardFilter
		want   []string
	}{
		{types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, []string{"shardId-000000000001", "shardId-000000000004"}},
		{types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, []string{"shardId-000000000000", "shardId-000000000001"}},
		{types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, []string{"shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003", "shardId-000000000004"}},
		{types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: aws.Time(before)}, []string{"shardId-000000000000", "shardId-000000000001"}},
		{types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: aws.Time(time.Now().Add(time.Hour))}, []string{"shardId-000000000001", "shardId-000000000004"}},
		{types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000002")}, []string{"shardId-000000000003", "shardId-000000000004"}},
	} {
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, ShardFilter: &tc.filter})
		if err != nil {
			t.Fatalf("%s: %v", tc.filter.Type, err)
		}
		if got := shardIDs(out.Shards); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.filter.Type, got, tc.want)
		}
	}
	page, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, MaxResults: aws.Int32(1)})
	if err != nil || len(page.Shards) != 1 || page.NextToken == nil {
		t.Fatalf("first page: %v %v", page, err)
	}
	page, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	if err != nil || fmt.Sprint(shardIDs(page.Shards)) != "[shardId-000000000004]" {
		t.Fatalf("second page keeps the filter: %v %v", page, err)
	}
	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, ExclusiveStartShardId: aws.String("shardId-000000000003")})
	if err != nil || fmt.Sprint(shardIDs(out.Shards)) != "[shardId-000000000004]" {
		t.Fatalf("ExclusiveStartShardId: %v %v", out, err)
	}
}

// checkClosedShardEnd reads a closed shard: its records, then no iterator
// and the child shards; writes route to the open shard covering the key.
func checkClosedShardEnd(t *testing.T, c *kinesis.Client, mid string) {
	t.Helper()
	ctx := context.Background()
	name := aws.String("rs")

	it := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: name, ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	var got int
	for {
		g, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
		if err != nil {
			t.Fatal(err)
		}
		got += len(g.Records)
		if g.NextShardIterator == nil {
			if len(g.Records) != 0 || len(g.ChildShards) != 2 || g.ChildShards[0].ParentShards[0] != "shardId-000000000000" || *g.ChildShards[1].HashKeyRange.StartingHashKey != mid {
				t.Fatalf("end of closed shard: %+v", g)
			}
			break
		}
		it = *g.NextShardIterator
	}
	if got == 0 {
		t.Fatal("no records in the closed parent")
	}
	p, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("k"), ExplicitHashKey: aws.String(mid), Data: []byte("after")})
	if err != nil || *p.ShardId != "shardId-000000000004" {
		t.Fatalf("put at %s went to %v (%v)", mid, p, err)
	}
}

func TestUpdateShardCountAPI(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "us", 2)
	out, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("us"), TargetShardCount: aws.Int32(4), ScalingType: types.ScalingTypeUniformScaling})
	if err != nil || *out.CurrentShardCount != 2 || *out.TargetShardCount != 4 || *out.StreamName != "us" {
		t.Fatalf("%+v %v", out, err)
	}
	open, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("us"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if err != nil || len(open.Shards) != 4 {
		t.Fatalf("%v %v", open, err)
	}
	_, err = c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("us"), TargetShardCount: aws.Int32(1), ScalingType: types.ScalingTypeUniformScaling})
	wantCode(t, err, "LimitExceededException", "below half")
	_, err = c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("us"), TargetShardCount: aws.Int32(3), ScalingType: "OTHER"})
	wantCode(t, err, "ValidationException", "UNIFORM_SCALING")
}
