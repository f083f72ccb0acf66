package query

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake/file"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Executions, workgroups and their results survive a restart of the service.
func TestExecutionsAreDurable(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	open := func() (*Service, *meta.Store) {
		store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
		if err != nil {
			t.Fatal(err)
		}
		lk, err := file.Open(filepath.Join(dir, "lake"))
		if err != nil {
			t.Fatal(err)
		}
		svc, err := Open(ctx, store, catalog.New(store, catalog.Options{}), lk, lk, Options{Engine: EngineOptions{Threads: 1}})
		if err != nil {
			t.Fatal(err)
		}
		_ = lk.CreateBucket(ctx, "results")
		return svc, store
	}
	svc, store := open()
	env := &testEnv{svc: svc}
	if err := svc.CreateWorkGroup(ctx, WorkGroup{Name: "team", OutputLocation: "s3://results/team/"}); err != nil {
		t.Fatal(err)
	}
	ex := env.run(t, "SELECT x FROM UNNEST(sequence(1, 150)) AS t(x)")
	if ex.State != StateSucceeded {
		t.Fatal(ex.StateChangeReason)
	}
	svc.Close(ctx)
	store.Close(ctx)

	svc, store = open()
	defer store.Close(ctx)
	defer svc.Close(ctx)
	env = &testEnv{svc: svc}
	got, err := svc.GetQueryExecution(ctx, ex.ID)
	if err != nil || got.State != StateSucceeded || got.OutputLocation != ex.OutputLocation {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	// 151 rows with the header: beyond the stored preview, read from the lake.
	if rows := env.rows(t, ex.ID); len(rows) != 151 || rows[0] != "x" || rows[150] != "150" {
		t.Fatalf("rows after restart: %d %v", len(rows), rows[len(rows)-1])
	}
	if _, err := svc.GetWorkGroup(ctx, "team"); err != nil {
		t.Fatal(err)
	}
}

func TestHiveTypes(t *testing.T) {
	for in, want := range map[string]string{
		"string":        "VARCHAR",
		"decimal(10,2)": "DECIMAL(10,2)",
		"array<struct<a:int,b:map<string,double>>>": `STRUCT("a" INTEGER, "b" MAP(VARCHAR, DOUBLE))[]`,
		"varchar(20)": "VARCHAR",
	} {
		got, err := duckTypeOf(in)
		if err != nil || got != want {
			t.Errorf("%s: %s %v, want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"array<int", "struct<a>", "uniontype<int>", "map<string>"} {
		if _, err := duckTypeOf(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// A result larger than the in-memory limit spills to a file on its way to
// the lake and reads back whole.
func TestLargeResultSpills(t *testing.T) {
	env := newTestEnv(t)
	ex := env.run(t, "SELECT x, lpad('', 100, 'x') AS pad FROM UNNEST(sequence(1, 100000)) AS t(x) ORDER BY x")
	if ex.State != StateSucceeded || ex.Rows != 100000 {
		t.Fatalf("%s %s %d", ex.State, ex.StateChangeReason, ex.Rows)
	}
	res, err := env.svc.GetQueryResults(context.Background(), ex.ID, ex.ID+":100000", 1000)
	if err != nil || len(res.Rows) != 1 || *res.Rows[0][0] != "100000" || res.NextToken != "" {
		t.Fatalf("last page: %+v %v", res, err)
	}
}
