package kinesisapi_test

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

func newClient(t *testing.T) (*kinesis.Client, *testenv.Env) {
	t.Helper()
	env := testenv.Start(t)
	return kinesis.NewFromConfig(env.AWSConfig()), env
}

func createStream(t *testing.T, c *kinesis.Client, name string, shards int32) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	testenv.Eventually(t, 10*time.Second, name+" ACTIVE", func() bool {
		out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive
	})
}

// wantCode asserts err is an AWS error with code (and message containing msg).
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s containing %q, got %s: %s", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func iterator(t *testing.T, c *kinesis.Client, in *kinesis.GetShardIteratorInput) string {
	t.Helper()
	out, err := c.GetShardIterator(context.Background(), in)
	if err != nil {
		t.Fatalf("get shard iterator: %v", err)
	}
	return *out.ShardIterator
}

// readAll reads a shard from it until a page comes back empty.
func readAll(t *testing.T, c *kinesis.Client, it string) []types.Record {
	t.Helper()
	var all []types.Record
	for {
		out, err := c.GetRecords(context.Background(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
		if err != nil {
			t.Fatalf("get records: %v", err)
		}
		all = append(all, out.Records...)
		it = *out.NextShardIterator
		if len(out.Records) == 0 {
			return all
		}
	}
}

func TestCreateDescribeListDelete(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	for _, n := range []string{"b-stream", "a.stream", "c_stream"} {
		createStream(t, c, n, 3)
	}
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("a.stream"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "ResourceInUseException", "a.stream under account 000000000000 already exists")

	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bad name!"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "ValidationException", "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(strings.Repeat("x", 129) + "!"), ShardCount: aws.Int32(0)})
	wantCode(t, err, "ValidationException", "3 validation errors detected: ")
	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("noshards")})
	wantCode(t, err, "InvalidArgumentException", "ShardCount")

	// On-demand streams get 4 shards.
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("od")})
	if err != nil || *sum.StreamDescriptionSummary.OpenShardCount != 4 || sum.StreamDescriptionSummary.StreamModeDetails.StreamMode != types.StreamModeOnDemand {
		t.Fatalf("on-demand summary: %+v %v", sum, err)
	}

	d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("b-stream"), Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	sd := d.StreamDescription
	if len(sd.Shards) != 2 || !*sd.HasMoreShards || *sd.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/b-stream" || *sd.RetentionPeriodHours != 24 {
		t.Fatalf("describe: %+v", sd)
	}
	if *sd.Shards[0].ShardId != "shardId-000000000000" || *sd.Shards[0].HashKeyRange.StartingHashKey != "0" ||
		*sd.Shards[0].HashKeyRange.EndingHashKey != "113427455640312821154458202477256070484" ||
		*sd.Shards[1].HashKeyRange.StartingHashKey != "113427455640312821154458202477256070485" {
		t.Fatalf("hash ranges: %+v %+v", sd.Shards[0].HashKeyRange, sd.Shards[1].HashKeyRange)
	}
	d, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamARN: sd.StreamARN, ExclusiveStartShardId: sd.Shards[1].ShardId})
	if err != nil || len(d.StreamDescription.Shards) != 1 || *d.StreamDescription.HasMoreShards ||
		*d.StreamDescription.Shards[0].HashKeyRange.EndingHashKey != "340282366920938463463374607431768211455" {
		t.Fatalf("describe page 2: %+v %v", d, err)
	}

	// ListStreams pages in name order.
	var names []string
	var token *string
	for {
		out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, out.StreamNames...)
		if len(out.StreamSummaries) != len(out.StreamNames) {
			t.Fatalf("summaries: %+v", out)
		}
		if !*out.HasMoreStreams {
			break
		}
		token = out.NextToken
	}
	if strings.Join(names, ",") != "a.stream,b-stream,c_stream,od" {
		t.Fatalf("names %v", names)
	}
	out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("b-stream")})
	if err != nil || strings.Join(out.StreamNames, ",") != "c_stream,od" {
		t.Fatalf("exclusive start: %v %v", out, err)
	}

	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("b-stream"), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("b-stream")})
	wantCode(t, err, "ResourceNotFoundException", "Stream b-stream under account 000000000000 not found.")
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("b-stream")})
	wantCode(t, err, "ResourceNotFoundException", "not found")
	_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:111111111111:stream/a.stream")})
	wantCode(t, err, "ResourceNotFoundException", "not found")
}

func TestListShards(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "s", 5)
	var ids []string
	var token *string
	name := aws.String("s")
	for {
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, NextToken: token, MaxResults: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Shards {
			ids = append(ids, *s.ShardId)
		}
		if out.NextToken == nil {
			break
		}
		token, name = out.NextToken, nil
	}
	if len(ids) != 5 || ids[4] != "shardId-000000000004" {
		t.Fatalf("ids %v", ids)
	}
	first, _ := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(1)})
	_, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), NextToken: first.NextToken})
	wantCode(t, err, "InvalidArgumentException", "NextToken and StreamName")

	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s"),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000002")}})
	if err != nil || len(out.Shards) != 2 {
		t.Fatalf("after shard id: %+v %v", out, err)
	}
	for _, ft := range []types.ShardFilterType{types.ShardFilterTypeAtTrimHorizon, types.ShardFilterTypeFromTrimHorizon, types.ShardFilterTypeAtLatest} {
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: ft}})
		if err != nil || len(out.Shards) != 5 {
			t.Fatalf("%s: %v", ft, err)
		}
	}
	out, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: aws.Time(time.Now())}})
	if err != nil || len(out.Shards) != 5 {
		t.Fatalf("at timestamp: %v", err)
	}
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp}})
	wantCode(t, err, "InvalidArgumentException", "Timestamp")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("nope")})
	wantCode(t, err, "ResourceNotFoundException", "Stream nope under account 000000000000 not found.")
}

func hashOf(pk string) *big.Int {
	sum := md5.Sum([]byte(pk))
	return new(big.Int).SetBytes(sum[:])
}

func TestPutGetRouting(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "r", 4)
	d, _ := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("r")})
	shardFor := func(h *big.Int) string {
		for _, s := range d.StreamDescription.Shards {
			lo, _ := new(big.Int).SetString(*s.HashKeyRange.StartingHashKey, 10)
			hi, _ := new(big.Int).SetString(*s.HashKeyRange.EndingHashKey, 10)
			if h.Cmp(lo) >= 0 && h.Cmp(hi) <= 0 {
				return *s.ShardId
			}
		}
		return ""
	}
	var entries []types.PutRecordsRequestEntry
	for i := range 300 {
		entries = append(entries, types.PutRecordsRequestEntry{Data: []byte(fmt.Sprintf("rec-%d", i)), PartitionKey: aws.String(fmt.Sprintf("pk-%d", i%37))})
	}
	entries = append(entries, types.PutRecordsRequestEntry{Data: []byte("explicit"), PartitionKey: aws.String("x"), ExplicitHashKey: aws.String("340282366920938463463374607431768211455")})
	out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("r"), Records: entries})
	if err != nil || *out.FailedRecordCount != 0 || len(out.Records) != len(entries) {
		t.Fatalf("put records: %+v %v", out, err)
	}
	perShard := map[string][]string{}
	for i, r := range out.Records {
		want := shardFor(hashOf(*entries[i].PartitionKey))
		if entries[i].ExplicitHashKey != nil {
			want = "shardId-000000000003"
		}
		if *r.ShardId != want {
			t.Fatalf("record %d went to %s, want %s", i, *r.ShardId, want)
		}
		perShard[*r.ShardId] = append(perShard[*r.ShardId], string(entries[i].Data))
	}
	// Each shard returns exactly its records in put order with increasing sequence numbers.
	for _, s := range d.StreamDescription.Shards {
		recs := readAll(t, c, iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("r"), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}))
		if len(recs) != len(perShard[*s.ShardId]) {
			t.Fatalf("%s: %d records, want %d", *s.ShardId, len(recs), len(perShard[*s.ShardId]))
		}
		prev := new(big.Int)
		for i, r := range recs {
			if string(r.Data) != perShard[*s.ShardId][i] {
				t.Fatalf("%s[%d] = %q, want %q", *s.ShardId, i, r.Data, perShard[*s.ShardId][i])
			}
			n, _ := new(big.Int).SetString(*r.SequenceNumber, 10)
			if n.Cmp(prev) <= 0 {
				t.Fatalf("sequence numbers not increasing: %s after %s", n, prev)
			}
			prev = n
			if r.ApproximateArrivalTimestamp == nil || time.Since(*r.ApproximateArrivalTimestamp) > time.Minute {
				t.Fatalf("arrival %v", r.ApproximateArrivalTimestamp)
			}
		}
	}

	// PutRecord, then AT/AFTER_SEQUENCE_NUMBER.
	var seqs []string
	for i := range 3 {
		pr, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("r"), Data: []byte{byte(i)}, PartitionKey: aws.String("same"), SequenceNumberForOrdering: aws.String("1")})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *pr.SequenceNumber)
	}
	sh := shardFor(hashOf("same"))
	recs := readAll(t, c, iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("r"), ShardId: &sh, ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: &seqs[1]}))
	if len(recs) != 2 || recs[0].Data[0] != 1 || *recs[0].SequenceNumber != seqs[1] {
		t.Fatalf("AT_SEQUENCE_NUMBER: %+v", recs)
	}
	recs = readAll(t, c, iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("r"), ShardId: &sh, ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber, StartingSequenceNumber: &seqs[1]}))
	if len(recs) != 1 || recs[0].Data[0] != 2 {
		t.Fatalf("AFTER_SEQUENCE_NUMBER: %+v", recs)
	}
	// Limit pages within a message too.
	it := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("r"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	g, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it, Limit: aws.Int32(3)})
	if err != nil || len(g.Records) != 3 || *g.MillisBehindLatest < 0 {
		t.Fatalf("limit: %+v %v", g, err)
	}
	g2, _ := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: g.NextShardIterator, Limit: aws.Int32(1)})
	if string(g2.Records[0].Data) != perShard["shardId-000000000000"][3] {
		t.Fatalf("page 2 starts at %q", g2.Records[0].Data)
	}
}

func TestLatestAndAtTimestamp(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "l", 1)
	put := func(s string) {
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("l"), Data: []byte(s), PartitionKey: aws.String("k")}); err != nil {
			t.Fatal(err)
		}
	}
	put("old")
	latest := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeLatest})
	// Arrival times have millisecond resolution; wait until the clock moves on.
	mark := time.Now()
	for time.Since(mark) < 5*time.Millisecond {
		time.Sleep(time.Millisecond)
	}
	mark = time.Now()
	put("new")
	g, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &latest})
	if err != nil || len(g.Records) != 1 || string(g.Records[0].Data) != "new" || *g.MillisBehindLatest != 0 {
		t.Fatalf("LATEST: %+v %v", g, err)
	}
	at := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(mark)})
	recs := readAll(t, c, at)
	if len(recs) != 1 || string(recs[0].Data) != "new" {
		t.Fatalf("AT_TIMESTAMP: %d records", len(recs))
	}
	recs = readAll(t, c, iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(mark.Add(-time.Hour))}))
	if len(recs) != 2 {
		t.Fatalf("AT_TIMESTAMP past: %d records", len(recs))
	}
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp})
	wantCode(t, err, "InvalidArgumentException", "timestamp")
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("shardId-000000000009"), ShardIteratorType: types.ShardIteratorTypeLatest})
	wantCode(t, err, "ResourceNotFoundException", "Shard shardId-000000000009 in stream l")
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("l"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String("12345")})
	wantCode(t, err, "InvalidArgumentException", "StartingSequenceNumber")
}

func TestRecordErrors(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "e", 1)
	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("missing"), Data: []byte("x"), PartitionKey: aws.String("k")})
	wantCode(t, err, "ResourceNotFoundException", "Stream missing under account 000000000000 not found.")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: make([]byte, 1<<20+1), PartitionKey: aws.String("k")})
	wantCode(t, err, "ValidationException", "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: make([]byte, 1<<20), PartitionKey: aws.String("k")})
	wantCode(t, err, "InvalidArgumentException", "")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: []byte("x"), PartitionKey: aws.String("")})
	wantCode(t, err, "ValidationException", "at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: []byte("x"), PartitionKey: aws.String(strings.Repeat("é", 257))})
	wantCode(t, err, "ValidationException", "Member must have length less than or equal to 256")
	if _, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: []byte("x"), PartitionKey: aws.String(strings.Repeat("é", 256))}); err != nil {
		t.Fatalf("256-character key: %v", err)
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: []byte("x"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("abc")})
	wantCode(t, err, "ValidationException", "at 'explicitHashKey'")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("e"), Data: []byte("x"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("340282366920938463463374607431768211456")})
	wantCode(t, err, "InvalidArgumentException", "ExplicitHashKey")
	many := make([]types.PutRecordsRequestEntry, 501)
	for i := range many {
		many[i] = types.PutRecordsRequestEntry{Data: []byte("x"), PartitionKey: aws.String("k")}
	}
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("e"), Records: many})
	wantCode(t, err, "ValidationException", "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")
	big := make([]types.PutRecordsRequestEntry, 6)
	for i := range big {
		big[i] = types.PutRecordsRequestEntry{Data: make([]byte, 1<<20-10), PartitionKey: aws.String("k")}
	}
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("e"), Records: big})
	wantCode(t, err, "InvalidArgumentException", "5 MB")
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("e"), Records: []types.PutRecordsRequestEntry{{Data: []byte("x"), PartitionKey: aws.String("")}, {Data: []byte("y"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("01")}}})
	wantCode(t, err, "ValidationException", "2 validation errors detected: Value '' at 'records.1.member.partitionKey'")

	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("garbage")})
	wantCode(t, err, "InvalidArgumentException", "Invalid ShardIterator.")
	it := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("e"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	tampered := []byte(it)
	tampered[10] ^= 1
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(string(tampered))})
	wantCode(t, err, "InvalidArgumentException", "Invalid ShardIterator.")
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it, Limit: aws.Int32(10001)})
	wantCode(t, err, "ValidationException", "Member must have value less than or equal to 10000")
}

func TestTagsAndRetention(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	createStream(t, c, "t", 1)
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/t")
	if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("t"), Tags: map[string]string{"b": "2", "a": "1", "c": "3"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamARN: arn, Limit: aws.Int32(2)})
	if err != nil || len(out.Tags) != 2 || *out.Tags[0].Key != "a" || !*out.HasMoreTags {
		t.Fatalf("tags: %+v %v", out, err)
	}
	out, _ = c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("t"), ExclusiveStartTagKey: aws.String("b")})
	if len(out.Tags) != 1 || *out.Tags[0].Value != "3" || *out.HasMoreTags {
		t.Fatalf("tags page 2: %+v", out)
	}
	if _, err := c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("t"), TagKeys: []string{"a", "zz"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"d": "4"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	rt, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil || len(rt.Tags) != 2 || *rt.Tags[0].Key != "c" || *rt.Tags[1].Key != "d" {
		t.Fatalf("resource tags: %+v %v", rt, err)
	}

	if _, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("t"), RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("t"), RetentionPeriodHours: aws.Int32(8761)})
	wantCode(t, err, "InvalidArgumentException", "Maximum allowed retention period is 8760 hours")
	_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("t"), RetentionPeriodHours: aws.Int32(23)})
	wantCode(t, err, "InvalidArgumentException", "Minimum allowed retention period is 24 hours")
	_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("t"), RetentionPeriodHours: aws.Int32(72)})
	wantCode(t, err, "InvalidArgumentException", "can not be longer")
	if _, err := c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamARN: arn, RetentionPeriodHours: aws.Int32(24)}); err != nil {
		t.Fatal(err)
	}
	s, _ := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("t")})
	if *s.StreamDescriptionSummary.RetentionPeriodHours != 24 {
		t.Fatalf("retention %d", *s.StreamDescriptionSummary.RetentionPeriodHours)
	}
}

func TestSequenceNumbersAcrossRestart(t *testing.T) {
	cfg := server.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Addr, cfg.ConsoleAddr, cfg.WarehouseAddr = "127.0.0.1:0", "off", "off"
	cfg.RootAccessKeyID, cfg.RootSecretAccessKey = testenv.AccessKeyID, testenv.SecretAccessKey
	ctx := context.Background()
	put := func(c *kinesis.Client) string {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("p"), Data: []byte("x"), PartitionKey: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		return *out.SequenceNumber
	}
	var before string
	var it string
	t.Run("first", func(t *testing.T) {
		env := testenv.StartConfig(t, cfg)
		c := kinesis.NewFromConfig(env.AWSConfig())
		createStream(t, c, "p", 1)
		put(c)
		before = put(c)
		it = iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("p"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeLatest})
	})
	env := testenv.StartConfig(t, cfg)
	c := kinesis.NewFromConfig(env.AWSConfig())
	after := put(c)
	if len(after) != len(before) || after <= before {
		t.Fatalf("sequence number after restart %s <= %s", after, before)
	}
	// Iterators survive the restart and LATEST was restored.
	g, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it})
	if err != nil || len(g.Records) != 1 || *g.Records[0].SequenceNumber != after {
		t.Fatalf("get after restart: %+v %v", g, err)
	}
}
