package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

func newService(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	store, err := meta.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	// A clock that ticks a second per reading, safe for concurrent callers.
	var ticks atomic.Int64
	start := time.Date(2026, 7, 17, 0, 0, 0, 0, time.UTC)
	return New(store, Options{Now: func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Second) }})
}

// The Go API as Firehose (schema lookup) and Athena (DDL, partition
// pruning) use it.
func TestServiceGoAPI(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if err := s.CreateDatabase(ctx, DatabaseInput{Name: "Conversion_DB"}, nil); err != nil {
		t.Fatal(err)
	}
	in := TableInput{
		Name: "Conversion_Table",
		StorageDescriptor: &StorageDescriptor{
			Columns: []Column{{Name: "Store_ID", Type: strp("string")}, {Name: "current_stock", Type: strp("int")}},
		},
		PartitionKeys: []Column{{Name: "year", Type: strp("int")}},
	}
	if err := s.CreateTable(ctx, "conversion_db", in, "arn:aws:iam::000000000000:root"); err != nil {
		t.Fatal(err)
	}
	if in.StorageDescriptor.Columns[0].Name != "Store_ID" {
		t.Fatal("CreateTable changed the caller's input")
	}
	tb, err := s.GetTable(ctx, "CONVERSION_DB", "conversion_table")
	if err != nil {
		t.Fatal(err)
	}
	cols := tb.Columns()
	if len(cols) != 3 || cols[0].Name != "store_id" || cols[2].Name != "year" || tb.VersionID != "0" {
		t.Fatalf("table %+v columns %+v", tb, cols)
	}

	for y := 2020; y < 2030; y++ {
		if err := s.CreatePartition(ctx, "conversion_db", "conversion_table", PartitionInput{Values: []string{fmt.Sprint(y)}}); err != nil {
			t.Fatal(err)
		}
	}
	parts, next, err := s.GetPartitions(ctx, "conversion_db", "conversion_table", PartitionQuery{Expression: "year >= 2025", Page: Page{Max: 3}})
	if err != nil || len(parts) != 3 || next == "" {
		t.Fatalf("page 1: %d partitions, next %q, %v", len(parts), next, err)
	}
	parts, next, err = s.GetPartitions(ctx, "conversion_db", "conversion_table", PartitionQuery{Expression: "year >= 2025", Page: Page{Max: 3, Token: next}})
	if err != nil || len(parts) != 2 || next != "" {
		t.Fatalf("page 2: %d partitions, next %q, %v", len(parts), next, err)
	}

	_, err = s.GetTable(ctx, "conversion_db", "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing table: %v", err)
	}
	if err := s.CreateDatabase(ctx, DatabaseInput{Name: "conversion_db"}, nil); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("duplicate database: %v", err)
	}
	err = s.UpdateTable(ctx, "conversion_db", in, UpdateTableOptions{VersionID: "5"})
	if !errors.Is(err, ErrConcurrentModification) {
		t.Fatalf("stale version: %v", err)
	}
	if err := s.CreateDatabase(ctx, DatabaseInput{Name: "bad\x00name"}, nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("bad name: %v", err)
	}
}

// Concurrent writers are serialised by the store, never failing with
// "database is locked".
func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if err := s.CreateDatabase(ctx, DatabaseInput{Name: "db"}, nil); err != nil {
		t.Fatal(err)
	}
	in := TableInput{Name: "t", PartitionKeys: []Column{{Name: "k", Type: strp("string")}}}
	if err := s.CreateTable(ctx, "db", in, ""); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 40)
	for i := range 20 {
		go func() {
			errs <- s.CreatePartition(ctx, "db", "t", PartitionInput{Values: []string{fmt.Sprint(i)}})
		}()
		go func() {
			errs <- s.UpdateTable(ctx, "db", in, UpdateTableOptions{})
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	parts, _, err := s.GetPartitions(ctx, "db", "t", PartitionQuery{})
	if err != nil || len(parts) != 20 {
		t.Fatalf("%d partitions, %v", len(parts), err)
	}
	tb, err := s.GetTable(ctx, "db", "t")
	if err != nil || tb.VersionID != "20" {
		t.Fatalf("version %s, %v", tb.VersionID, err)
	}
}
