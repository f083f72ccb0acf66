package meta

import (
	"context"
	"path/filepath"
	"testing"
)

func TestMigrationsApplyOnceAndDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.db")
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := migs[len(migs)-1].version

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Version(ctx); err != nil || v != latest {
		t.Fatalf("version = %d, %v; want %d", v, err, latest)
	}
	err = s.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO catalog_databases (name, spec, tags, create_time) VALUES (?, ?, ?, ?)`, "db1", "{}", "{}", 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// Re-opening applies nothing (the CREATE TABLEs would fail if re-run)
	// and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close(ctx)
	var applied int
	var name string
	err = s.View(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT name FROM catalog_databases WHERE name = ?`, "db1").Scan(&name)
	})
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(migs) || name != "db1" {
		t.Fatalf("applied = %d (want %d), name = %q", applied, len(migs), name)
	}
}

func TestForeignKeysCascade(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	err = s.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_databases (name, spec, tags, create_time) VALUES ('d', '{}', '{}', 0)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_tables (database_name, name, current_version, created_by, create_time) VALUES ('d', 't', 0, '', 0)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM catalog_databases WHERE name = 'd'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	_ = s.View(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_tables`).Scan(&n) })
	if n != 0 {
		t.Fatalf("tables left after deleting their database: %d (foreign keys off?)", n)
	}
	// A table in a missing database is refused.
	err = s.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO catalog_tables (database_name, name, current_version, created_by, create_time) VALUES ('nope', 't', 0, '', 0)`)
		return err
	})
	if err == nil {
		t.Fatal("foreign key not enforced")
	}
}

func TestRebind(t *testing.T) {
	if got := rebind(Postgres, "SELECT a FROM t WHERE b = ? AND c = ?"); got != "SELECT a FROM t WHERE b = $1 AND c = $2" {
		t.Fatal(got)
	}
	if got := rebind(SQLite, "x = ?"); got != "x = ?" {
		t.Fatal(got)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	if s, err := Open(ctx, path); err == nil {
		s.Close(ctx)
		t.Fatal("opened a store with a newer schema")
	}
}
