package athenaapi_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// inventoryColumns is the workshop's schema (DESIGN.md).
var inventoryColumns = []gluetypes.Column{
	{Name: aws.String("store_id"), Type: aws.String("string")},
	{Name: aws.String("product_id"), Type: aws.String("string")},
	{Name: aws.String("product_name"), Type: aws.String("string")},
	{Name: aws.String("current_stock"), Type: aws.String("int")},
	{Name: aws.String("threshold_level"), Type: aws.String("int")},
	{Name: aws.String("is_stock_low"), Type: aws.String("boolean")},
	{Name: aws.String("check_timestamp"), Type: aws.String("bigint")},
	{Name: aws.String("notification_sent"), Type: aws.String("boolean")},
	{Name: aws.String("restock_status"), Type: aws.String("string")},
}

func parquetStorage(loc string) *gluetypes.StorageDescriptor {
	return &gluetypes.StorageDescriptor{
		Columns:      inventoryColumns,
		Location:     aws.String(loc),
		InputFormat:  aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
		OutputFormat: aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"),
		SerdeInfo:    &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")},
	}
}

// record is one inventory record with known values.
type record struct {
	store, product, name string
	stock, threshold     int
	low                  bool
	ts                   int64
	sent                 bool
	status               string
}

func inventoryRecords() []record {
	var recs []record
	for s := 1; s <= 3; s++ {
		for p := 1; p <= 5; p++ {
			for h := 0; h < 2; h++ {
				stock := (s*7 + p*3 + h*5) % 12
				recs = append(recs, record{
					store: fmt.Sprintf("STORE_%d", s), product: fmt.Sprintf("PRD_%d", p), name: "Sữa tươi \"1L\", hộp",
					stock: stock, threshold: 6, low: stock < 6, ts: 1752724231 + int64(h)*3600 + int64(p),
					sent: (s+p)%3 == 0, status: "chưa xử lý",
				})
			}
		}
	}
	return recs
}

// writeInventory puts the records into the lake as Parquet under the
// workshop's layout store-data/store_id=STORE_n/YYYY/MM/DD/HH/, one file
// per store and hour, and returns the partition directories.
func writeInventory(t *testing.T, c *clients, recs []record) map[string][]string {
	groups := map[string][]record{}
	parts := map[string][]string{}
	for _, r := range recs {
		hour := 3 + (r.ts-1752724231)/3600
		dir := fmt.Sprintf("store-data/store_id=%s/2025/07/17/%02d/", r.store, hour)
		groups[dir] = append(groups[dir], r)
		parts[dir] = []string{r.store, "2025", "07", "17", fmt.Sprintf("%02d", hour)}
	}
	for dir, rs := range groups {
		var sel []string
		for _, r := range rs {
			sel = append(sel, fmt.Sprintf("SELECT '%s' AS store_id, '%s' AS product_id, '%s' AS product_name, %d::INTEGER AS current_stock, %d::INTEGER AS threshold_level, %t AS is_stock_low, %d::BIGINT AS check_timestamp, %t AS notification_sent, '%s' AS restock_status",
				r.store, r.product, strings.ReplaceAll(r.name, "'", "''"), r.stock, r.threshold, r.low, r.ts, r.sent, r.status))
		}
		c.put(t, "inventory", dir+"SI-Firehose-1-2025-07-17-03-00-00-abc.parquet", parquet(t, strings.Join(sel, " UNION ALL ")))
	}
	return parts
}

const planningQuery = `SELECT * FROM conversion_db.conversion_table WHERE is_stock_low = true AND notification_sent = false`

func expectedPlanning(recs []record) [][]string {
	var want [][]string
	for _, r := range recs {
		if r.low && !r.sent {
			want = append(want, []string{r.store, r.product, r.name, fmt.Sprint(r.stock), fmt.Sprint(r.threshold), "true", fmt.Sprint(r.ts), "false", r.status})
		}
	}
	sortRows(want)
	return want
}

func sortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool { return strings.Join(rows[i], "\x00") < strings.Join(rows[j], "\x00") })
}

func TestStoreInventoryPlanningQuery(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	c.mkBucket(t, "inventory")
	recs := inventoryRecords()
	parts := writeInventory(t, c, recs)
	// A malformed record lands under the error prefix: not part of the table.
	c.put(t, "inventory", "error/format-conversion-failed/2025/07/17/03/x", []byte(`{"rawData":"e30="}`))

	if _, err := c.glue.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("conversion_db")}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.glue.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gluetypes.TableInput{
		Name: aws.String("conversion_table"), TableType: aws.String("EXTERNAL_TABLE"),
		Parameters:        map[string]string{"classification": "parquet"},
		StorageDescriptor: parquetStorage("s3://inventory/store-data/"),
	}})
	if err != nil {
		t.Fatal(err)
	}

	e := c.run(t, planningQuery, "")
	rows, cols := c.results(t, *e.QueryExecutionId)
	header := rows[0]
	if want := []string{"store_id", "product_id", "product_name", "current_stock", "threshold_level", "is_stock_low", "check_timestamp", "notification_sent", "restock_status"}; !reflect.DeepEqual(header, want) {
		t.Fatalf("header %v, want %v", header, want)
	}
	wantTypes := []string{"varchar", "varchar", "varchar", "integer", "integer", "boolean", "bigint", "boolean", "varchar"}
	for i, col := range cols {
		if aws.ToString(col.Type) != wantTypes[i] || aws.ToString(col.CatalogName) != "hive" || string(col.Nullable) != "UNKNOWN" {
			t.Errorf("column %d: %+v", i, col)
		}
	}
	got := rows[1:]
	sortRows(got)
	want := expectedPlanning(recs)
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("planning query rows:\n%v\nwant:\n%v", got, want)
	}
	if e.Statistics.DataScannedInBytes == nil || *e.Statistics.DataScannedInBytes == 0 {
		t.Errorf("DataScannedInBytes not reported: %+v", e.Statistics)
	}

	// The CSV in the output location holds the same rows, Athena-quoted.
	loc := aws.ToString(e.ResultConfiguration.OutputLocation)
	if want := "s3://results/athena/" + *e.QueryExecutionId + ".csv"; loc != want {
		t.Fatalf("OutputLocation %s, want %s", loc, want)
	}
	csv := string(c.get(t, "results", strings.TrimPrefix(loc, "s3://results/")))
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	if lines[0] != `"store_id","product_id","product_name","current_stock","threshold_level","is_stock_low","check_timestamp","notification_sent","restock_status"` {
		t.Fatalf("CSV header %s", lines[0])
	}
	var csvRows []string
	for _, l := range lines[1:] {
		csvRows = append(csvRows, l)
	}
	var wantCSV []string
	for _, r := range want {
		q := make([]string, len(r))
		for i, v := range r {
			q[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		wantCSV = append(wantCSV, strings.Join(q, ","))
	}
	sort.Strings(csvRows)
	sort.Strings(wantCSV)
	if !reflect.DeepEqual(csvRows, wantCSV) {
		t.Fatalf("CSV rows:\n%s\nwant:\n%s", strings.Join(csvRows, "\n"), strings.Join(wantCSV, "\n"))
	}
	if meta := c.get(t, "results", strings.TrimPrefix(loc, "s3://results/")+".metadata"); !strings.Contains(string(meta), `"ColumnInfo"`) {
		t.Fatalf("metadata file: %s", meta)
	}

	// The same data as a partitioned table with catalog partitions at the
	// workshop's (not key=value) paths; a filter on a partition key prunes.
	_, err = c.glue.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gluetypes.TableInput{
		Name: aws.String("conversion_partitioned"), TableType: aws.String("EXTERNAL_TABLE"),
		PartitionKeys: []gluetypes.Column{
			{Name: aws.String("store"), Type: aws.String("string")}, {Name: aws.String("year"), Type: aws.String("string")},
			{Name: aws.String("month"), Type: aws.String("string")}, {Name: aws.String("day"), Type: aws.String("string")},
			{Name: aws.String("hour"), Type: aws.String("string")},
		},
		StorageDescriptor: parquetStorage("s3://inventory/store-data/"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	var pins []gluetypes.PartitionInput
	for dir, vals := range parts {
		pins = append(pins, gluetypes.PartitionInput{Values: vals, StorageDescriptor: parquetStorage("s3://inventory/" + dir)})
	}
	if _, err := c.glue.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: aws.String("conversion_db"), TableName: aws.String("conversion_partitioned"), PartitionInputList: pins}); err != nil {
		t.Fatal(err)
	}
	all := c.run(t, `SELECT count(*) AS n FROM "conversion_db"."conversion_partitioned"`, "")
	one := c.run(t, `SELECT store, hour, count(*) AS n FROM conversion_partitioned WHERE store = 'STORE_2' AND hour = '04' GROUP BY store, hour`, "conversion_db")
	if rows, _ := c.results(t, *all.QueryExecutionId); rows[1][0] != fmt.Sprint(len(recs)) {
		t.Fatalf("count over all partitions: %v", rows)
	}
	if rows, _ := c.results(t, *one.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"store", "hour", "n"}, {"STORE_2", "04", "5"}}) {
		t.Fatalf("one partition: %v", rows)
	}
	scannedAll, scannedOne := *all.Statistics.DataScannedInBytes, *one.Statistics.DataScannedInBytes
	if scannedOne <= 0 || scannedOne*4 > scannedAll {
		t.Fatalf("partition pruning: scanned %d bytes for one of %d partitions, %d for all", scannedOne, len(parts), scannedAll)
	}
}
