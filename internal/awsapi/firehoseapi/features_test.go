package firehoseapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gt "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustCreateBucket(t testing.TB, c clients, bucket string) {
	t.Helper()
	if _, err := c.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
}

func mustCreateStream(t testing.TB, c clients, name string, dest *fh.ExtendedS3DestinationConfiguration) {
	t.Helper()
	if _, err := c.fh.CreateDeliveryStream(context.Background(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name), ExtendedS3DestinationConfiguration: dest}); err != nil {
		t.Fatal(err)
	}
}

func mustPut(t testing.TB, c clients, name string, recs ...[]byte) {
	t.Helper()
	in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name)}
	for _, r := range recs {
		in.Records = append(in.Records, fh.Record{Data: r})
	}
	out, err := c.fh.PutRecordBatch(context.Background(), in)
	if err != nil || *out.FailedPutCount != 0 {
		t.Fatal(out, err)
	}
}

// waitKeys waits until exactly n objects are under prefix and returns them.
func waitKeys(t testing.TB, c clients, bucket, prefix string, n int) []string {
	t.Helper()
	var keys []string
	testenv.Eventually(t, 15*time.Second, fmt.Sprintf("%d objects under s3://%s/%s", n, bucket, prefix), func() bool {
		keys = listKeys(t, c, bucket, prefix)
		return len(keys) >= n
	})
	if len(keys) != n {
		t.Fatalf("want %d objects, got %v", n, keys)
	}
	return keys
}

// hadoopSnappyDecode reads Hadoop's BlockCompressorStream format as
// Hadoop's BlockDecompressorStream with a SnappyDecompressor does: per block
// the uncompressed length, then (compressed length, snappy block) chunks
// until that length is reached. Like Hadoop's default 256 KiB direct
// buffers, it refuses chunks that do not fit them.
func hadoopSnappyDecode(b []byte) ([]byte, error) {
	const bufSize = 256 << 10
	var out []byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, errors.New("truncated block header")
		}
		raw := int(binary.BigEndian.Uint32(b))
		b = b[4:]
		got := 0
		for got < raw {
			if len(b) < 4 {
				return nil, errors.New("truncated chunk header")
			}
			clen := int(binary.BigEndian.Uint32(b))
			b = b[4:]
			if clen > len(b) {
				return nil, fmt.Errorf("chunk of %d bytes, %d left", clen, len(b))
			}
			if clen > bufSize {
				return nil, fmt.Errorf("compressed chunk of %d bytes does not fit Hadoop's %d-byte buffer", clen, bufSize)
			}
			dec, err := snappy.Decode(nil, b[:clen])
			if err != nil {
				return nil, err
			}
			if len(dec) > bufSize {
				return nil, fmt.Errorf("uncompressed chunk of %d bytes does not fit Hadoop's %d-byte buffer", len(dec), bufSize)
			}
			out = append(out, dec...)
			got += len(dec)
			b = b[clen:]
		}
		if got != raw {
			return nil, fmt.Errorf("block holds %d bytes, header says %d", got, raw)
		}
	}
	return out, nil
}

func TestCompressionFormats(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "comp")
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() [][]byte {
		var recs [][]byte
		for i := 0; i < 200; i++ {
			recs = append(recs, []byte(fmt.Sprintf(`{"n":%d,"s":"%s"}`+"\n", i, strings.Repeat("x", i%17))))
		}
		return recs
	}
	// Incompressible records, large enough for several Hadoop blocks
	// (and under the 1 MiB buffer, so one object).
	random := func() [][]byte {
		var recs [][]byte
		for i := 0; i < 3; i++ {
			r := make([]byte, 300<<10)
			for j := range r {
				r[j] = byte(rng.Uint32())
			}
			recs = append(recs, r)
		}
		return recs
	}
	unzip := func(t *testing.T, b []byte) []byte {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if len(zr.File) != 1 {
			t.Fatalf("want one entry per object, got %d", len(zr.File))
		}
		f, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	unsnappy := func(t *testing.T, b []byte) []byte {
		if !bytes.HasPrefix(b, []byte("\xff\x06\x00\x00sNaPpY")) {
			t.Fatalf("no snappy framing stream identifier: % x", b[:min(10, len(b))])
		}
		out, err := io.ReadAll(snappy.NewReader(bytes.NewReader(b)))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	unhadoop := func(t *testing.T, b []byte) []byte {
		out, err := hadoopSnappyDecode(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := []struct {
		name, format, ext string
		recs              func() [][]byte
		decode            func(*testing.T, []byte) []byte
	}{
		{"zip", "ZIP", ".zip", text, unzip},
		{"zip-random", "ZIP", ".zip", random, unzip},
		{"snappy", "Snappy", ".snappy", text, unsnappy},
		{"snappy-random", "Snappy", ".snappy", random, unsnappy},
		{"hsnappy", "HADOOP_SNAPPY", ".hsnappy", text, unhadoop},
		{"hsnappy-random", "HADOOP_SNAPPY", ".hsnappy", random, unhadoop},
	}
	for _, tc := range cases {
		recs := tc.recs()
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dest := s3dest("comp")
			dest.Prefix = aws.String(tc.name + "/")
			dest.CompressionFormat = fh.CompressionFormat(tc.format)
			mustCreateStream(t, c, tc.name, dest)
			mustPut(t, c, tc.name, recs...)
			keys := waitKeys(t, c, "comp", tc.name+"/", 1)
			if !strings.HasSuffix(keys[0], tc.ext) {
				t.Fatalf("key %s: want extension %s", keys[0], tc.ext)
			}
			got := tc.decode(t, getObject(t, c, "comp", keys[0]))
			if want := bytes.Join(recs, nil); !bytes.Equal(got, want) {
				t.Fatalf("decoded %d bytes, want %d (equal prefix %v)", len(got), len(want), bytes.HasPrefix(want, got))
			}
		})
	}
}

func TestAppendDelimiterToRecord(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "delim")
	dest := s3dest("delim")
	dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}}
	mustCreateStream(t, c, "d", dest)
	// Records that already end in a newline get another: the processor
	// appends unconditionally.
	mustPut(t, c, "d", []byte(`{"a":1}`), []byte("plain"), []byte("line\n"), []byte(""))
	mustPut(t, c, "d", []byte(`{"a":2}`))
	keys := waitKeys(t, c, "delim", "", 1)
	if got, want := string(getObject(t, c, "delim", keys[0])), "{\"a\":1}\nplain\nline\n\n\n{\"a\":2}\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRecordDeAggregation(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "deagg")

	t.Run("json-dynamic", func(t *testing.T) {
		t.Parallel()
		dest := &fh.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::deagg"), RoleARN: aws.String(role),
			Prefix:                           aws.String("json/dev=!{partitionKeyFromQuery:dev}/"),
			ErrorOutputPrefix:                aws.String("json-err/!{firehose:error-output-type}/"),
			BufferingHints:                   &fh.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(1)},
			DynamicPartitioningConfiguration: &fh.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
			ProcessingConfiguration: &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{
				{Type: fh.ProcessorTypeRecordDeAggregation, Parameters: []fh.ProcessorParameter{{ParameterName: fh.ProcessorParameterNameSubRecordType, ParameterValue: aws.String("JSON")}}},
				{Type: fh.ProcessorTypeMetadataExtraction, Parameters: []fh.ProcessorParameter{
					{ParameterName: fh.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String("{dev:.dev}")},
					{ParameterName: fh.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")}}},
				{Type: fh.ProcessorTypeAppendDelimiterToRecord},
			}},
		}
		mustCreateStream(t, c, "jsonagg", dest)
		// Concatenated, newline-separated and spaced JSON objects in one record.
		mustPut(t, c, "jsonagg",
			[]byte(`{"dev":"a","n":1}{"dev":"b","n":2}`+"\n"+`{"dev":"a","n":3}  {"dev":"b", "n":4}`),
			[]byte(`{"dev":"a","n":5}`),
			[]byte(`{"dev":"a","n":6}{"dev":`))
		keys := waitKeys(t, c, "deagg", "json", 3)
		got := map[string]string{}
		for _, k := range keys {
			got[strings.SplitN(k, "/", 3)[1]] = string(getObject(t, c, "deagg", k))
		}
		if want := "{\"dev\":\"a\",\"n\":1}\n{\"dev\":\"a\",\"n\":3}\n{\"dev\":\"a\",\"n\":5}\n"; got["dev=a"] != want {
			t.Fatalf("dev=a: got %q, want %q (keys %v)", got["dev=a"], want, keys)
		}
		if want := "{\"dev\":\"b\",\"n\":2}\n{\"dev\":\"b\", \"n\":4}\n"; got["dev=b"] != want {
			t.Fatalf("dev=b: got %q, want %q", got["dev=b"], want)
		}
		// The malformed aggregate goes to the error output whole.
		var line map[string]any
		if err := json.Unmarshal([]byte(got["processing-failed"]), &line); err != nil {
			t.Fatalf("error output %q (keys %v): %v", got["processing-failed"], keys, err)
		}
		if raw, _ := base64.StdEncoding.DecodeString(line["rawData"].(string)); string(raw) != `{"dev":"a","n":6}{"dev":` {
			t.Fatalf("error raw data %q", raw)
		}
	})

	t.Run("delimited", func(t *testing.T) {
		t.Parallel()
		dest := s3dest("deagg")
		dest.Prefix = aws.String("delim/")
		dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{
			{Type: fh.ProcessorTypeRecordDeAggregation, Parameters: []fh.ProcessorParameter{
				{ParameterName: fh.ProcessorParameterNameSubRecordType, ParameterValue: aws.String("DELIMITED")},
				{ParameterName: fh.ProcessorParameterNameDelimiter, ParameterValue: aws.String(base64.StdEncoding.EncodeToString([]byte("||")))}}},
			{Type: fh.ProcessorTypeAppendDelimiterToRecord},
		}}
		mustCreateStream(t, c, "delimagg", dest)
		mustPut(t, c, "delimagg", []byte("a1||a2||a|3||"), []byte("b1"), []byte("c1||c2"))
		keys := waitKeys(t, c, "deagg", "delim/", 1)
		if got, want := string(getObject(t, c, "deagg", keys[0])), "a1\na2\na|3\nb1\nc1\nc2\n"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})

	t.Run("bad-delimiter", func(t *testing.T) {
		t.Parallel()
		dest := s3dest("deagg")
		dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{
			{Type: fh.ProcessorTypeRecordDeAggregation, Parameters: []fh.ProcessorParameter{
				{ParameterName: fh.ProcessorParameterNameSubRecordType, ParameterValue: aws.String("DELIMITED")},
				{ParameterName: fh.ProcessorParameterNameDelimiter, ParameterValue: aws.String("not base64!")}}},
		}}
		_, err := c.fh.CreateDeliveryStream(context.Background(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("badagg"), ExtendedS3DestinationConfiguration: dest})
		wantCode(t, err, "InvalidArgumentException")
	})
}

func createTable(t testing.TB, c clients, db, table string, cols [][2]string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.glu.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gt.DatabaseInput{Name: aws.String(db)}}); err != nil {
		var ae *gt.AlreadyExistsException
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
	}
	var gcols []gt.Column
	for _, col := range cols {
		gcols = append(gcols, gt.Column{Name: aws.String(col[0]), Type: aws.String(col[1])})
	}
	if _, err := c.glu.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String(db), TableInput: &gt.TableInput{Name: aws.String(table),
		StorageDescriptor: &gt.StorageDescriptor{Columns: gcols}}}); err != nil {
		t.Fatal(err)
	}
}

func conversionDest(bucket, prefix, db, table string, ds *fh.Deserializer) *fh.ExtendedS3DestinationConfiguration {
	return &fh.ExtendedS3DestinationConfiguration{
		BucketARN: aws.String("arn:aws:s3:::" + bucket), RoleARN: aws.String(role), Prefix: aws.String(prefix), ErrorOutputPrefix: aws.String(prefix + "err-"),
		BufferingHints: &fh.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(1)},
		DataFormatConversionConfiguration: &fh.DataFormatConversionConfiguration{Enabled: aws.Bool(true),
			SchemaConfiguration:       &fh.SchemaConfiguration{DatabaseName: aws.String(db), TableName: aws.String(table), RoleARN: aws.String(role)},
			InputFormatConfiguration:  &fh.InputFormatConfiguration{Deserializer: ds},
			OutputFormatConfiguration: &fh.OutputFormatConfiguration{Serializer: &fh.Serializer{ParquetSerDe: &fh.ParquetSerDe{}}},
		},
	}
}

// rowsByID reads every Parquet object under prefix, keyed by column id.
func rowsByID(t testing.TB, c clients, bucket, prefix string, n int) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	var keys []string
	testenv.Eventually(t, 15*time.Second, "converted objects", func() bool {
		keys = listKeys(t, c, bucket, prefix)
		return len(keys) > 0
	})
	for _, k := range keys {
		if !strings.HasSuffix(k, ".parquet") {
			t.Fatalf("unexpected object %s: %s", k, getObject(t, c, bucket, k))
		}
		for _, row := range readParquet(t, getObject(t, c, bucket, k)) {
			out[fmt.Sprint(row["id"])] = row
		}
	}
	if len(out) != n {
		t.Fatalf("got %d rows, want %d: %v", len(out), n, out)
	}
	return out
}

func TestHiveJsonSerDeTimestampFormats(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "hive")
	createTable(t, c, "hivedb", "events", [][2]string{{"id", "string"}, {"ts", "timestamp"}})
	ds := &fh.Deserializer{HiveJsonSerDe: &fh.HiveJsonSerDe{TimestampFormats: []string{"yyyy-MM-dd'T'HH:mm:ss", "millis", "dd/MM/yyyy HH:mm"}}}
	mustCreateStream(t, c, "hive", conversionDest("hive", "out/", "hivedb", "events", ds))
	at := time.Date(2025, 7, 17, 3, 4, 5, 0, time.UTC)
	recs := map[string]struct {
		json string
		want time.Time
	}{
		"pattern":    {`{"id":"pattern","ts":"2025-07-17T03:04:05"}`, at},
		"millis":     {fmt.Sprintf(`{"id":"millis","ts":"%d"}`, at.UnixMilli()+123), at.Add(123 * time.Millisecond)},
		"millis-num": {fmt.Sprintf(`{"id":"millis-num","ts":%d}`, at.UnixMilli()), at},
		"second-fmt": {`{"id":"second-fmt","ts":"17/07/2025 03:04"}`, at.Truncate(time.Minute)},
		// Without a matching format: java.sql.Timestamp.valueOf's layout.
		"default": {`{"id":"default","ts":"2025-07-17 03:04:05.250"}`, at.Add(250 * time.Millisecond)},
		"null":    {`{"id":"null","ts":null}`, time.Time{}},
	}
	var data [][]byte
	for _, r := range recs {
		data = append(data, []byte(r.json))
	}
	mustPut(t, c, "hive", data...)
	rows := rowsByID(t, c, "hive", "out/", len(recs))
	for id, r := range recs {
		v, ok := rows[id]["ts"]
		if r.want.IsZero() {
			if ok && v != nil {
				t.Errorf("%s: want null, got %v", id, v)
			}
			continue
		}
		// TIMESTAMP(MILLIS) reads back as epoch milliseconds.
		ms, isInt := v.(int64)
		if !isInt {
			t.Errorf("%s: ts is %T %v", id, v, v)
			continue
		}
		ts := time.UnixMilli(ms)
		if !ts.Equal(r.want) {
			t.Errorf("%s: got %s, want %s", id, ts.UTC(), r.want)
		}
	}
}

func TestOpenXJsonSerDeKeyMappings(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "openx")
	createTable(t, c, "openxdb", "events", [][2]string{{"id", "string"}, {"ts", "bigint"}, {"event_type", "string"}, {"user_name", "string"}, {"src", "string"}})
	ds := &fh.Deserializer{OpenXJsonSerDe: &fh.OpenXJsonSerDe{
		ConvertDotsInJsonKeysToUnderscores: aws.Bool(true),
		// timestamp is a Hive keyword; SourceIP differs from the column in name and case.
		ColumnToJsonKeyMappings: map[string]string{"ts": "timestamp", "src": "SourceIP"},
	}}
	mustCreateStream(t, c, "openx", conversionDest("openx", "out/", "openxdb", "events", ds))
	mustPut(t, c, "openx",
		[]byte(`{"id":"1","timestamp":1752721445,"event.type":"click","User.Name":"ann","sourceip":"10.0.0.1"}`),
		[]byte(`{"id":"2","Timestamp":"7","event_type":"view","user.name":"bob","SOURCEIP":"10.0.0.2","ts":99}`),
		// Nested values take the general path; the same rules apply.
		[]byte(`{"id":"3","timestamp":8,"event.type":{"k":"v"},"user.name":"cy","SourceIP":"10.0.0.3"}`))
	rows := rowsByID(t, c, "openx", "out/", 3)
	want := map[string]map[string]any{
		"1": {"ts": int64(1752721445), "event_type": "click", "user_name": "ann", "src": "10.0.0.1"},
		"2": {"ts": int64(7), "event_type": "view", "user_name": "bob", "src": "10.0.0.2"},
		"3": {"ts": int64(8), "event_type": `{"k":"v"}`, "user_name": "cy", "src": "10.0.0.3"},
	}
	for id, w := range want {
		for col, v := range w {
			if rows[id][col] != v {
				t.Errorf("row %s column %s: got %#v, want %#v (row %v)", id, col, rows[id][col], v, rows[id])
			}
		}
	}

	// Without ConvertDotsInJsonKeysToUnderscores, dotted keys match nothing.
	createTable(t, c, "openxdb", "plain", [][2]string{{"id", "string"}, {"event_type", "string"}})
	mustCreateStream(t, c, "openx-nodots", conversionDest("openx", "nodots/", "openxdb", "plain", &fh.Deserializer{OpenXJsonSerDe: &fh.OpenXJsonSerDe{}}))
	mustPut(t, c, "openx-nodots", []byte(`{"id":"1","event.type":"click"}`), []byte(`{"id":"2","EVENT_TYPE":"view"}`))
	rows = rowsByID(t, c, "openx", "nodots/", 2)
	if v, ok := rows["1"]["event_type"]; ok && v != nil {
		t.Errorf("dotted key converted without the option: %v", rows["1"])
	}
	if rows["2"]["event_type"] != "view" {
		t.Errorf("case-insensitive match: %v", rows["2"])
	}
}

func TestCustomTimeZoneAndRandomString(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "tzb")
	// A zone with no DST, far from UTC, so every hour differs from UTC's.
	const zone = "Asia/Ho_Chi_Minh"
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatalf("time zone data: %v", err)
	}

	def := s3dest("tzb")
	def.Prefix = aws.String("def/")
	def.CustomTimeZone = aws.String(zone)
	mustCreateStream(t, c, "tzdef", def)

	expr := s3dest("tzb")
	expr.Prefix = aws.String("expr/!{timestamp:yyyy-MM-dd'T'HH}/!{firehose:random-string}/")
	expr.ErrorOutputPrefix = aws.String("experr/")
	expr.CustomTimeZone = aws.String(zone)
	expr.BufferingHints.SizeInMBs = aws.Int32(1)
	mustCreateStream(t, c, "tzexpr", expr)

	before := time.Now()
	mustPut(t, c, "tzdef", []byte("a"))
	// Two objects: the first put fills the 1 MiB buffer, the second waits
	// for the interval.
	mustPut(t, c, "tzexpr", make([]byte, 1000<<10), make([]byte, 100<<10))
	mustPut(t, c, "tzexpr", []byte("b"))
	after := time.Now()

	okAt := func(layout string) map[string]bool {
		return map[string]bool{before.In(loc).Format(layout): true, after.In(loc).Format(layout): true}
	}
	keys := waitKeys(t, c, "tzb", "def/", 1)
	if p := strings.TrimPrefix(keys[0], "def/")[:14]; !okAt("2006/01/02/15/")[p] {
		t.Fatalf("default prefix %q of %s is not the %s time around the put (%v)", p, keys[0], zone, okAt("2006/01/02/15/"))
	}
	keys = waitKeys(t, c, "tzb", "expr/", 2)
	re := regexp.MustCompile(`^expr/(\d{4}-\d\d-\d\dT\d\d)/([0-9a-z-]{11})/tzexpr-1-`)
	randoms := map[string]bool{}
	for _, k := range keys {
		m := re.FindStringSubmatch(k)
		if m == nil {
			t.Fatalf("key %s does not match %s", k, re)
		}
		if !okAt("2006-01-02T15")[m[1]] {
			t.Fatalf("timestamp %q of %s is not the %s time around the put", m[1], k, zone)
		}
		randoms[m[2]] = true
	}
	if len(randoms) != 2 {
		t.Fatalf("random-string repeats across objects: %v", keys)
	}

	bad := s3dest("tzb")
	bad.CustomTimeZone = aws.String("Mars/Olympus_Mons")
	_, err = c.fh.CreateDeliveryStream(context.Background(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("badtz"), ExtendedS3DestinationConfiguration: bad})
	wantCode(t, err, "InvalidArgumentException")
}

func TestActivePartitionsLimit(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "parts")
	dest := &fh.ExtendedS3DestinationConfiguration{
		BucketARN: aws.String("arn:aws:s3:::parts"), RoleARN: aws.String(role),
		Prefix:                           aws.String("p/!{partitionKeyFromQuery:id}/"),
		ErrorOutputPrefix:                aws.String("err/!{firehose:error-output-type}/"),
		BufferingHints:                   &fh.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(2)},
		DynamicPartitioningConfiguration: &fh.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
		ProcessingConfiguration: &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{
			{Type: fh.ProcessorTypeMetadataExtraction, Parameters: []fh.ProcessorParameter{
				{ParameterName: fh.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String("{id:.id}")},
				{ParameterName: fh.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")}}},
		}},
	}
	mustCreateStream(t, c, "many", dest)
	rec := func(i, n int) []byte { return []byte(fmt.Sprintf(`{"id":"k%03d","n":%d}`, i, n)) }
	var first [][]byte
	for i := 0; i < 500; i++ {
		first = append(first, rec(i, 0))
	}
	start := time.Now()
	mustPut(t, c, "many", first...)
	// The 501st partition overflows; records of active partitions still buffer.
	mustPut(t, c, "many", rec(500, 0), rec(0, 1), rec(501, 0))
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Skipf("puts took %s, close to the buffer interval: partitions may have flushed", d)
	}
	keys := waitKeys(t, c, "parts", "p/", 500)
	for _, k := range keys {
		if strings.HasPrefix(k, "p/k500/") || strings.HasPrefix(k, "p/k501/") {
			t.Fatalf("partition beyond the limit was delivered: %s", k)
		}
	}
	k0 := listKeys(t, c, "parts", "p/k000/")
	if len(k0) != 1 || string(getObject(t, c, "parts", k0[0])) != string(rec(0, 0))+string(rec(0, 1)) {
		t.Fatalf("partition k000: %v", k0)
	}
	errKeys := waitKeys(t, c, "parts", "err/", 1)
	if !strings.HasPrefix(errKeys[0], "err/activePartitionExceeded/") {
		t.Fatalf("error output key %s: want error type activePartitionExceeded", errKeys[0])
	}
	var raws []string
	for _, l := range strings.Split(strings.TrimSpace(string(getObject(t, c, "parts", errKeys[0]))), "\n") {
		var line struct {
			ErrorCode, ErrorMessage, RawData string
		}
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line.ErrorMessage, "active partitions has exceeded") {
			t.Fatalf("error line %s", l)
		}
		raw, _ := base64.StdEncoding.DecodeString(line.RawData)
		raws = append(raws, string(raw))
	}
	if want := []string{string(rec(500, 0)), string(rec(501, 0))}; strings.Join(raws, ",") != strings.Join(want, ",") {
		t.Fatalf("error records %v, want %v", raws, want)
	}
	// Delivered partitions are no longer active: a new one is accepted.
	mustPut(t, c, "many", rec(502, 0))
	waitKeys(t, c, "parts", "p/k502/", 1)
}

// TestUpdateDestinationWhileFlowing changes the destination twice while
// producers put records: every acknowledged record is delivered exactly
// once, under the version (and prefix) in force when it was delivered.
func TestUpdateDestinationWhileFlowing(t *testing.T) {
	_, c := setup(t)
	mustCreateBucket(t, c, "upd")
	ctx := context.Background()
	dest := s3dest("upd")
	dest.Prefix = aws.String("v1/")
	dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}}
	mustCreateStream(t, c, "flow", dest)

	var mu sync.Mutex
	acked := map[string]bool{}
	var batches atomic.Int64
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				recs := make([]fh.Record, 50)
				for i := range recs {
					recs[i].Data = []byte(fmt.Sprintf("g%d-b%d-r%d", g, n, i))
				}
				out, err := c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("flow"), Records: recs})
				if err != nil || *out.FailedPutCount != 0 {
					errs <- fmt.Errorf("put: %v %v", out, err)
					return
				}
				mu.Lock()
				for _, r := range recs {
					acked[string(r.Data)] = true
				}
				mu.Unlock()
				batches.Add(1)
			}
		}()
	}
	waitBatches := func(n int64) {
		testenv.Eventually(t, 15*time.Second, "producers", func() bool { return batches.Load() >= n || len(errs) > 0 })
	}
	update := func(version string, upd *fh.ExtendedS3DestinationUpdate) {
		if _, err := c.fh.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("flow"), CurrentDeliveryStreamVersionId: aws.String(version),
			DestinationId: aws.String("destinationId-000000000001"), ExtendedS3DestinationUpdate: upd}); err != nil {
			t.Error(err)
		}
	}
	waitBatches(20)
	update("1", &fh.ExtendedS3DestinationUpdate{Prefix: aws.String("v2/")})
	waitBatches(40)
	// With GZIP, objects of version 3 are compressed.
	update("2", &fh.ExtendedS3DestinationUpdate{Prefix: aws.String("v3/"), CompressionFormat: fh.CompressionFormatGzip})
	waitBatches(60)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if t.Failed() {
		t.FailNow()
	}

	read := func() (map[string]int, map[string]int) {
		seen, versions := map[string]int{}, map[string]int{}
		for _, k := range listKeys(t, c, "upd", "") {
			m := regexp.MustCompile(`^(v\d)/\d{4}/\d\d/\d\d/\d\d/flow-(\d)-`).FindStringSubmatch(k)
			if m == nil || m[1][1:] != m[2] {
				t.Fatalf("key %s: prefix and version disagree", k)
			}
			body := getObject(t, c, "upd", k)
			if m[2] == "3" {
				if !strings.HasSuffix(k, ".gz") {
					t.Fatalf("key %s of version 3 is not gzip", k)
				}
				body = gunzip(t, body)
			}
			for _, l := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
				seen[l]++
			}
			versions[m[2]]++
		}
		return seen, versions
	}
	var seen, versions map[string]int
	testenv.Eventually(t, 20*time.Second, "every acknowledged record", func() bool {
		seen, versions = read()
		return len(seen) >= len(acked)
	})
	for r := range acked {
		if seen[r] != 1 {
			t.Fatalf("record %s delivered %d times", r, seen[r])
		}
	}
	if len(seen) != len(acked) {
		t.Fatalf("delivered %d distinct records, acknowledged %d", len(seen), len(acked))
	}
	if versions["3"] == 0 {
		t.Fatalf("no object of the last version: %v", versions)
	}
	var vs []string
	for v, n := range versions {
		vs = append(vs, fmt.Sprintf("v%s:%d", v, n))
	}
	sort.Strings(vs)
	t.Logf("%d records in objects %v", len(acked), vs)
}
