package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// memObject is an object held in memory.
type memObject struct {
	key  string
	data []byte
}

func (o memObject) Key() string { return o.key }
func (o memObject) Size() int64 { return int64(len(o.data)) }
func (o memObject) Open(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// lakeObjects loads testdata/lake as a bucket and adds the generated
// binary objects (gzip JSON, Parquet).
func lakeObjects(t *testing.T) []Object {
	t.Helper()
	root := filepath.Join("testdata", "lake")
	var objs []Object
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		objs = append(objs, memObject{key: filepath.ToSlash(rel), data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	objs = append(objs,
		memObject{key: "orders/2026/11/23/20/orders-1-2026-11-23-20-00-00-def.gz", data: gzipped(t,
			`{"InvoiceNo":"536367","StockCode":"84879","Description":"BIRD ORNAMENT","Quantity":32,"InvoiceDate":"2026-11-23 20:00","UnitPrice":1.69,"Customer":13047,"Country":"France"}`+"\n")},
		memObject{key: "mixed/parquet/part-0.parquet", data: parquetFile(t)},
	)
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key() < objs[j].Key() })
	return objs
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parquetFile(t *testing.T) []byte {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(t.TempDir(), "p.parquet")
	q := `COPY (SELECT 'STORE_3' AS store_id, 4::INTEGER AS current_stock, 1752724231::BIGINT AS check_timestamp,
		true AS is_stock_low, 1.25::DECIMAL(10,2) AS price, TIMESTAMP '2026-11-23 19:00:00' AS at,
		[1, 2]::INTEGER[] AS ids, {'a': 1, 'b': 'x'} AS info) TO '` + out + `' (FORMAT parquet)`
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCrawlGolden(t *testing.T) {
	cases := []struct {
		name   string
		target Target
	}{
		{"firehose_orders", Target{Bucket: "orderlogs", Path: "orders"}},
		{"mixed", Target{Bucket: "lake", Path: "mixed/", Exclusions: []string{"**.bak"}}},
		{"bucket_root", Target{Bucket: "lake", Exclusions: []string{"mixed/**"}}},
	}
	objs := lakeObjects(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Crawl(context.Background(), tc.target, objs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(want), got) {
				t.Errorf("result differs from %s (run with -update to accept):\n%s", golden, got)
			}
		})
	}
}
