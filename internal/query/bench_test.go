package query

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
)

// BenchmarkGroupBy10M compares a GROUP BY store_id, product_id over 10
// million inventory records in Parquet objects in the lake, run as an
// Athena execution (catalog lookup, listing, views, CSV result written to
// the lake) and by DuckDB directly on the same files:
//
//	go test -run '^$' -bench GroupBy10M -benchtime 5x ./internal/query/
func BenchmarkGroupBy10M(b *testing.B) {
	const rows, files = 10_000_000, 10
	env := newTestEnv(b)
	ctx := context.Background()
	if err := env.lake.CreateBucket(ctx, "inventory"); err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	var paths []string
	for f := range files {
		p := filepath.Join(tmp, fmt.Sprintf("part-%d.parquet", f))
		gen := fmt.Sprintf(`COPY (SELECT 'STORE_' || (i %% 10) AS store_id, 'PRD_' || (i %% 50) AS product_id, 'Sữa tươi' AS product_name,
			CAST(i %% 20 AS INTEGER) AS current_stock, 9 AS threshold_level, i %% 20 < 9 AS is_stock_low,
			1752724231 + i AS check_timestamp, i %% 3 = 0 AS notification_sent, 'chưa xử lý' AS restock_status
			FROM range(%d, %d) t(i)) TO %s (FORMAT parquet)`, f*rows/files, (f+1)*rows/files, quoteString(p))
		if _, err := env.svc.engine.db.ExecContext(ctx, gen); err != nil {
			b.Fatal(err)
		}
		r, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		_, err = env.lake.PutObject(ctx, "inventory", fmt.Sprintf("store-data/part-%d.parquet", f), r, lake.PutOptions{})
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
		lp, _ := env.lake.LocalPath("inventory", fmt.Sprintf("store-data/part-%d.parquet", f))
		paths = append(paths, quoteString(lp))
	}
	cat := env.svc.catalog
	if err := cat.CreateDatabase(ctx, catalog.DatabaseInput{Name: "conversion_db"}, nil); err != nil {
		b.Fatal(err)
	}
	cols := []catalog.Column{}
	for _, c := range [][2]string{{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"}, {"current_stock", "int"},
		{"threshold_level", "int"}, {"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"}} {
		cols = append(cols, catalog.Column{Name: c[0], Type: ptr(c[1])})
	}
	err := cat.CreateTable(ctx, "conversion_db", catalog.TableInput{Name: "conversion_table", StorageDescriptor: &catalog.StorageDescriptor{
		Columns: cols, Location: ptr("s3://inventory/store-data/"),
		SerdeInfo: &catalog.SerDeInfo{SerializationLibrary: ptr("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")},
	}}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	const q = `SELECT store_id, product_id, count(*) AS n, sum(current_stock) AS stock, avg(current_stock) AS avg_stock
FROM %s GROUP BY store_id, product_id ORDER BY store_id, product_id`
	b.Run("shoal", func(b *testing.B) {
		for b.Loop() {
			ex := env.run(b, fmt.Sprintf(q, "conversion_db.conversion_table"))
			if ex.State != StateSucceeded || ex.Rows != 50 {
				b.Fatalf("%s: %s (%d rows)", ex.State, ex.StateChangeReason, ex.Rows)
			}
		}
	})
	b.Run("duckdb-direct", func(b *testing.B) {
		direct := fmt.Sprintf(q, "read_parquet(["+strings.Join(paths, ", ")+"])")
		for b.Loop() {
			rows, err := env.svc.engine.db.QueryContext(ctx, direct)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n != 50 {
				b.Fatalf("%d rows", n)
			}
		}
	})
}
