package warehouse_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// benchEndpoint starts a server for a benchmark.
func benchEndpoint(b *testing.B) (endpoint, *pgx.Conn) {
	b.Helper()
	env := testenv.Start(b)
	id, secret := env.Server.RootCredentials()
	e := endpoint{env: env, addr: env.Server.WarehouseAddr(), id: id, secret: secret}
	conn, err := pgx.Connect(context.Background(), e.url(id, secret, "dev"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(context.Background()) })
	return e, conn
}

// BenchmarkPointLookup reads one row of a 100,000-row local table by key
// over the extended protocol (pgx's cached prepared statement).
func BenchmarkPointLookup(b *testing.B) {
	e, conn := benchEndpoint(b)
	ctx := context.Background()
	iamUser(b, e, "analyst", signInPolicy)
	for _, s := range []string{
		"CREATE TABLE customers (id INTEGER NOT NULL, name VARCHAR(64), country VARCHAR(32)) SORTKEY (id)",
		"INSERT INTO customers SELECT i, 'customer ' || i, 'France' FROM range(100000) t(i)",
		"GRANT SELECT ON customers TO analyst",
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("superuser", func(b *testing.B) { pointLookups(b, conn) })
	// An IAM user's statements are checked against owners and grants first.
	user, err := pgx.Connect(ctx, e.url("analyst", "Pass-analyst-9", "dev"))
	if err != nil {
		b.Fatal(err)
	}
	defer user.Close(ctx)
	b.Run("iam-user", func(b *testing.B) { pointLookups(b, user) })
}

func pointLookups(b *testing.B, conn *pgx.Conn) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		begin := time.Now()
		var name string
		if err := conn.QueryRow(ctx, "SELECT name FROM customers WHERE id = $1", (i*7919)%100000).Scan(&name); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(begin))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// orderLines is 10 million order lines in DuckDB SQL, rows [lo, hi).
const orderLines = `SELECT 'INV' || (i // 4) AS invoiceno, 'SKU' || (i %% 4000) AS stockcode,
	'Product ' || (i %% 3000) AS description, CAST((i %% 10) + 1 AS INTEGER) AS quantity,
	CAST(TIMESTAMP '2026-11-01' + to_seconds(i %% 2500000) AS VARCHAR) AS invoicedate,
	(i %% 1000) / 100.0 AS unitprice, 'C' || (i %% 5000) AS customer,
	(['France', 'Spain', 'Germany', 'United Kingdom', 'Italy', 'Norway'])[(i %% 37) %% 6 + 1] AS country
	FROM range(%d, %d) t(i)`

// BenchmarkExternalGroupBy runs the order-history GROUP BY over 10 million
// Parquet order lines catalogued in Glue, through the endpoint and with
// DuckDB directly on the same files.
func BenchmarkExternalGroupBy(b *testing.B) {
	if testing.Short() {
		b.Skip("10M-row benchmark skipped under -short")
	}
	e, conn := benchEndpoint(b)
	files := writeOrderFiles(b, e, 10_000_000, 4)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'"); err != nil {
		b.Fatal(err)
	}
	const q = "select description, count(*) as count from s.t where country='France' and partition_0='2026' and partition_1='11' group by description"
	b.Run("endpoint", func(b *testing.B) {
		for b.Loop() {
			rows, err := conn.Query(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if rows.Err() != nil || n != 3000 {
				b.Fatalf("%d groups, %v", n, rows.Err())
			}
		}
	})
	b.Run("duckdb", func(b *testing.B) {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("SET threads = %d", runtime.NumCPU())); err != nil {
			b.Fatal(err)
		}
		list := "["
		for i, f := range files {
			if i > 0 {
				list += ", "
			}
			list += "'" + f + "'"
		}
		direct := "SELECT description, count(*) AS count FROM read_parquet(" + list + "]) WHERE country = 'France' GROUP BY description"
		for b.Loop() {
			rows, err := db.Query(direct)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n != 3000 {
				b.Fatalf("%d groups", n)
			}
		}
	})
}

// writeOrderFiles writes n order lines as Parquet objects under
// s3://orders/logs/2026/11/, catalogs them as orderlogs.t with partitions
// partition_0/partition_1, and returns the objects' local paths.
func writeOrderFiles(b *testing.B, e endpoint, n, parts int) []string {
	b.Helper()
	ctx := context.Background()
	cfg := e.env.AWSConfig()
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	gc := glue.NewFromConfig(cfg)
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("orders")}); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tmp := b.TempDir()

	for p := range parts {
		local := filepath.Join(tmp, fmt.Sprintf("part-%d.parquet", p))
		query := fmt.Sprintf(orderLines, p*n/parts, (p+1)*n/parts)
		if _, err := db.Exec("COPY (" + query + ") TO '" + local + "' (FORMAT parquet)"); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(local)
		if err != nil {
			b.Fatal(err)
		}
		key := fmt.Sprintf("logs/2026/11/part-%d.parquet", p)
		_, err = sc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("orders"), Key: aws.String(key), Body: f})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	catalogOrders(b, gc)
	return localObjects(b, e.env.DataDir, parts)
}

func catalogOrders(b *testing.B, gc *glue.Client) {
	b.Helper()
	ctx := context.Background()
	if _, err := gc.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("orderlogs")}}); err != nil {
		b.Fatal(err)
	}
	col := func(n, t string) gluetypes.Column { return gluetypes.Column{Name: aws.String(n), Type: aws.String(t)} }
	parquet := &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")}
	_, err := gc.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("orderlogs"), TableInput: &gluetypes.TableInput{
		Name:          aws.String("t"),
		PartitionKeys: []gluetypes.Column{col("partition_0", "string"), col("partition_1", "string")},
		StorageDescriptor: &gluetypes.StorageDescriptor{
			Columns: []gluetypes.Column{col("invoiceno", "string"), col("stockcode", "string"), col("description", "string"),
				col("quantity", "int"), col("invoicedate", "string"), col("unitprice", "double"), col("customer", "string"), col("country", "string")},
			Location: aws.String("s3://orders/logs/"), SerdeInfo: parquet,
			InputFormat: aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
		},
	}})
	if err != nil {
		b.Fatal(err)
	}
	_, err = gc.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("t"),
		PartitionInput: &gluetypes.PartitionInput{Values: []string{"2026", "11"}, StorageDescriptor: &gluetypes.StorageDescriptor{
			Location: aws.String("s3://orders/logs/2026/11/"), SerdeInfo: parquet}}})
	if err != nil {
		b.Fatal(err)
	}
}

// localObjects finds the Parquet objects' files in the lake directory.
func localObjects(b *testing.B, dataDir string, parts int) []string {
	b.Helper()
	var out []string
	err := filepath.Walk(filepath.Join(dataDir, "lake"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Ext(path) == ".parquet" {
			out = append(out, path)
		}
		return err
	})
	if err != nil || len(out) != parts {
		b.Fatalf("found %d lake files (%v), want %d", len(out), err, parts)
	}
	return out
}
