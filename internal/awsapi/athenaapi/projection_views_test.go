package athenaapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata golden files")

// The AWS documentation's "Amazon Data Firehose example" for partition
// projection, over objects a real delivery stream wrote in its default
// YYYY/MM/dd/HH layout: queryable at once, with no MSCK REPAIR.
func TestFirehoseProjectionExample(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	c.mkBucket(t, "firehose-example-bucket")
	fc := firehose.NewFromConfig(c.env.AWSConfig())
	_, err := fc.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("ingest"),
		ExtendedS3DestinationConfiguration: &fh.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::firehose-example-bucket"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"),
			Prefix:         aws.String("prefix/"),
			BufferingHints: &fh.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(1)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	var recs []fh.Record
	for i := 0; i < n; i++ {
		recs = append(recs, fh.Record{Data: []byte(fmt.Sprintf("{\"invoice\":\"INV%d\",\"quantity\":%d}\n", i, i%5+1))})
	}
	if _, err := fc.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("ingest"), Records: recs}); err != nil {
		t.Fatal(err)
	}
	keys := waitForObjects(t, c, "firehose-example-bucket", "prefix/")
	hour := strings.Join(strings.Split(keys[0], "/")[1:5], "/") // prefix/YYYY/MM/dd/HH/name

	c.run(t, "CREATE DATABASE firehose_db", "")
	c.run(t, `CREATE EXTERNAL TABLE my_ingested_data (
  invoice string,
  quantity int
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
PARTITIONED BY (
 datehour STRING
)
LOCATION "s3://firehose-example-bucket/prefix/"
TBLPROPERTIES (
 "projection.enabled" = "true",
 "projection.datehour.type" = "date",
 "projection.datehour.format" = "yyyy/MM/dd/HH",
 "projection.datehour.range" = "2021/01/01/00,NOW",
 "projection.datehour.interval" = "1",
 "projection.datehour.interval.unit" = "HOURS",
 "storage.location.template" = "s3://firehose-example-bucket/prefix/${datehour}/"
)`, "firehose_db")

	for _, q := range []string{
		"SELECT count(*), sum(quantity) FROM my_ingested_data",
		fmt.Sprintf("SELECT count(*), sum(quantity) FROM my_ingested_data WHERE datehour = '%s'", hour),
		fmt.Sprintf("SELECT count(*), sum(quantity) FROM my_ingested_data WHERE datehour >= '%s'", hour),
	} {
		rows, _ := c.results(t, aws.ToString(c.run(t, q, "firehose_db").QueryExecutionId))
		if got := rows[1]; got[0] != fmt.Sprint(n) || got[1] != "150" {
			t.Errorf("%s: got %v, want [%d 150]", q, got, n)
		}
	}
	rows, _ := c.results(t, aws.ToString(c.run(t, "SELECT count(*) FROM my_ingested_data WHERE datehour < '2021/01/01/00'", "firehose_db").QueryExecutionId))
	if rows[1][0] != "0" {
		t.Errorf("before the range: %v", rows[1])
	}
}

// waitForObjects polls until the delivery stream has written objects.
func waitForObjects(t *testing.T, c *clients, bucket, prefix string) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Contents) > 0 {
			var keys []string
			for _, o := range out.Contents {
				keys = append(keys, *o.Key)
			}
			return keys
		}
		if time.Now().After(deadline) {
			t.Fatal("the delivery stream wrote nothing")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A view made through Athena is catalogued as Athena stores views (golden
// GetTable); a view another tool made through Glue in that encoding is
// queryable.
func TestViewCatalogEncoding(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	c.mkBucket(t, "lake")
	c.put(t, "lake", "orders/part-0.parquet", parquet(t, "SELECT 'F' || x AS country, CAST(x AS INTEGER) AS qty, [x] AS tags, {'a': x} AS attrs FROM range(0, 4) t(x)"))
	c.run(t, "CREATE DATABASE views_db", "")
	c.run(t, "CREATE EXTERNAL TABLE orders (country string, qty int, tags array<bigint>, attrs struct<a:bigint>) STORED AS PARQUET LOCATION 's3://lake/orders/'", "views_db")
	c.run(t, "CREATE VIEW big_orders AS SELECT country, qty * 2 AS doubled, tags, attrs, CAST(qty AS double) / 2 AS half FROM orders WHERE qty > 1", "views_db")

	out, err := c.glue.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("views_db"), Name: aws.String("big_orders")})
	if err != nil {
		t.Fatal(err)
	}
	tbl := *out.Table
	tbl.CreateTime, tbl.UpdateTime, tbl.LastAccessTime, tbl.VersionId = nil, nil, nil, nil
	got, _ := json.MarshalIndent(tbl, "", "  ")
	text := *tbl.ViewOriginalText
	def, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(text, "/* Presto View: "), " */"))
	if err != nil {
		t.Fatalf("ViewOriginalText %q: %v", text, err)
	}
	var pretty map[string]any
	if err := json.Unmarshal(def, &pretty); err != nil {
		t.Fatalf("view JSON %s: %v", def, err)
	}
	prettyDef, _ := json.MarshalIndent(pretty, "", "  ")
	golden(t, "view_table.json", append(append(got, "\n\n"...), prettyDef...))

	// The same encoding written through Glue by another tool.
	in := &gluetypes.TableInput{
		Name: aws.String("from_glue"), TableType: aws.String("VIRTUAL_VIEW"),
		Parameters: map[string]string{"presto_view": "true", "comment": "Presto View"},
		ViewOriginalText: aws.String("/* Presto View: " + base64.StdEncoding.EncodeToString([]byte(
			`{"originalSql":"SELECT country, doubled FROM big_orders","catalog":"awsdatacatalog","schema":"views_db","columns":[{"name":"country","type":"varchar"},{"name":"doubled","type":"bigint"}],"runAsInvoker":false}`)) + " */"),
		ViewExpandedText:  aws.String("/* Presto View */"),
		StorageDescriptor: &gluetypes.StorageDescriptor{Columns: []gluetypes.Column{{Name: aws.String("country"), Type: aws.String("string")}, {Name: aws.String("doubled"), Type: aws.String("bigint")}}},
	}
	if _, err := c.glue.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("views_db"), TableInput: in}); err != nil {
		t.Fatal(err)
	}
	rows, _ := c.results(t, aws.ToString(c.run(t, "SELECT country, doubled FROM from_glue ORDER BY country", "views_db").QueryExecutionId))
	if fmt.Sprint(rows) != "[[country doubled] [F2 4] [F3 6]]" {
		t.Errorf("view made through Glue: %v", rows)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}
