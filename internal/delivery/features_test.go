package delivery

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/klauspost/compress/snappy"
)

func TestHadoopSnappyBlocksFitHadoopBuffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 1<<20+12345)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := compressData(&buf, "HADOOP_SNAPPY", data, "x"); err != nil {
		t.Fatal(err)
	}
	b, out := buf.Bytes(), []byte(nil)
	for len(b) > 0 {
		raw := int(binary.BigEndian.Uint32(b))
		clen := int(binary.BigEndian.Uint32(b[4:]))
		if raw > 256<<10 || clen > 256<<10 {
			t.Fatalf("block of %d bytes compressed to %d: Hadoop's 256 KiB buffers cannot hold it", raw, clen)
		}
		dec, err := snappy.Decode(nil, b[8:8+clen])
		if err != nil || len(dec) != raw {
			t.Fatalf("block: %d bytes, %v", len(dec), err)
		}
		out = append(out, dec...)
		b = b[8+clen:]
	}
	if !bytes.Equal(out, data) {
		t.Fatal("round trip differs")
	}
}

func testWorker(t *testing.T, d S3Destination) *worker {
	t.Helper()
	d.BucketARN, d.RoleARN = "arn:aws:s3:::b", "arn:aws:iam::000000000000:role/r"
	p, err := validateDestination(&d, true)
	if err != nil {
		t.Fatal(err)
	}
	return &worker{cfg: &Config{Name: "s", ID: "id", Version: 3, Destination: d}, plan: p, bufs: map[string]*pbuf{}, prog: progress{Parts: map[string]pos{}}}
}

func TestCustomTimeZoneObjectKey(t *testing.T) {
	zone, prefix, errPrefix := "Asia/Tokyo", "d/!{timestamp:yyyy/MM/dd/HH}/!{firehose:random-string}/", "e/!{firehose:error-output-type}/!{timestamp:HH}/"
	at := time.Date(2025, 7, 17, 20, 30, 1, 0, time.UTC).UnixMilli() // 2025-07-18 05:30:01 in Tokyo
	def := testWorker(t, S3Destination{CustomTimeZone: &zone})
	b := &pbuf{id: "", first: pos{7, 0}, firstArrival: at}
	if got := def.objectKey(b); !regexp.MustCompile(`^2025/07/18/05/s-3-2025-07-18-05-30-01-[0-9a-f-]{36}$`).MatchString(got) {
		t.Fatalf("default prefix: %s", got)
	}
	if got := def.objectKey(&pbuf{id: "\x00error:processing-failed", errType: "processing-failed", first: pos{7, 0}, firstArrival: at}); !regexp.MustCompile(`^processing-failed/2025/07/18/05/s-3-`).MatchString(got) {
		t.Fatalf("default error prefix: %s", got)
	}
	expr := testWorker(t, S3Destination{CustomTimeZone: &zone, Prefix: &prefix, ErrorOutputPrefix: &errPrefix})
	k1 := expr.objectKey(b)
	m := regexp.MustCompile(`^d/2025/07/18/05/([0-9a-z]{11})/s-3-`).FindStringSubmatch(k1)
	if m == nil {
		t.Fatalf("expression prefix: %s", k1)
	}
	// The random string is stable for the same object (so a replay rewrites
	// it) and differs for another object of the same partition.
	if k := expr.objectKey(b); k != k1 {
		t.Fatalf("key changed: %s, %s", k1, k)
	}
	if k := expr.objectKey(&pbuf{first: pos{8, 0}, firstArrival: at}); k[16:27] == m[1] {
		t.Fatalf("same random string for another object: %s, %s", k1, k)
	}
	if got := expr.objectKey(&pbuf{id: "\x00error:x", errType: "format-conversion-failed", first: pos{7, 0}, firstArrival: at}); got[:len("e/format-conversion-failed/05/s-3-")] != "e/format-conversion-failed/05/s-3-" {
		t.Fatalf("error prefix: %s", got)
	}
	utc := testWorker(t, S3Destination{})
	if got := utc.objectKey(b); got[:14] != "2025/07/17/20/" {
		t.Fatalf("UTC default prefix: %s", got)
	}
}

func TestActivePartitionsLimitApply(t *testing.T) {
	w := testWorker(t, S3Destination{Prefix: ptr("p/!{partitionKeyFromQuery:k}/"), ErrorOutputPrefix: ptr("e/"),
		DynamicPartitioningConfiguration: &DynamicPartitioningConfiguration{Enabled: ptr(true)},
		ProcessingConfiguration: &ProcessingConfiguration{Enabled: ptr(true), Processors: []Processor{{Type: "MetadataExtraction",
			Parameters: []ProcessorParameter{{ParameterName: "MetadataExtractionQuery", ParameterValue: "{k:.k}"}}}}}})
	for i := 0; i <= MaxActivePartitions; i++ {
		pid := string(rune('a'+i%26)) + string(rune('a'+i/26))
		w.apply(nil, &prepared{p: pos{1, uint64(i) << 16}, data: []byte(pid), pid: pid, keys: map[string]string{"k": pid}})
	}
	// A record of an active partition still buffers.
	w.apply(nil, &prepared{p: pos{2, 0}, data: []byte("aa"), pid: "aa", keys: map[string]string{"k": "aa"}})
	if w.active != MaxActivePartitions || len(w.bufs) != MaxActivePartitions+1 || string(w.bufs["aa"].data) != "aaaa" {
		t.Fatalf("active %d, buffers %d", w.active, len(w.bufs))
	}
	eb := w.bufs["\x00error:activePartitionExceeded"]
	if eb == nil || !bytes.Contains(eb.data, []byte("The number of active partitions has exceeded the configured limit")) {
		t.Fatalf("error buffer %+v", eb)
	}
}

func TestHiveTimestampFormats(t *testing.T) {
	d := S3Destination{DataFormatConversionConfiguration: &DataFormatConversionConfiguration{
		SchemaConfiguration:       &SchemaConfiguration{DatabaseName: "db", TableName: "t", RoleARN: "arn:aws:iam::000000000000:role/r"},
		InputFormatConfiguration:  &InputFormatConfiguration{Deserializer: &Deserializer{HiveJsonSerDe: &HiveJsonSerDe{TimestampFormats: []string{"yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyyMMddHHmmss", "millis"}}}},
		OutputFormatConfiguration: &OutputFormatConfiguration{Serializer: &Serializer{ParquetSerDe: &ParquetSerDe{}}}}}
	w := testWorker(t, d)
	// Formats are tried in order, as Hive's TimestampParser does: listed
	// before yyyyMMddHHmmss, millis would claim every all-digit value.
	c := &converter{opts: w.plan.convert}
	at := time.Date(2025, 7, 17, 3, 4, 5, 678e6, time.UTC)
	for in, want := range map[any]time.Time{
		"1752721445678":           at,
		"2025-07-17T03:04:05.678": at,
		"20250717030405":          at.Truncate(time.Second),
		"2025-07-17 03:04:05.678": at, // java.sql.Timestamp.valueOf, the default
		1752721445678:             at,
	} {
		got, err := c.timestamp(in)
		if err != nil || !got.(time.Time).Equal(want) {
			t.Errorf("%v: got %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := c.timestamp("17.07.2025"); err == nil {
		t.Error("want an error for a timestamp no format matches")
	}
}
