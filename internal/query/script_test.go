package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/file"
	"github.com/shoal-dev/shoal/internal/meta"
)

var update = flag.Bool("update", false, "rewrite the expected results of testdata/*.test")

// Script tests: testdata/*.test hold blocks separated by blank lines:
//
//	statement ok | statement error <substring>
//	<SQL>
//
//	query
//	<SQL>
//	----
//	<header, tab-separated>
//	<rows, tab-separated; NULL for null>
//
//	object s3://bucket/key        (a lake object with the lines that follow)
//	object-gzip s3://bucket/key   (the same, gzip-compressed)
//	parquet s3://bucket/key       (a Parquet object from the DuckDB SELECT that follows)
//
// Lines starting with # before a block are comments. go test -update rewrites the
// expected rows from the actual results.

type testEnv struct {
	svc  *Service
	lake *file.Store
	dir  string
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	lk, err := file.Open(filepath.Join(dir, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(store, catalog.Options{})
	svc, err := Open(ctx, store, cat, lk, lk, Options{Engine: EngineOptions{MemoryLimit: "512MB", Threads: 2}, MaxConcurrent: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close(ctx)
		store.Close(ctx)
	})
	// Athena accounts have a "default" database; Shoal's catalog starts empty.
	if err := cat.CreateDatabase(ctx, catalog.DatabaseInput{Name: "default"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := lk.CreateBucket(ctx, "results"); err != nil {
		t.Fatal(err)
	}
	return &testEnv{svc: svc, lake: lk, dir: dir}
}

// run executes a statement to its end.
func (e *testEnv) run(t testing.TB, sql string) *Execution {
	t.Helper()
	ctx := context.Background()
	id, err := e.svc.StartQueryExecution(ctx, StartInput{Query: sql, Database: "default", OutputLocation: "s3://results/out/"})
	if err != nil {
		t.Fatalf("start %q: %v", sql, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ex, err := e.svc.GetQueryExecution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Terminal() {
			return ex
		}
		if time.Now().After(deadline) {
			t.Fatalf("query %q did not finish", sql)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rows returns every result row, rendered as tab-separated lines.
func (e *testEnv) rows(t testing.TB, id string) []string {
	t.Helper()
	var out []string
	token := ""
	for {
		res, err := e.svc.GetQueryResults(context.Background(), id, token, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Rows {
			f := make([]string, len(r))
			for i, v := range r {
				if v == nil {
					f[i] = "NULL"
				} else {
					f[i] = *v
				}
			}
			line := strings.ReplaceAll(strings.Join(f, "\t"), "\n", `\n`)
			if line == "" {
				line = "(empty)" // blank lines separate blocks
			}
			out = append(out, line)
		}
		if res.NextToken == "" {
			return out
		}
		token = res.NextToken
	}
}

func (e *testEnv) putObject(t testing.TB, uri string, data []byte) {
	t.Helper()
	ctx := context.Background()
	bucket, key, err := parseS3(uri)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lake.CreateBucket(ctx, bucket); err != nil && !strings.Contains(err.Error(), lake.ErrBucketExists.Error()) {
		t.Fatal(err)
	}
	if _, err := e.lake.PutObject(ctx, bucket, key, bytes.NewReader(data), lake.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// putParquet writes the rows of a DuckDB query as a Parquet object.
func (e *testEnv) putParquet(t testing.TB, uri, sql string) {
	t.Helper()
	tmp := filepath.Join(e.dir, fmt.Sprintf("gen-%d.parquet", time.Now().UnixNano()))
	if _, err := e.svc.engine.db.Exec("COPY (" + sql + ") TO " + quoteString(tmp) + " (FORMAT parquet)"); err != nil {
		t.Fatalf("generate %s: %v", uri, err)
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	e.putObject(t, uri, data)
}

func TestScripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.test")
	if len(files) == 0 {
		t.Fatal("no testdata/*.test scripts found")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".test"), func(t *testing.T) {
			runScript(t, f)
		})
	}
}

func runScript(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t)
	blocks := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n")
	var rewritten []string
	for _, block := range blocks {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		var body []string
		for _, l := range lines {
			// Comments and blank lines count only before a block's head.
			if len(body) > 0 || !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
				body = append(body, l)
			}
		}
		if len(body) == 0 {
			rewritten = append(rewritten, block)
			continue
		}
		head := body[0]
		switch {
		case strings.HasPrefix(head, "object "):
			env.putObject(t, strings.TrimPrefix(head, "object "), []byte(strings.Join(body[1:], "\n")+"\n"))
		case strings.HasPrefix(head, "object-gzip "):
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write([]byte(strings.Join(body[1:], "\n") + "\n"))
			zw.Close()
			env.putObject(t, strings.TrimPrefix(head, "object-gzip "), buf.Bytes())
		case strings.HasPrefix(head, "parquet "):
			env.putParquet(t, strings.TrimPrefix(head, "parquet "), strings.Join(body[1:], "\n"))
		case head == "statement ok":
			sql := strings.Join(body[1:], "\n")
			if ex := env.run(t, sql); ex.State != StateSucceeded {
				t.Errorf("%s: statement failed: %s\n%s", path, ex.StateChangeReason, sql)
			}
		case strings.HasPrefix(head, "statement error"):
			want := strings.TrimSpace(strings.TrimPrefix(head, "statement error"))
			sql := strings.Join(body[1:], "\n")
			ex := env.run(t, sql)
			if ex.State != StateFailed || !strings.Contains(ex.StateChangeReason, want) {
				t.Errorf("%s: want failure containing %q, got %s %q\n%s", path, want, ex.State, ex.StateChangeReason, sql)
			}
		case head == "query":
			sep := len(body)
			for i, l := range body {
				if l == "----" {
					sep = i
					break
				}
			}
			sql := strings.Join(body[1:sep], "\n")
			ex := env.run(t, sql)
			var got []string
			if ex.State != StateSucceeded {
				got = []string{"ERROR: " + strings.ReplaceAll(ex.StateChangeReason, "\n", `\n`)}
			} else {
				got = env.rows(t, ex.ID)
			}
			var want []string
			if sep < len(body) {
				want = body[sep+1:]
			}
			if *update {
				block = strings.Join(lines[:len(lines)-len(body)+sep], "\n") + "\n----\n" + strings.Join(got, "\n")
			} else if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: query\n%s\ngot:\n%q\nwant:\n%q", path, sql, got, want)
			}
		default:
			t.Fatalf("%s: unknown block %q", path, head)
		}
		rewritten = append(rewritten, block)
	}
	if *update {
		if err := os.WriteFile(path, []byte(strings.Join(rewritten, "\n\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
