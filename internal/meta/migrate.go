package meta

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are the files migrations/NNNN_component.sql, applied in
// numeric order. Every component owns its files but they share one
// numbering, so the order across components is explicit and reviewable in
// one directory listing. A file is never edited once released: changes are
// new files.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_component.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share number %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies every migration newer than the recorded ones, each in its
// own transaction together with its schema_migrations row, so a crash
// leaves the schema at a recorded version. Both SQLite and PostgreSQL run
// DDL transactionally.
func (s *Store) migrate(ctx context.Context) error {
	migs, err := loadMigrations()
	if err != nil {
		return err
	}
	err = s.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY,
			name VARCHAR(255) NOT NULL,
			applied_at BIGINT NOT NULL
		)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("metadata store: create schema_migrations: %w", err)
	}
	// A store migrated by a newer Shoal has a schema this binary does not
	// know; writing to it could corrupt data the newer version relies on.
	if v, err := s.Version(ctx); err != nil {
		return fmt.Errorf("metadata store: read schema version: %w", err)
	} else if len(migs) > 0 && v > migs[len(migs)-1].version {
		return fmt.Errorf("metadata store is at schema version %d, newer than this Shoal knows (%d): use a newer Shoal", v, migs[len(migs)-1].version)
	}
	for _, m := range migs {
		err := s.Update(ctx, func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			// A file holds several statements; both drivers execute a
			// multi-statement string when it has no arguments.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("metadata store: migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}

// Version is the newest applied migration (0 for an empty store).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.View(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	})
	return v, err
}
