package kinesisapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/fxamacker/cbor/v2"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/awsapi/kinesisapi"
	"github.com/shoal-dev/shoal/internal/natsjs"
	"github.com/shoal-dev/shoal/internal/stream"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// clock is a settable clock for iterator expiry.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startWithClock assembles JetStream, the stream service with an injected
// iterator clock, and the Kinesis API behind a signed router.
func startWithClock(t *testing.T, clk *clock) string {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	js, err := natsjs.Start(ctx, natsjs.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := stream.Open(ctx, js.JetStream(), stream.Options{AccountID: "000000000000", Region: "us-east-1", Logger: logger, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	v := &awsapi.Verifier{Credentials: awsapi.StaticCredentials{testenv.AccessKeyID: {
		SecretAccessKey: testenv.SecretAccessKey,
		Identity:        awsapi.Identity{AccessKeyID: testenv.AccessKeyID, ARN: "arn:aws:iam::000000000000:root", Root: true},
	}}}
	rt := awsapi.NewRouter(v, logger)
	kinesisapi.Register(rt, svc)
	srv := httptest.NewServer(rt)
	t.Cleanup(func() {
		srv.Close()
		_ = svc.Close(ctx)
		_ = js.Close(ctx)
	})
	return srv.URL
}

func TestExpiredIteratorAndListShardsToken(t *testing.T) {
	clk := &clock{now: time.Now()}
	c := kinesis.NewFromConfig(testenv.AWSConfig(startWithClock(t, clk), testenv.AccessKeyID, testenv.SecretAccessKey))
	ctx := context.Background()
	createStream(t, c, "x", 2)
	it := iterator(t, c, &kinesis.GetShardIteratorInput{StreamName: aws.String("x"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	page, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("x"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(4 * time.Minute)
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it})
	if err != nil {
		t.Fatalf("fresh iterator: %v", err)
	}
	clk.advance(2 * time.Minute)
	// The next iterator was issued 2 minutes ago; the first one 6 minutes ago.
	if _, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: out.NextShardIterator}); err != nil {
		t.Fatalf("next iterator: %v", err)
	}
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it})
	wantCode(t, err, "ExpiredIteratorException", "Iterator expired.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	wantCode(t, err, "ExpiredNextTokenException", "NextToken has expired")
}

// cborCall signs and posts a CBOR request as the Java SDK and the KPL do.
func cborCall(t *testing.T, endpoint, op string, in any, out any) int {
	t.Helper()
	body, err := cbor.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-cbor-1.1" {
		t.Fatalf("%s: content type %q: %s", op, ct, raw)
	}
	if err := cbor.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: decode CBOR response: %v", op, err)
	}
	return resp.StatusCode
}

func TestCBOR(t *testing.T) {
	env := testenv.Start(t)
	c := kinesis.NewFromConfig(env.AWSConfig())
	createStream(t, c, "cb", 1)
	endpoint := env.Server.Endpoint()

	var put map[string]any
	if code := cborCall(t, endpoint, "PutRecord", map[string]any{"StreamName": "cb", "Data": []byte{0, 1, 2, 0xff}, "PartitionKey": "pk"}, &put); code != 200 {
		t.Fatalf("PutRecord: %d %v", code, put)
	}
	var recs map[string]any
	if code := cborCall(t, endpoint, "PutRecords", map[string]any{"StreamName": "cb", "Records": []map[string]any{{"Data": []byte("second"), "PartitionKey": "pk"}}}, &recs); code != 200 || recs["FailedRecordCount"] != uint64(0) {
		t.Fatalf("PutRecords: %d %v", code, recs)
	}
	var it map[string]any
	cborCall(t, endpoint, "GetShardIterator", map[string]any{"StreamName": "cb", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}, &it)

	var got struct {
		Records []struct {
			Data                        []byte
			PartitionKey                string
			SequenceNumber              string
			ApproximateArrivalTimestamp cbor.Tag
		}
		NextShardIterator  string
		MillisBehindLatest int64
	}
	if code := cborCall(t, endpoint, "GetRecords", map[string]any{"ShardIterator": it["ShardIterator"]}, &got); code != 200 {
		t.Fatalf("GetRecords: %d", code)
	}
	if len(got.Records) != 2 || !bytes.Equal(got.Records[0].Data, []byte{0, 1, 2, 0xff}) || got.Records[0].PartitionKey != "pk" ||
		got.Records[0].SequenceNumber != put["SequenceNumber"] || string(got.Records[1].Data) != "second" || got.NextShardIterator == "" {
		t.Fatalf("GetRecords: %+v", got)
	}
	// Timestamps are CBOR tag 1 (epoch) as the Java SDK expects.
	if got.Records[0].ApproximateArrivalTimestamp.Number != 1 {
		t.Fatalf("timestamp tag %d", got.Records[0].ApproximateArrivalTimestamp.Number)
	}
	var errBody map[string]any
	if code := cborCall(t, endpoint, "GetRecords", map[string]any{"ShardIterator": "bogus"}, &errBody); code != 400 || errBody["__type"] != "InvalidArgumentException" {
		t.Fatalf("bad iterator: %d %v", code, errBody)
	}
}
