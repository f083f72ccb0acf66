package dashboard_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/shoal-dev/shoal/internal/dashboard"
)

// BenchmarkDemoDashboard10M loads the demo dashboard's six visuals in
// parallel, as the browser does, over 10 million records in Parquet:
//
//	go test -run '^$' -bench DemoDashboard10M -benchtime 5x ./internal/dashboard/
//
// "first" is a load right after a lake change (DIRECT visuals query, SPICE
// ones are cached), "cached" a reload with nothing changed.
func BenchmarkDemoDashboard10M(b *testing.B) {
	f := newBenchFixture(b, 10_000_000, 10)
	ctx := context.Background()
	begin := time.Now()
	dash, err := f.svc.Import(ctx, dashboard.StoreInventory("conversion_db", "conversion_big"))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("import with the first 10M-row snapshot: %s", time.Since(begin))
	load := func(b *testing.B) {
		var wg sync.WaitGroup
		for _, v := range dash.Visuals {
			wg.Go(func() {
				if _, err := f.svc.VisualData(ctx, dash.ID, v.ID, nil); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	load(b) // SPICE visuals fill the cache
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			f.data.n.Add(1)
			load(b)
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			load(b)
		}
	})
}

// newBenchFixture adds a Parquet table conversion_db.conversion_big of n
// generated records in files objects to a fixture.
func newBenchFixture(b *testing.B, n, files int) *fixture {
	f := newFixture(b)
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tmp := b.TempDir()
	for i := range files {
		p := filepath.Join(tmp, fmt.Sprintf("part-%d.parquet", i))
		gen := fmt.Sprintf(`COPY (SELECT 'STORE_' || (i %% 10) AS store_id, 'PRD_' || (i %% 50) AS product_id, 'Product ' || (i %% 50) AS product_name,
			CAST(i %% 20 AS INTEGER) AS current_stock, 9 AS threshold_level, i %% 20 < 9 AS is_stock_low,
			1752724231 + i / 100 AS check_timestamp, i %% 3 = 0 AS notification_sent,
			CASE WHEN i %% 4 = 0 THEN 'đã xử lý' ELSE 'chưa xử lý' END AS restock_status
			FROM range(%d, %d) t(i)) TO '%s' (FORMAT parquet)`, i*n/files, (i+1)*n/files, p)
		if _, err := db.ExecContext(ctx, gen); err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		key := fmt.Sprintf("big/part-%d.parquet", i)
		if _, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("inventory"), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
	}
	var cols []gluetypes.Column
	for _, c := range [][2]string{{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"}, {"current_stock", "int"},
		{"threshold_level", "int"}, {"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"}} {
		cols = append(cols, gluetypes.Column{Name: aws.String(c[0]), Type: aws.String(c[1])})
	}
	_, err = glue.NewFromConfig(f.env.AWSConfig()).CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gluetypes.TableInput{
		Name: aws.String("conversion_big"), TableType: aws.String("EXTERNAL_TABLE"),
		StorageDescriptor: &gluetypes.StorageDescriptor{Columns: cols, Location: aws.String("s3://inventory/big/"),
			SerdeInfo: &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	return f
}
