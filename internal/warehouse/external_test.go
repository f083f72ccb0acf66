package warehouse_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/jackc/pgx/v5"
)

// orderTable catalogs JSON order lines under s3://orders/logs/ with the
// two partition columns a crawler gives Firehose's YYYY/MM/ folders.
func orderTable(t *testing.T, lc lakeClients) {
	t.Helper()
	ctx := context.Background()
	if _, err := lc.glue.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("orderlogs")}}); err != nil {
		t.Fatal(err)
	}
	col := func(n, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(n), Type: aws.String(typ)}
	}
	_, err := lc.glue.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("orderlogs"), TableInput: &gluetypes.TableInput{
		Name:          aws.String("lines"),
		PartitionKeys: []gluetypes.Column{col("partition_0", "string"), col("partition_1", "string")},
		StorageDescriptor: &gluetypes.StorageDescriptor{
			Columns:     []gluetypes.Column{col("invoiceno", "string"), col("description", "string"), col("quantity", "int"), col("country", "string")},
			Location:    aws.String("s3://orders/logs/"),
			InputFormat: aws.String("org.apache.hadoop.mapred.TextInputFormat"),
			SerdeInfo:   &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		},
		Parameters: map[string]string{"classification": "json"},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// addMonth puts one object of order lines and registers its partition.
func addMonth(t *testing.T, lc lakeClients, year, month string, lines ...string) {
	t.Helper()
	key := fmt.Sprintf("logs/%s/%s/part-0.json", year, month)
	lc.put(t, "orders", key, []byte(strings.Join(lines, "\n")))
	_, err := lc.glue.CreatePartition(context.Background(), &glue.CreatePartitionInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("lines"),
		PartitionInput: &gluetypes.PartitionInput{Values: []string{year, month}, StorageDescriptor: &gluetypes.StorageDescriptor{
			Location:  aws.String(fmt.Sprintf("s3://orders/logs/%s/%s/", year, month)),
			SerdeInfo: &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		}}})
	if err != nil {
		t.Fatal(err)
	}
}

func line(inv, desc string, qty int, country string) string {
	return fmt.Sprintf(`{"InvoiceNo":%q,"Description":%q,"Quantity":%d,"Country":%q}`, inv, desc, qty, country)
}

func TestExternalSchema(t *testing.T) {
	e := start(t)
	lc := clients(e)
	orderTable(t, lc)
	addMonth(t, lc, "2026", "10", line("1", "MUG", 2, "France"), line("1", "LAMP", 1, "France"), line("2", "MUG", 5, "Spain"))
	conn := e.connect(t)
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA orderlogs_schema FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum' REGION 'us-east-1'",
		"CREATE EXTERNAL SCHEMA IF NOT EXISTS orderlogs_schema FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'")

	const byCountry = "select description, count(*) as count from orderlogs_schema.lines where country='France' and partition_0='2026' group by description order by description"
	if got := rowsText(t, conn, byCountry); got != "LAMP|1\nMUG|1" {
		t.Errorf("before new partition:\n%s", got)
	}
	// A partition added after the schema was created is seen at once.
	addMonth(t, lc, "2026", "11", line("3", "MUG", 1, "France"))
	if got := rowsText(t, conn, byCountry); got != "LAMP|1\nMUG|2" {
		t.Errorf("after new partition:\n%s", got)
	}
	if got := rowsText(t, conn, "select count(*) from orderlogs_schema.lines where partition_1 = '11'"); got != "1" {
		t.Errorf("pruned to one partition: %s", got)
	}

	// Local × external join.
	mustExec(t, conn, "CREATE TABLE countries (name VARCHAR(32), region VARCHAR(16))",
		"INSERT INTO countries VALUES ('France', 'EU-West'), ('Spain', 'EU-South')")
	const join = "SELECT c.region, sum(l.quantity) FROM orderlogs_schema.lines l JOIN countries c ON c.name = l.country GROUP BY c.region ORDER BY 1"
	if got := rowsText(t, conn, join); got != "EU-South|5\nEU-West|4" {
		t.Errorf("join:\n%s", got)
	}

	// A materialized view keeps its rows until refreshed.
	mustExec(t, conn, "CREATE MATERIALIZED VIEW by_month AS SELECT partition_1 AS month, count(*) AS lines FROM orderlogs_schema.lines GROUP BY 1")
	addMonth(t, lc, "2026", "12", line("4", "LAMP", 3, "Spain"))
	const mv = "SELECT month, lines FROM by_month ORDER BY month"
	if got := rowsText(t, conn, mv); got != "10|3\n11|1" {
		t.Errorf("materialized view before refresh:\n%s", got)
	}
	mustExec(t, conn, "REFRESH MATERIALIZED VIEW by_month")
	if got := rowsText(t, conn, mv); got != "10|3\n11|1\n12|1" {
		t.Errorf("materialized view after refresh:\n%s", got)
	}

	checkSVV(t, conn)

	mustExec(t, conn, "DROP MATERIALIZED VIEW by_month", "DROP SCHEMA orderlogs_schema")
	if _, err := conn.Exec(context.Background(), "SELECT * FROM orderlogs_schema.lines"); sqlState(err) != "3F000" {
		t.Errorf("after DROP SCHEMA: %v", err)
	}
	if _, err := lc.glue.GetDatabase(context.Background(), &glue.GetDatabaseInput{Name: aws.String("orderlogs")}); err != nil {
		t.Errorf("DROP SCHEMA without DROP EXTERNAL DATABASE dropped the catalog database: %v", err)
	}
}

// checkSVV checks the external-catalog system views.
func checkSVV(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	tests := []struct{ sql, want string }{
		{"SELECT schemaname, databasename, esoptions FROM svv_external_schemas",
			`orderlogs_schema|orderlogs|{"IAM_ROLE":"arn:aws:iam::000000000000:role/spectrum","REGION":"us-east-1"}`},
		{"SELECT schemaname, tablename, location, serialization_lib FROM svv_external_tables",
			"orderlogs_schema|lines|s3://orders/logs/|org.openx.data.jsonserde.JsonSerDe"},
		{"SELECT columnname, external_type, columnnum, part_key FROM svv_external_columns ORDER BY columnnum",
			"invoiceno|string|1|0\ndescription|string|2|0\nquantity|int|3|0\ncountry|string|4|0\npartition_0|string|5|1\npartition_1|string|6|2"},
		{"SELECT values, location FROM pg_catalog.svv_external_partitions ORDER BY values",
			`["2026","10"]|s3://orders/logs/2026/10/` + "\n" + `["2026","11"]|s3://orders/logs/2026/11/` + "\n" + `["2026","12"]|s3://orders/logs/2026/12/`},
		{"SELECT table_schema, table_name, table_type FROM information_schema.tables ORDER BY 1, 2",
			"orderlogs_schema|lines|EXTERNAL TABLE\npublic|by_month|BASE TABLE\npublic|countries|BASE TABLE"},
		{"SELECT schema_name FROM information_schema.schemata ORDER BY 1",
			"information_schema\norderlogs_schema\npg_catalog\npublic"},
		{"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'lines' ORDER BY ordinal_position LIMIT 3",
			"invoiceno|character varying\ndescription|character varying\nquantity|integer"},
	}
	for _, tt := range tests {
		if got := rowsText(t, conn, tt.sql); got != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.sql, got, tt.want)
		}
	}
}

func TestCreateExternalDatabase(t *testing.T) {
	e := start(t)
	lc := clients(e)
	conn := e.connect(t)
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'spectrumdb' IAM_ROLE 'arn:aws:iam::000000000000:role/r' CREATE EXTERNAL DATABASE IF NOT EXISTS")
	if _, err := lc.glue.GetDatabase(context.Background(), &glue.GetDatabaseInput{Name: aws.String("spectrumdb")}); err != nil {
		t.Fatalf("catalog database not created: %v", err)
	}
	mustExec(t, conn, "DROP SCHEMA spectrum DROP EXTERNAL DATABASE")
	if _, err := lc.glue.GetDatabase(context.Background(), &glue.GetDatabaseInput{Name: aws.String("spectrumdb")}); err == nil {
		t.Error("DROP EXTERNAL DATABASE left the catalog database")
	}
	mustExec(t, conn, "DROP SCHEMA IF EXISTS spectrum")
}

// TestPsqlCatalog runs psql's catalog commands against the endpoint.
func TestPsqlCatalog(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql not installed")
	}
	e := start(t)
	lc := clients(e)
	orderTable(t, lc)
	conn := e.connect(t)
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA orderlogs_schema FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'",
		"CREATE TABLE orders (id INTEGER NOT NULL, customer VARCHAR(40), total DECIMAL(10,2))")
	tests := []struct{ cmd, want string }{
		{`\dn`, "orderlogs_schema|" + e.id + "\npublic|" + e.id},
		{`\dt`, "public|orders|table|" + e.id},
		{`\d orders`, "id|integer||not null|\ncustomer|character varying|||\ntotal|numeric(10,2)|||"},
		{`\l`, "dev|" + e.id + "|UTF8|C|C||libc|"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, psql, e.url(e.id, e.secret, "dev"), "-X", "-A", "-t", "-c", tt.cmd).CombinedOutput()
			if err != nil {
				t.Fatalf("psql %s: %v\n%s", tt.cmd, err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("psql %s:\n%s\nwant\n%s", tt.cmd, got, tt.want)
			}
		})
	}
}
