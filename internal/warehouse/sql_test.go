package warehouse_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// lakeClients are the S3 and Glue clients of an endpoint's server.
type lakeClients struct {
	s3   *s3.Client
	glue *glue.Client
}

func clients(e endpoint) lakeClients {
	cfg := e.env.AWSConfig()
	return lakeClients{s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), glue: glue.NewFromConfig(cfg)}
}

func (c lakeClients) put(t *testing.T, bucket, key string, body []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
		t.Fatalf("create bucket: %v", err)
	}
	if _, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// parquetBytes writes a DuckDB query's result as a Parquet file.
func parquetBytes(t *testing.T, query string) []byte {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(t.TempDir(), "x.parquet")
	if _, err := db.Exec("COPY (" + query + ") TO '" + path + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowsText runs a query and renders its rows as "a|b" lines.
func rowsText(t *testing.T, conn *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		vals, err := r.Values()
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		return strings.Join(parts, "|"), err
	})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(lines, "\n")
}

func TestLocalTablesPersist(t *testing.T) {
	env := testenv.Start(t)
	e := endpointOf(t, env)
	conn := e.connect(t)
	mustExec(t, conn,
		`CREATE TABLE sales (id INT4 NOT NULL ENCODE az64, region VARCHAR(16) DISTKEY, qty INT2, amount DECIMAL(10,2),
			price FLOAT8, ratio FLOAT4, big INT8, ok BOOLEAN, code CHAR(3), day DATE, ts TIMESTAMP, note VARCHAR(MAX), PRIMARY KEY (id))
			DISTSTYLE KEY COMPOUND SORTKEY (day, id)`,
		`INSERT INTO sales VALUES (1, 'eu', 2, 10.50, 1.5, 0.5, 9000000000, true, 'abc', '2026-11-02', '2026-11-02 10:00:00', 'x'),
			(2, 'us', 1, 3.25, 2.5, 0.25, 1, false, 'def', '2026-11-03', '2026-11-03 11:00:00', NULL),
			(3, 'eu', 5, 1.00, 1.0, 1.0, 2, true, 'ghi', '2026-11-04', '2026-11-04 12:00:00', 'y')`,
		`CREATE SCHEMA analytics`,
		`CREATE TABLE analytics.totals AS SELECT region, sum(qty) AS qty FROM sales GROUP BY region`)
	tag, err := conn.Exec(context.Background(), "UPDATE sales SET qty = qty + 1 WHERE region = 'eu'")
	if err != nil || tag.String() != "UPDATE 2" {
		t.Fatalf("update: %q %v", tag, err)
	}
	tag, err = conn.Exec(context.Background(), "DELETE FROM sales WHERE id = $1", 2)
	if err != nil || tag.String() != "DELETE 1" {
		t.Fatalf("delete: %q %v", tag, err)
	}
	const q = "SELECT id, region, qty, ok FROM sales ORDER BY id"
	want := "1|eu|3|true\n3|eu|6|true"
	if got := rowsText(t, conn, q); got != want {
		t.Fatalf("before restart:\n%s\nwant\n%s", got, want)
	}
	conn.Close(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := env.Server.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e = endpointOf(t, testenv.StartConfig(t, env.Server.Config()))
	conn = e.connect(t)
	if got := rowsText(t, conn, q); got != want {
		t.Errorf("after restart:\n%s\nwant\n%s", got, want)
	}
	if got := rowsText(t, conn, "SELECT region, qty FROM analytics.totals ORDER BY region"); got != "eu|7\nus|1" {
		t.Errorf("CTAS after restart: %q", got)
	}
	mustExec(t, conn, "DROP TABLE analytics.totals", "DROP SCHEMA analytics")
	_, err = conn.Exec(context.Background(), "SELECT * FROM analytics.totals")
	if got := sqlState(err); got != "3F000" && got != "42P01" {
		t.Errorf("after DROP: SQLSTATE %q (%v)", got, err)
	}
}

func TestCopy(t *testing.T) {
	e := start(t)
	lc := clients(e)
	lc.put(t, "loads", "json/part-1.json", []byte(`{"id":1,"name":"a","qty":2}`+"\n"+`{"id":2,"name":"b"}`))
	lc.put(t, "loads", "json/part-2.json", []byte(`{"id":3,"name":"c","qty":7}{"id":4,"name":"d","qty":1}`))
	lc.put(t, "loads", "csv/a.csv", []byte("id,name,qty\n5,\"e, quoted\",3\n6,f,4\n"))
	lc.put(t, "loads", "parquet/a.parquet", parquetBytes(t, "SELECT 7 AS x, 'g' AS y, 9 AS z UNION ALL SELECT 8, 'h', 10"))
	lc.put(t, "loads", "bad/1.json", []byte(`{"id":9,"name":"ok","qty":1}`))
	lc.put(t, "loads", "bad/2.json", []byte(`{"id":"not a number","name":"x","qty":1}`))
	conn := e.connect(t)
	mustExec(t, conn, "CREATE TABLE items (id INTEGER, name VARCHAR(32), qty SMALLINT)")

	pc := conn.PgConn()
	tests := []struct{ sql, wantTag string }{
		{"COPY items FROM 's3://loads/json/' IAM_ROLE 'arn:aws:iam::000000000000:role/load' FORMAT AS JSON 'auto'", "COPY 4"},
		{"COPY items (id, name, qty) FROM 's3://loads/csv/' CREDENTIALS 'aws_iam_role=arn:aws:iam::000000000000:role/load' CSV IGNOREHEADER 1", "COPY 2"},
		{"COPY items FROM 's3://loads/parquet/' ACCESS_KEY_ID '" + e.id + "' SECRET_ACCESS_KEY '" + e.secret + "' FORMAT AS PARQUET", "COPY 2"},
	}
	for _, tt := range tests {
		res := pc.Exec(context.Background(), tt.sql)
		results, err := res.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tt.sql, err)
		}
		if got := results[0].CommandTag.String(); got != tt.wantTag {
			t.Errorf("%s: tag %q, want %q", tt.sql, got, tt.wantTag)
		}
	}
	if got := rowsText(t, conn, "SELECT count(*), sum(qty) FROM items"); got != "8|36" {
		t.Errorf("loaded rows: %q", got)
	}
	if got := rowsText(t, conn, "SELECT name FROM items WHERE id = 5"); got != "e, quoted" {
		t.Errorf("quoted CSV field: %q", got)
	}

	_, err := conn.Exec(context.Background(), "COPY items FROM 's3://loads/bad/' IAM_ROLE 'arn:aws:iam::000000000000:role/load' JSON 'auto'")
	if err == nil || !strings.Contains(err.Error(), "s3://loads/bad/2.json") {
		t.Errorf("bad load: %v, want the failing object named", err)
	}
	if got := rowsText(t, conn, "SELECT count(*) FROM items"); got != "8" {
		t.Errorf("after failed load: %s rows, want 8 (all or nothing)", got)
	}
	_, err = conn.Exec(context.Background(), "COPY items FROM 's3://loads/nothing-here' IAM_ROLE 'arn:aws:iam::000000000000:role/load' JSON 'auto'")
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("empty prefix: %v", err)
	}
}

// TestCopyNotice checks the INFO notice COPY sends, as Redshift does.
func TestCopyNotice(t *testing.T) {
	e := start(t)
	clients(e).put(t, "loads", "n/a.json", []byte(`{"a":1}`))
	var notices []string
	cfg, err := pgx.ParseConfig(e.url(e.id, e.secret, "dev"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Severity+": "+n.Message) }
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	mustExec(t, conn, "CREATE TABLE n (a INT)", "COPY n FROM 's3://loads/n/' IAM_ROLE 'arn:aws:iam::000000000000:role/r' FORMAT JSON 'auto'")
	want := "INFO: Load into table 'n' completed, 1 record(s) loaded successfully."
	if len(notices) != 1 || notices[0] != want {
		t.Errorf("notices %q, want [%q]", notices, want)
	}
}
