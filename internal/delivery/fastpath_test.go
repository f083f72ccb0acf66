package delivery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
	"github.com/parquet-go/parquet-go"

	"github.com/shoal-dev/shoal/internal/awserr"
	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake/file"
)

// The fast paths may decline any record, but whatever they accept must
// come out exactly as the general path makes it. These tests run both on
// generated records and compare.

func TestFlatDocMatchesDecodeJSON(t *testing.T) {
	recs := genRecords(20000, 1)
	var d flatDoc
	accepted := 0
	for _, rec := range recs {
		if !d.parse(rec) {
			continue
		}
		accepted++
		v, err := decodeJSON(rec)
		if err != nil {
			t.Fatalf("%s: fast path accepted what decodeJSON rejects: %v", rec, err)
		}
		m, ok := v.(map[string]any)
		if !ok || len(m) != len(d.fields) {
			t.Fatalf("%s: decodeJSON gave %#v, fast path %d fields", rec, v, len(d.fields))
		}
		for _, f := range d.fields {
			got, want := f.toAny(), m[string(f.key)]
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: field %s: fast %#v, general %#v", rec, f.key, got, want)
			}
		}
	}
	checkCoverage(t, "flat parse", accepted, len(recs))
}

// checkCoverage keeps the fast path honest: most generated records are
// plain and must take it.
func checkCoverage(t *testing.T, what string, n, total int) {
	t.Helper()
	t.Logf("%s: fast path took %d of %d records", what, n, total)
	if n < total/3 {
		t.Fatalf("%s: fast path took only %d of %d records", what, n, total)
	}
}

func TestFlatDocDeclines(t *testing.T) {
	var d flatDoc
	for _, rec := range []string{`{"a":{"b":1}}`, `{"a":[1]}`, `{"a":1,"a":2}`, `{"A":1,"a":2}`, `{"a.b":1,"a_b":2}`, `{"a":1}}`, `{"a":1} x`,
		`{"é":1}`, `{"a\u0041":1}`, `[1]`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":+1}`, `{"a":1e}`, `{"a":"x}`, `{"a":tru}`, "{\"a\":\"\x01\"}", `{"a":1,}`, ``} {
		if d.parse([]byte(rec)) {
			t.Errorf("%q: fast path accepted it", rec)
		}
	}
	for _, rec := range []string{`{}`, ` { "a" : -0 , "b":"\"\u00e9" } `, `{"a":null,"b":true,"c":1e400}`, "{\"a\":\"bad\xffutf8\"}"} {
		if !d.parse([]byte(rec)) {
			t.Errorf("%q: fast path declined it", rec)
		}
	}
}

var fastQueries = []string{
	`{store_id:.store_id,year:.check_timestamp|strftime("%Y"),month:.check_timestamp|strftime("%m"),day:.check_timestamp|strftime("%d"),hour:.check_timestamp|strftime("%H")}`,
	`{ "store": .store_id, "at": .check_timestamp | strftime("%Y-%m-%dT%H:%M:%SZ"), "n": .current_stock }`,
	`{a:.is_stock_low, b:.price, c:.restock_status, d:.ts|strftime("%j/%e/%k/%%/%F")}`,
}

func TestFastQueryMatchesGojq(t *testing.T) {
	recs := genRecords(20000, 2)
	for _, src := range fastQueries {
		q, err := gojq.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		p := &plan{prefix: &template{}}
		if err := p.compileJQ(map[string]string{"MetadataExtractionQuery": src}); err != nil {
			t.Fatal(err)
		}
		fq := compileFastQuery(q)
		if fq == nil {
			t.Fatalf("%s: not compiled", src)
		}
		var d flatDoc
		var st fastKeys
		accepted := 0
		for _, rec := range recs {
			if !d.parse(rec) {
				continue
			}
			part, ok := fq.eval(&d, &st)
			if !ok {
				continue
			}
			accepted++
			doc, _ := decodeJSON(rec)
			keys, err := p.partitionKeys(doc)
			if err != nil {
				t.Fatalf("%s on %s: fast path gave %q, gojq failed: %v", src, rec, part.id, err)
			}
			if !maps.Equal(keys, part.keys) || partitionID(keys) != part.id {
				t.Fatalf("%s on %s: fast %v %q, gojq %v %q", src, rec, part.keys, part.id, keys, partitionID(keys))
			}
		}
		checkCoverage(t, src, accepted, len(recs))
	}
}

func TestFastQueryShapes(t *testing.T) {
	for src, want := range map[string]bool{
		`{a:.x}`: true, `{"a":.x|strftime("%H")}`: true, `{a:.x, a:.y}`: false, `{a:.x.y}`: false, `{a:.x|strftime("%H")|ascii_downcase}`: false,
		`{a:.x|strflocaltime("%H")}`: false, `{a:.x|strftime(.f)}`: false, `{a:."x"}`: false, `{a:.x[0]}`: false, `{a}`: false, `{$x}`: false,
		`{(.k):.x}`: false, `{"a\(.k)":.x}`: false, `.`: false, `{a:.x} | .a`: false, `{a:.x|strftime("%H\(.y)")}`: false, `{a:.x?}`: false,
	} {
		q, err := gojq.Parse(src)
		if err != nil {
			if want {
				t.Fatalf("%s: %v", src, err)
			}
			continue
		}
		if got := compileFastQuery(q) != nil; got != want {
			t.Errorf("%s: compiled %v, want %v", src, got, want)
		}
	}
}

// allTypesColumns covers every primitive type the flat rows store.
func allTypesColumns(caseInsensitive bool, mappings map[string]string) []column {
	types := [][2]string{{"store_id", "string"}, {"product_id", "varchar(10)"}, {"product_name", "string"}, {"current_stock", "int"},
		{"threshold_level", "int"}, {"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"},
		{"restock_status", "string"}, {"price", "double"}, {"ratio", "float"}, {"amount", "decimal(10,2)"}, {"big_amount", "decimal(20,2)"},
		{"day", "date"}, {"ts", "timestamp"}, {"blob", "binary"}, {"small", "smallint"}, {"tiny", "tinyint"}, {"Upper_Col", "string"}}
	var cols []column
	for _, c := range types {
		gt, err := parseGlueType(c[1])
		if err != nil {
			panic(err)
		}
		key := c[0]
		if k, ok := mappings[c[0]]; ok {
			key = k
		}
		if caseInsensitive {
			key = strings.ToLower(key)
		}
		cols = append(cols, column{name: c[0], key: key, typ: gt})
	}
	return cols
}

var converterVariants = []struct {
	name string
	opts convertOptions
}{
	{"openx-default", convertOptions{caseInsensitive: true}},
	{"case-sensitive", convertOptions{}},
	{"dots", convertOptions{caseInsensitive: true, dotsToUnder: true}},
	{"mappings", convertOptions{caseInsensitive: true, mappings: map[string]string{"Upper_Col": "Store.ID", "product_name": "restock_status"}}},
	{"hive", convertOptions{hive: true, caseInsensitive: true, tsFormats: []string{"millis", "2006-01-02 15:04:05"}}},
}

func newTestConverter(o convertOptions) *converter {
	o.codec, o.pageVersion = &parquet.Snappy, 1
	return newConverter(&o, allTypesColumns(o.caseInsensitive, o.mappings), "db.t", "1")
}

func TestFlatRowMatchesMapConverter(t *testing.T) {
	recs := genRecords(20000, 3)
	for _, v := range converterVariants {
		c := newTestConverter(v.opts)
		if c.flat == nil {
			t.Fatal("all-primitive schema has no flat layout")
		}
		var d flatDoc
		accepted := 0
		for _, rec := range recs {
			if !d.parse(rec) {
				continue
			}
			var fast, general rowBuilder
			cells, ok := c.flatRow(&d, &fast)
			if !ok {
				continue
			}
			accepted++
			doc, _ := decodeJSON(rec)
			m, err := c.row(doc)
			if err != nil {
				t.Fatalf("%s %s: fast path converted, general path failed: %v", v.name, rec, err)
			}
			want, err := c.rowFromMap(m, &general)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := describeRow(c, cells, fast.strs), describeRow(c, want, general.strs); a != b {
				t.Fatalf("%s %s:\nfast    %s\ngeneral %s", v.name, rec, a, b)
			}
		}
		checkCoverage(t, v.name, accepted, len(recs))
	}
}

// describeRow renders a flat row as parquet values, for comparison.
func describeRow(c *converter, cells []uint64, strs []byte) string {
	var b strings.Builder
	for i := range c.cols {
		if cells[0]&(1<<i) == 0 {
			b.WriteString("null ")
			continue
		}
		v := c.flat.value(i, cells[1+i], strs)
		fmt.Fprintf(&b, "%s:%q ", v.Kind(), v.String())
	}
	return b.String()
}

// readParquet reads a file back as maps.
func readParquet(t *testing.T, data []byte) ([]map[string]any, int) {
	t.Helper()
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
	return rows, len(f.RowGroups())
}

// TestFlatParquetMatchesMapWriter writes the same rows through parquet-go's
// map writer and through flat rows, and reads both files back.
func TestFlatParquetMatchesMapWriter(t *testing.T) {
	for _, v := range converterVariants[:2] {
		c := newTestConverter(v.opts)
		var mrows []map[string]any
		var flat rowBuf
		var rb rowBuilder
		for _, rec := range genRecords(3000, 4) {
			doc, err := decodeJSON(rec)
			if err != nil {
				continue
			}
			m, err := c.row(doc)
			if err != nil {
				continue
			}
			mrows = append(mrows, m)
			rb.reset()
			cells, err := c.rowFromMap(m, &rb)
			if err != nil {
				t.Fatal(err)
			}
			flat.appendRow(c.flat.kinds, cells, rb.strs)
		}
		var a, b bytes.Buffer
		if err := c.writeParquet(&a, mrows); err != nil {
			t.Fatal(err)
		}
		if err := c.writeFlatParquet(&b, &flat); err != nil {
			t.Fatal(err)
		}
		ra, _ := readParquet(t, a.Bytes())
		rb2, _ := readParquet(t, b.Bytes())
		if len(ra) != len(mrows) || !reflect.DeepEqual(ra, rb2) {
			t.Fatalf("%s: map writer and flat writer differ (%d vs %d rows)", v.name, len(ra), len(rb2))
		}
		fa, _ := parquet.OpenFile(bytes.NewReader(a.Bytes()), int64(a.Len()))
		fb, _ := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if fa.Schema().String() != fb.Schema().String() {
			t.Fatalf("schemas differ:\n%s\n%s", fa.Schema(), fb.Schema())
		}
	}
}

// TestBlockSizeCutsRowGroups checks that BlockSizeBytes is applied as the
// row-group size target by both writers.
func TestBlockSizeCutsRowGroups(t *testing.T) {
	c := newTestConverter(convertOptions{caseInsensitive: true})
	var mrows []map[string]any
	var flat rowBuf
	var rb rowBuilder
	for _, rec := range genRecords(2000, 5) {
		doc, err := decodeJSON(rec)
		if err != nil {
			continue
		}
		if m, err := c.row(doc); err == nil {
			mrows = append(mrows, m)
			rb.reset()
			cells, _ := c.rowFromMap(m, &rb)
			flat.appendRow(c.flat.kinds, cells, rb.strs)
		}
	}
	for _, block := range []int{0, 20 << 10} {
		c.opts.blockSize = block
		var a, b bytes.Buffer
		if err := c.writeParquet(&a, mrows); err != nil {
			t.Fatal(err)
		}
		if err := c.writeFlatParquet(&b, &flat); err != nil {
			t.Fatal(err)
		}
		ra, ga := readParquet(t, a.Bytes())
		rb2, gb := readParquet(t, b.Bytes())
		if !reflect.DeepEqual(ra, rb2) || len(ra) != len(mrows) {
			t.Fatalf("block %d: rows differ", block)
		}
		t.Logf("block size %d: %d rows, row groups: map writer %d, flat writer %d", block, len(ra), ga, gb)
		if block == 0 && (ga != 1 || gb != 1) {
			t.Fatalf("default block size: want one row group, got %d and %d", ga, gb)
		}
		if block > 0 && (ga < 3 || gb < 3) {
			t.Fatalf("block size %d: want several row groups, got %d and %d", block, ga, gb)
		}
	}
}

func TestParquetSerDeBlockAndPadding(t *testing.T) {
	base := func(ps *ParquetSerDe) *plan {
		tr := true
		p := &plan{dest: &S3Destination{DataFormatConversionConfiguration: &DataFormatConversionConfiguration{Enabled: &tr,
			SchemaConfiguration:       &SchemaConfiguration{DatabaseName: "d", TableName: "t", RoleARN: "arn:aws:iam::000000000000:role/r"},
			InputFormatConfiguration:  &InputFormatConfiguration{Deserializer: &Deserializer{OpenXJsonSerDe: &OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &OutputFormatConfiguration{Serializer: &Serializer{ParquetSerDe: ps}}}}}
		return p
	}
	p := base(&ParquetSerDe{BlockSizeBytes: ptr(128 << 20), MaxPaddingBytes: ptr(0)})
	if err := p.compileConversionOptions(); err != nil || p.convert.blockSize != 128<<20 {
		t.Fatalf("err %v", err)
	}
	p = base(&ParquetSerDe{})
	if err := p.compileConversionOptions(); err != nil || p.convert.blockSize != defaultBlockSize {
		t.Fatalf("err %v", err)
	}
	for _, ps := range []*ParquetSerDe{{MaxPaddingBytes: ptr(1024)}, {MaxPaddingBytes: ptr(-1)}, {BlockSizeBytes: ptr(1 << 20)}} {
		err := base(ps).compileConversionOptions()
		if err == nil {
			t.Fatalf("%+v accepted", ps)
		}
		t.Log(err)
	}
	err := base(&ParquetSerDe{MaxPaddingBytes: ptr(1024)}).compileConversionOptions()
	if e, ok := err.(*awserr.Error); !ok || e.Code != awserr.InvalidArgument || !strings.Contains(e.Message, "MaxPaddingBytes") {
		t.Fatalf("got %v", err)
	}
}

// TestWorkerFastPathMatchesGeneral runs the delivery worker on generated
// records twice, with and without the fast paths, and compares every
// partition buffer: keys, positions, sizes, error lines and Parquet rows.
func TestWorkerFastPathMatchesGeneral(t *testing.T) {
	ctx := t.Context()
	recs := genRecords(5000, 6)
	run := func(fast bool) *worker {
		w := benchWorker(t, inventoryColumns())
		if !fast {
			w.plan.fastJQ = nil
			if _, err := w.converter(ctx); err != nil {
				t.Fatal(err)
			}
			w.conv.flat = nil
		}
		for n := 0; n < len(recs); n += 500 {
			if err := w.ingest(ctx, uint64(n/500+1), encodeRecords(1752724231000, recs[n:n+500])); err != nil {
				t.Fatal(err)
			}
		}
		return w
	}
	fw, gw := run(true), run(false)
	if fw.plan.fastJQ == nil || fw.conv.flat == nil {
		t.Fatal("the fast paths are not in use")
	}
	if len(fw.bufs) != len(gw.bufs) || fw.active != gw.active {
		t.Fatalf("buffers: fast %d (%d active), general %d (%d active)", len(fw.bufs), fw.active, len(gw.bufs), gw.active)
	}
	rows := 0
	for id, fb := range fw.bufs {
		gb := gw.bufs[id]
		if gb == nil {
			t.Fatalf("partition %q only on the fast path", id)
		}
		if !maps.Equal(fb.keys, gb.keys) || fb.first != gb.first || fb.last != gb.last || fb.firstArrival != gb.firstArrival || fb.size != gb.size || fb.errType != gb.errType {
			t.Fatalf("partition %q: fast %+v %+v %+v %d, general %+v %+v %+v %d", id, fb.keys, fb.first, fb.last, fb.size, gb.keys, gb.first, gb.last, gb.size)
		}
		if fb.errType != "" {
			if a, b := stripAttemptTime(t, fb.data), stripAttemptTime(t, gb.data); a != b {
				t.Fatalf("error output %q differs:\n%s\n%s", id, a, b)
			}
			continue
		}
		var a, b bytes.Buffer
		if err := fw.conv.writeFlatParquet(&a, &fb.flat); err != nil {
			t.Fatal(err)
		}
		if err := gw.conv.writeParquet(&b, gb.rows); err != nil {
			t.Fatal(err)
		}
		ra, _ := readParquet(t, a.Bytes())
		rb, _ := readParquet(t, b.Bytes())
		if !reflect.DeepEqual(ra, rb) {
			for i := range min(len(ra), len(rb)) {
				if !reflect.DeepEqual(ra[i], rb[i]) {
					t.Errorf("row %d:\nfast    %v\ngeneral %v", i, ra[i], rb[i])
					break
				}
			}
			t.Fatalf("partition %q: rows differ (%d and %d rows)", id, len(ra), len(rb))
		}
		rows += len(ra)
	}
	t.Logf("%d partitions, %d rows converted", len(fw.bufs), rows)
}

// stripAttemptTime drops the wall-clock field of error lines.
func stripAttemptTime(t *testing.T, data []byte) string {
	var out strings.Builder
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "attemptEndingTimestamp")
		b, _ := json.Marshal(m)
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.String()
}

// benchWorker is a worker for the reference pipeline over a file lake,
// without JetStream (ingest and writeObject do not need it).
func benchWorker(t testing.TB, cols []catalog.Column) *worker {
	lk, err := file.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := lk.CreateBucket(t.Context(), "inventory"); err != nil {
		t.Fatal(err)
	}
	q := fastQueries[0]
	tr, sixtyFour, interval := true, 64, 60
	d := S3Destination{BucketARN: "arn:aws:s3:::inventory", RoleARN: "arn:aws:iam::000000000000:role/r",
		Prefix:            ptr("store-data/store_id=!{partitionKeyFromQuery:store_id}/!{partitionKeyFromQuery:year}/!{partitionKeyFromQuery:month}/!{partitionKeyFromQuery:day}/!{partitionKeyFromQuery:hour}/"),
		ErrorOutputPrefix: ptr("error"), BufferingHints: &BufferingHints{SizeInMBs: &sixtyFour, IntervalInSeconds: &interval},
		DynamicPartitioningConfiguration: &DynamicPartitioningConfiguration{Enabled: &tr},
		ProcessingConfiguration: &ProcessingConfiguration{Enabled: &tr, Processors: []Processor{{Type: "MetadataExtraction", Parameters: []ProcessorParameter{
			{ParameterName: "MetadataExtractionQuery", ParameterValue: q}, {ParameterName: "JsonParsingEngine", ParameterValue: "JQ-1.6"}}}}},
		DataFormatConversionConfiguration: &DataFormatConversionConfiguration{Enabled: &tr,
			SchemaConfiguration:       &SchemaConfiguration{DatabaseName: "conversion_db", TableName: "conversion_table", RoleARN: "arn:aws:iam::000000000000:role/r"},
			InputFormatConfiguration:  &InputFormatConfiguration{Deserializer: &Deserializer{OpenXJsonSerDe: &OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &OutputFormatConfiguration{Serializer: &Serializer{ParquetSerDe: &ParquetSerDe{}}}},
	}
	p, err := validateDestination(&d, true)
	if err != nil {
		t.Fatal(err)
	}
	svc := &Service{opts: Options{Lake: lk, Catalog: fakeCatalog{cols}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	return &worker{svc: svc, cfg: &Config{Name: "SI-Firehose", ID: "test", Version: 1, Destination: d}, plan: p, bucket: "inventory",
		bufs: map[string]*pbuf{}, prog: progress{Parts: map[string]pos{}}, log: svc.opts.Logger}
}
