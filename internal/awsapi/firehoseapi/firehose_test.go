package firehoseapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gt "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/parquet-go/parquet-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

const role = "arn:aws:iam::000000000000:role/firehose"

type clients struct {
	fh  *firehose.Client
	s3  *s3.Client
	glu *glue.Client
	kin *kinesis.Client
}

func setup(t testing.TB) (*testenv.Env, clients) {
	env := testenv.Start(t)
	cfg := env.AWSConfig()
	return env, clients{
		fh:  firehose.NewFromConfig(cfg),
		s3:  s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		glu: glue.NewFromConfig(cfg),
		kin: kinesis.NewFromConfig(cfg),
	}
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if errCode(err) != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func s3dest(bucket string) *fh.ExtendedS3DestinationConfiguration {
	return &fh.ExtendedS3DestinationConfiguration{
		BucketARN: aws.String("arn:aws:s3:::" + bucket), RoleARN: aws.String(role),
		BufferingHints: &fh.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(1)},
	}
}

func listKeys(t testing.TB, c clients, bucket, prefix string) []string {
	out, err := c.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	return keys
}

func getObject(t testing.TB, c clients, bucket, key string) []byte {
	out, err := c.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return b
}

func TestOperationsAndErrors(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	_, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("ops"), ExtendedS3DestinationConfiguration: s3dest("b1"),
		Tags: []fh.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("ops"), ExtendedS3DestinationConfiguration: s3dest("b1")})
	wantCode(t, err, "ResourceInUseException")
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("rs"),
		RedshiftDestinationConfiguration: &fh.RedshiftDestinationConfiguration{ClusterJDBCURL: aws.String("jdbc:x"), CopyCommand: &fh.CopyCommand{DataTableName: aws.String("t")}, RoleARN: aws.String(role), S3Configuration: &fh.S3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::b1"), RoleARN: aws.String(role)}}})
	wantCode(t, err, "InvalidArgumentException")
	bad := s3dest("b1")
	bad.Prefix, bad.ErrorOutputPrefix = aws.String("x/!{partitionKeyFromLambda:k}/"), aws.String("err/")
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("lam"), ExtendedS3DestinationConfiguration: bad})
	wantCode(t, err, "InvalidArgumentException")
	bad = s3dest("b1")
	bad.Prefix = aws.String("x/!{timestamp:yyyy}/")
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("noerr"), ExtendedS3DestinationConfiguration: bad})
	wantCode(t, err, "InvalidArgumentException")
	bad.ErrorOutputPrefix, bad.Prefix = aws.String("e/"), aws.String("x/!{timestamp:yyyy-QQ}/")
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("badts"), ExtendedS3DestinationConfiguration: bad})
	wantCode(t, err, "InvalidArgumentException")
	bad = s3dest("b1")
	bad.BufferingHints.SizeInMBs = aws.Int32(200)
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("big"), ExtendedS3DestinationConfiguration: bad})
	wantCode(t, err, "ValidationException")
	_, err = c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("bad name!"), ExtendedS3DestinationConfiguration: s3dest("b1")})
	wantCode(t, err, "ValidationException")

	d, err := c.fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	desc := d.DeliveryStreamDescription
	if desc.DeliveryStreamStatus != fh.DeliveryStreamStatusActive || *desc.VersionId != "1" || *desc.DeliveryStreamARN != "arn:aws:firehose:us-east-1:000000000000:deliverystream/ops" ||
		len(desc.Destinations) != 1 || *desc.Destinations[0].ExtendedS3DestinationDescription.BucketARN != "arn:aws:s3:::b1" || desc.CreateTimestamp == nil {
		t.Fatalf("describe: %+v", desc)
	}
	_, err = c.fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("nope")})
	wantCode(t, err, "ResourceNotFoundException")

	_, err = c.fh.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("ops"), CurrentDeliveryStreamVersionId: aws.String("7"),
		DestinationId: aws.String("destinationId-000000000001"), ExtendedS3DestinationUpdate: &fh.ExtendedS3DestinationUpdate{Prefix: aws.String("p/")}})
	wantCode(t, err, "ConcurrentModificationException")
	_, err = c.fh.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("ops"), CurrentDeliveryStreamVersionId: aws.String("1"),
		DestinationId: aws.String("destinationId-000000000001"), ExtendedS3DestinationUpdate: &fh.ExtendedS3DestinationUpdate{Prefix: aws.String("p/")}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = c.fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("ops")})
	if e := d.DeliveryStreamDescription.Destinations[0].ExtendedS3DestinationDescription; *d.DeliveryStreamDescription.VersionId != "2" || *e.Prefix != "p/" || *e.BucketARN != "arn:aws:s3:::b1" {
		t.Fatalf("after update: %+v", e)
	}

	for _, n := range []string{"a2", "a3"} {
		if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(n), ExtendedS3DestinationConfiguration: s3dest("b1")}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := c.fh.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{Limit: aws.Int32(2)})
	if err != nil || strings.Join(l.DeliveryStreamNames, ",") != "a2,a3" || !*l.HasMoreDeliveryStreams {
		t.Fatalf("list: %v %v", l, err)
	}
	l, _ = c.fh.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{ExclusiveStartDeliveryStreamName: aws.String("a3")})
	if strings.Join(l.DeliveryStreamNames, ",") != "ops" || *l.HasMoreDeliveryStreams {
		t.Fatalf("list page 2: %v", l.DeliveryStreamNames)
	}

	if _, err := c.fh.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("ops"), Tags: []fh.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.fh.UntagDeliveryStream(ctx, &firehose.UntagDeliveryStreamInput{DeliveryStreamName: aws.String("ops"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.fh.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: aws.String("ops")})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "env" {
		t.Fatalf("tags: %+v %v", tags, err)
	}

	r, err := c.fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("ops"), Record: &fh.Record{Data: []byte("x")}})
	if err != nil || *r.RecordId == "" {
		t.Fatal(r, err)
	}
	many := make([]fh.Record, 501)
	for i := range many {
		many[i].Data = []byte("x")
	}
	_, err = c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("ops"), Records: many})
	wantCode(t, err, "ValidationException")
	_, err = c.fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("ops"), Record: &fh.Record{Data: make([]byte, 1000<<10+1)}})
	wantCode(t, err, "ValidationException")
	_, err = c.fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("nope"), Record: &fh.Record{Data: []byte("x")}})
	wantCode(t, err, "ResourceNotFoundException")

	if _, err := c.fh.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.fh.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("ops")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestDefaultLayoutGzip(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("raw")}); err != nil {
		t.Fatal(err)
	}
	dest := s3dest("raw")
	dest.CompressionFormat = fh.CompressionFormatGzip
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("orders"), ExtendedS3DestinationConfiguration: dest}); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	recs := make([]fh.Record, 100)
	for i := range recs {
		line := fmt.Sprintf(`{"InvoiceNo":%d}`+"\n", i)
		recs[i].Data = []byte(line)
		want.WriteString(line)
	}
	out, err := c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("orders"), Records: recs})
	if err != nil || *out.FailedPutCount != 0 || len(out.RequestResponses) != 100 || *out.Encrypted {
		t.Fatal(out, err)
	}
	var keys []string
	testenv.Eventually(t, 10*time.Second, "gzip object", func() bool { keys = listKeys(t, c, "raw", ""); return len(keys) > 0 })
	if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\d{2}/orders-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$`).MatchString(keys[0]) || len(keys) != 1 {
		t.Fatalf("keys %v", keys)
	}
	zr, err := gzip.NewReader(bytes.NewReader(getObject(t, c, "raw", keys[0])))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != want.String() {
		t.Fatalf("content %q", got)
	}
}

type inventory struct {
	StoreID          string `json:"store_id"`
	ProductID        string `json:"product_id"`
	ProductName      string `json:"product_name"`
	CurrentStock     int    `json:"current_stock"`
	ThresholdLevel   int    `json:"threshold_level"`
	IsStockLow       bool   `json:"is_stock_low"`
	CheckTimestamp   int64  `json:"check_timestamp"`
	NotificationSent bool   `json:"notification_sent"`
	RestockStatus    string `json:"restock_status"`
}

func createConversionTable(t testing.TB, c clients) {
	ctx := context.Background()
	if _, err := c.glu.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gt.DatabaseInput{Name: aws.String("conversion_db")}}); err != nil {
		t.Fatal(err)
	}
	var cols []gt.Column
	for _, c := range [][2]string{{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"}, {"current_stock", "int"}, {"threshold_level", "int"},
		{"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"}} {
		cols = append(cols, gt.Column{Name: aws.String(c[0]), Type: aws.String(c[1])})
	}
	_, err := c.glu.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gt.TableInput{Name: aws.String("conversion_table"),
		StorageDescriptor: &gt.StorageDescriptor{Columns: cols, Location: aws.String("s3://inventory/store-data/")}, Parameters: map[string]string{"classification": "parquet"}}})
	if err != nil {
		t.Fatal(err)
	}
}

// workshopDestination is the reference pipeline of DESIGN.md.
func workshopDestination(bucket string, interval int32) *fh.ExtendedS3DestinationConfiguration {
	q := `{store_id:.store_id,year:.check_timestamp|strftime("%Y"),month:.check_timestamp|strftime("%m"),day:.check_timestamp|strftime("%d"),hour:.check_timestamp|strftime("%H")}`
	return &fh.ExtendedS3DestinationConfiguration{
		BucketARN: aws.String("arn:aws:s3:::" + bucket), RoleARN: aws.String(role),
		Prefix:                           aws.String("store-data/store_id=!{partitionKeyFromQuery:store_id}/!{partitionKeyFromQuery:year}/!{partitionKeyFromQuery:month}/!{partitionKeyFromQuery:day}/!{partitionKeyFromQuery:hour}/"),
		ErrorOutputPrefix:                aws.String("error"),
		BufferingHints:                   &fh.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(interval)},
		DynamicPartitioningConfiguration: &fh.DynamicPartitioningConfiguration{Enabled: aws.Bool(true), RetryOptions: &fh.RetryOptions{DurationInSeconds: aws.Int32(300)}},
		ProcessingConfiguration: &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeMetadataExtraction, Parameters: []fh.ProcessorParameter{
			{ParameterName: fh.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String(q)},
			{ParameterName: fh.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")},
		}}}},
		DataFormatConversionConfiguration: &fh.DataFormatConversionConfiguration{Enabled: aws.Bool(true),
			SchemaConfiguration:       &fh.SchemaConfiguration{DatabaseName: aws.String("conversion_db"), TableName: aws.String("conversion_table"), RoleARN: aws.String(role), Region: aws.String("us-east-1"), VersionId: aws.String("LATEST")},
			InputFormatConfiguration:  &fh.InputFormatConfiguration{Deserializer: &fh.Deserializer{OpenXJsonSerDe: &fh.OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &fh.OutputFormatConfiguration{Serializer: &fh.Serializer{ParquetSerDe: &fh.ParquetSerDe{}}},
		},
	}
}

func readParquet(t testing.TB, data []byte) []map[string]any {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]map[string]any, f.NumRows())
	for i := range rows {
		rows[i] = map[string]any{}
	}
	r := parquet.NewGenericReader[map[string]any](f, f.Schema())
	if n, err := r.Read(rows); n != len(rows) {
		t.Fatalf("read %d of %d rows: %v", n, len(rows), err)
	}
	return rows
}

func TestReferencePipeline(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inventory")}); err != nil {
		t.Fatal(err)
	}
	createConversionTable(t, c)
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose"), DeliveryStreamType: fh.DeliveryStreamTypeDirectPut,
		ExtendedS3DestinationConfiguration: workshopDestination("inventory", 1)}); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 7, 17, 3, 0, 0, 0, time.UTC).Unix()
	want := map[string]inventory{}
	var recs []fh.Record
	for i := 0; i < 60; i++ {
		r := inventory{StoreID: fmt.Sprintf("STORE_%d", i%3), ProductID: fmt.Sprintf("PRD_%d", i), ProductName: "Sữa tươi", CurrentStock: i, ThresholdLevel: 9,
			IsStockLow: i < 9, CheckTimestamp: base + int64(i%2)*3600, NotificationSent: i%4 == 0, RestockStatus: "chưa xử lý"}
		b, _ := json.Marshal(r)
		recs = append(recs, fh.Record{Data: b})
		want[r.ProductID] = r
	}
	malformed := []byte(`{"store_id":"STORE_1","check_timestamp":1752724231,"current_stock":"many"}`)
	notJSON := []byte(`not json`)
	recs = append(recs, fh.Record{Data: malformed}, fh.Record{Data: notJSON})
	out, err := c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("SI-Firehose"), Records: recs})
	if err != nil || *out.FailedPutCount != 0 {
		t.Fatal(out, err)
	}
	// 3 stores x 2 hours, plus the two error outputs.
	testenv.Eventually(t, 15*time.Second, "objects", func() bool { return len(listKeys(t, c, "inventory", "")) == 8 })
	got := map[string]inventory{}
	keyRE := regexp.MustCompile(`^store-data/store_id=(STORE_\d)/2025/07/17/0([34])/SI-Firehose-1-\d{4}(-\d\d){5}-[0-9a-f-]{36}\.parquet$`)
	var errKeys []string
	for _, k := range listKeys(t, c, "inventory", "") {
		if strings.HasPrefix(k, "error") {
			errKeys = append(errKeys, k)
			continue
		}
		m := keyRE.FindStringSubmatch(k)
		if m == nil {
			t.Fatalf("unexpected key %s", k)
		}
		for _, row := range readParquet(t, getObject(t, c, "inventory", k)) {
			r := inventory{StoreID: row["store_id"].(string), ProductID: row["product_id"].(string), ProductName: row["product_name"].(string),
				CurrentStock: int(row["current_stock"].(int32)), ThresholdLevel: int(row["threshold_level"].(int32)), IsStockLow: row["is_stock_low"].(bool),
				CheckTimestamp: row["check_timestamp"].(int64), NotificationSent: row["notification_sent"].(bool), RestockStatus: row["restock_status"].(string)}
			if r.StoreID != m[1] || time.Unix(r.CheckTimestamp, 0).UTC().Format("15") != "0"+m[2] {
				t.Fatalf("record %+v in %s", r, k)
			}
			if _, dup := got[r.ProductID]; dup {
				t.Fatalf("duplicate %s", r.ProductID)
			}
			got[r.ProductID] = r
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("%s: got %+v want %+v", id, got[id], w)
		}
	}
	raw := map[string][]byte{"format-conversion-failed": malformed, "partitioning-failed": notJSON}
	for _, k := range errKeys {
		typ := strings.SplitN(strings.TrimPrefix(k, "error"), "/", 2)[0]
		if !regexp.MustCompile(`^error` + typ + `/\d{4}/\d\d/\d\d/\d\d/SI-Firehose-1-`).MatchString(k) {
			t.Fatalf("error key %s", k)
		}
		var line map[string]any
		if err := json.Unmarshal(getObject(t, c, "inventory", k), &line); err != nil {
			t.Fatal(err)
		}
		data, _ := base64.StdEncoding.DecodeString(line["rawData"].(string))
		if !bytes.Equal(data, raw[typ]) {
			t.Fatalf("%s: raw data %q", k, data)
		}
		delete(raw, typ)
	}
	if len(raw) != 0 {
		t.Fatalf("missing error outputs %v (keys %v)", raw, errKeys)
	}
}

func TestKinesisSource(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("CadabraOrders"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	dest := s3dest("orders")
	dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}}
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("orders-to-s3"), DeliveryStreamType: fh.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration:   &fh.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/CadabraOrders"), RoleARN: aws.String(role)},
		ExtendedS3DestinationConfiguration: dest}); err != nil {
		t.Fatal(err)
	}
	_, err := c.fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("orders-to-s3"), Record: &fh.Record{Data: []byte("x")}})
	wantCode(t, err, "InvalidArgumentException")
	want := map[string]bool{}
	for i := 0; i < 40; i++ {
		line := fmt.Sprintf(`{"InvoiceNo":%d}`, i)
		want[line] = true
		if _, err := c.kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("CadabraOrders"), PartitionKey: aws.String(fmt.Sprint(i)), Data: []byte(line)}); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	testenv.Eventually(t, 15*time.Second, "source records delivered", func() bool {
		got = map[string]bool{}
		for _, k := range listKeys(t, c, "orders", "") {
			for _, l := range strings.Split(strings.TrimSpace(string(getObject(t, c, "orders", k))), "\n") {
				got[l] = true
			}
		}
		return len(got) >= len(want)
	})
	for l := range want {
		if !got[l] {
			t.Fatalf("missing %s", l)
		}
	}
}
