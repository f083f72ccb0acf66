package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake/file"
)

type fakeCatalog struct{ cols []catalog.Column }

func (f fakeCatalog) GetTableVersion(ctx context.Context, db, name, v string) (*catalog.Table, error) {
	return &catalog.Table{TableInput: catalog.TableInput{StorageDescriptor: &catalog.StorageDescriptor{Columns: f.cols}}, VersionID: "1"}, nil
}

func inventoryColumns() []catalog.Column {
	var cols []catalog.Column
	for _, c := range [][2]string{{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"}, {"current_stock", "int"}, {"threshold_level", "int"},
		{"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"}} {
		ty := c[1]
		cols = append(cols, catalog.Column{Name: c[0], Type: &ty})
	}
	return cols
}

// BenchmarkDeliveryParquetDynamic measures the delivery worker on inventory
// records: JQ partition keys by store and hour, JSON to Parquet (Snappy), and
// objects written into a file lake (the JetStream read is measured by the
// stream package's benchmarks).
func BenchmarkDeliveryParquetDynamic(b *testing.B) {
	ctx := context.Background()
	lk, err := file.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if err := lk.CreateBucket(ctx, "inventory"); err != nil {
		b.Fatal(err)
	}
	q := `{store_id:.store_id,year:.check_timestamp|strftime("%Y"),month:.check_timestamp|strftime("%m"),day:.check_timestamp|strftime("%d"),hour:.check_timestamp|strftime("%H")}`
	t, f, sixtyFour, interval := true, "JQ-1.6", 64, 60
	d := S3Destination{BucketARN: "arn:aws:s3:::inventory", RoleARN: "arn:aws:iam::000000000000:role/r",
		Prefix:            ptr("store-data/store_id=!{partitionKeyFromQuery:store_id}/!{partitionKeyFromQuery:year}/!{partitionKeyFromQuery:month}/!{partitionKeyFromQuery:day}/!{partitionKeyFromQuery:hour}/"),
		ErrorOutputPrefix: ptr("error"), BufferingHints: &BufferingHints{SizeInMBs: &sixtyFour, IntervalInSeconds: &interval},
		DynamicPartitioningConfiguration: &DynamicPartitioningConfiguration{Enabled: &t},
		ProcessingConfiguration: &ProcessingConfiguration{Enabled: &t, Processors: []Processor{{Type: "MetadataExtraction", Parameters: []ProcessorParameter{
			{ParameterName: "MetadataExtractionQuery", ParameterValue: q}, {ParameterName: "JsonParsingEngine", ParameterValue: f}}}}},
		DataFormatConversionConfiguration: &DataFormatConversionConfiguration{Enabled: &t,
			SchemaConfiguration:       &SchemaConfiguration{DatabaseName: "conversion_db", TableName: "conversion_table", RoleARN: "arn:aws:iam::000000000000:role/r"},
			InputFormatConfiguration:  &InputFormatConfiguration{Deserializer: &Deserializer{OpenXJsonSerDe: &OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &OutputFormatConfiguration{Serializer: &Serializer{ParquetSerDe: &ParquetSerDe{}}}},
	}
	p, err := validateDestination(&d, true)
	if err != nil {
		b.Fatal(err)
	}
	svc := &Service{opts: Options{Lake: lk, Catalog: fakeCatalog{inventoryColumns()}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	w := &worker{svc: svc, cfg: &Config{Name: "SI-Firehose", ID: "bench", Version: 1, Destination: d}, plan: p, bucket: "inventory",
		bufs: map[string]*pbuf{}, prog: progress{Parts: map[string]pos{}}, log: svc.opts.Logger}
	base := time.Date(2025, 7, 17, 0, 0, 0, 0, time.UTC).Unix()
	recs := make([][]byte, 5000)
	size := 0
	for i := range recs {
		recs[i], _ = json.Marshal(map[string]any{"store_id": fmt.Sprintf("STORE_%d", i%10), "product_id": fmt.Sprintf("PRD_%d", i%5), "product_name": "Sữa tươi",
			"current_stock": i % 20, "threshold_level": 9, "is_stock_low": i%20 < 9, "check_timestamp": base + int64(i%4)*3600 + int64(i),
			"notification_sent": false, "restock_status": "chưa xử lý"})
		size += len(recs[i])
	}
	b.ReportAllocs()
	b.SetBytes(int64(size / len(recs)))
	b.ResetTimer()
	arrival := time.Now().UnixMilli()
	for n := 0; n < b.N; n += 500 {
		// One message of 500 records, as one PutRecordBatch stores it.
		batch := recs[n%len(recs) : n%len(recs)+min(500, b.N-n)]
		if err := w.ingest(ctx, uint64(n/500+1), encodeRecords(arrival, batch)); err != nil {
			b.Fatal(err)
		}
		// Flush every 100,000 records: objects of a realistic size.
		if (n+500)%100000 == 0 || n+500 >= b.N {
			for _, buf := range w.bufs {
				if err := w.writeObject(ctx, buf); err != nil {
					b.Fatal(err)
				}
				delete(w.bufs, buf.id)
			}
			w.active = 0
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func ptr[T any](v T) *T { return &v }
