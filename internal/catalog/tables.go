package catalog

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Default and maximum page sizes of GetTables.
const (
	defaultTablePage = 100
	maxTablePage     = 100
)

// normalizeTable folds the table and column names as Glue does and checks
// them. It copies what it changes so the caller's input is left alone.
func normalizeTable(in TableInput) (TableInput, error) {
	in.Name = NormalizeName(in.Name)
	if err := checkName("Table", in.Name); err != nil {
		return in, err
	}
	if in.StorageDescriptor != nil {
		sd, err := normalizeStorage(*in.StorageDescriptor)
		if err != nil {
			return in, err
		}
		in.StorageDescriptor = &sd
	}
	keys, err := normalizeColumns(in.PartitionKeys)
	if err != nil {
		return in, err
	}
	in.PartitionKeys = keys
	return in, nil
}

func normalizeStorage(sd StorageDescriptor) (StorageDescriptor, error) {
	cols, err := normalizeColumns(sd.Columns)
	sd.Columns = cols
	return sd, err
}

func normalizeColumns(cols []Column) ([]Column, error) {
	if cols == nil {
		return nil, nil
	}
	out := make([]Column, len(cols))
	for i, c := range cols {
		c.Name = NormalizeName(c.Name)
		if err := checkName("Column", c.Name); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// tableRow is a table's row in catalog_tables.
type tableRow struct {
	current   int64
	createdBy string
	created   int64
}

// lookupTable finds a table, telling a missing database from a missing table.
func lookupTable(ctx context.Context, tx *meta.Tx, db, name string) (tableRow, error) {
	var r tableRow
	err := tx.QueryRow(ctx, `SELECT current_version, created_by, create_time FROM catalog_tables WHERE database_name = ? AND name = ?`,
		db, name).Scan(&r.current, &r.createdBy, &r.created)
	if meta.IsNoRows(err) {
		if ok, err := databaseExists(ctx, tx, db); err != nil {
			return r, err
		} else if !ok {
			return r, databaseNotFound(db)
		}
		return r, tableNotFound(name)
	}
	return r, err
}

func requireDatabase(ctx context.Context, tx *meta.Tx, db string) error {
	ok, err := databaseExists(ctx, tx, db)
	if err == nil && !ok {
		err = databaseNotFound(db)
	}
	return err
}

// CreateTable adds a table at version "0". createdBy is the caller's ARN.
func (s *Service) CreateTable(ctx context.Context, db string, in TableInput, createdBy string) error {
	db = NormalizeName(db)
	in, err := normalizeTable(in)
	if err != nil {
		return err
	}
	spec, err := marshalSpec(in)
	if err != nil {
		return err
	}
	now := s.nowMillis()
	err = s.store.Update(ctx, func(tx *meta.Tx) error {
		if err := requireDatabase(ctx, tx, db); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_tables WHERE database_name = ? AND name = ?`, db, in.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return newError(ErrAlreadyExists, "Table already exists.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_tables (database_name, name, current_version, created_by, create_time) VALUES (?, ?, 0, ?, ?)`,
			db, in.Name, createdBy, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO catalog_table_versions (database_name, table_name, version_id, spec, update_time) VALUES (?, ?, 0, ?, ?)`,
			db, in.Name, spec, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("create table %s.%s: %w", db, in.Name, err)
	}
	return nil
}

// GetTable returns the current version of a table.
func (s *Service) GetTable(ctx context.Context, db, name string) (*Table, error) {
	db, name = NormalizeName(db), NormalizeName(name)
	var t *Table
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		var err error
		t, err = getTable(ctx, tx, db, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get table %s.%s: %w", db, name, err)
	}
	return t, nil
}

func getTable(ctx context.Context, tx *meta.Tx, db, name string) (*Table, error) {
	row, err := lookupTable(ctx, tx, db, name)
	if err != nil {
		return nil, err
	}
	return getTableVersion(ctx, tx, db, name, row, row.current)
}

func getTableVersion(ctx context.Context, tx *meta.Tx, db, name string, row tableRow, version int64) (*Table, error) {
	var spec string
	var updated int64
	err := tx.QueryRow(ctx, `SELECT spec, update_time FROM catalog_table_versions WHERE database_name = ? AND table_name = ? AND version_id = ?`,
		db, name, version).Scan(&spec, &updated)
	if meta.IsNoRows(err) {
		return nil, newError(ErrNotFound, "Version %d of table %s not found.", version, name)
	}
	if err != nil {
		return nil, err
	}
	return decodeTable(db, row, version, spec, updated)
}

func decodeTable(db string, row tableRow, version int64, spec string, updated int64) (*Table, error) {
	t := &Table{
		DatabaseName: db,
		CreateTime:   fromMillis(row.created),
		UpdateTime:   fromMillis(updated),
		CreatedBy:    row.createdBy,
		VersionID:    strconv.FormatInt(version, 10),
	}
	if err := unmarshalSpec(spec, &t.TableInput); err != nil {
		return nil, err
	}
	return t, nil
}

// GetTables lists the tables of a database whose names match expr (Glue's
// name pattern; "" matches all), one page at a time in name order.
func (s *Service) GetTables(ctx context.Context, db, expr string, page Page) ([]Table, string, error) {
	db = NormalizeName(db)
	after, err := decodeToken(page.Token)
	if err != nil {
		return nil, "", err
	}
	match := func(string) bool { return true }
	if expr != "" {
		re, err := compileNamePattern(expr)
		if err != nil {
			return nil, "", err
		}
		match = re.MatchString
	}
	limit := pageSize(page, defaultTablePage, maxTablePage)
	var out []Table
	err = s.store.View(ctx, func(tx *meta.Tx) error {
		if err := requireDatabase(ctx, tx, db); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT t.name, t.current_version, t.created_by, t.create_time, v.spec, v.update_time
			FROM catalog_tables t JOIN catalog_table_versions v
			  ON v.database_name = t.database_name AND v.table_name = t.name AND v.version_id = t.current_version
			WHERE t.database_name = ? AND t.name > ? ORDER BY t.name`, db, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() && len(out) <= limit {
			var name, spec string
			var row tableRow
			var updated int64
			if err := rows.Scan(&name, &row.current, &row.createdBy, &row.created, &spec, &updated); err != nil {
				return err
			}
			if !match(name) {
				continue
			}
			t, err := decodeTable(db, row, row.current, spec, updated)
			if err != nil {
				return err
			}
			out = append(out, *t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", fmt.Errorf("list tables of %s: %w", db, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeToken(out[limit-1].Name)
	}
	return out, next, nil
}

// UpdateTableOptions are UpdateTable's knobs.
type UpdateTableOptions struct {
	// VersionID, when set, must be the table's current version: optimistic
	// concurrency for read-modify-write clients (Iceberg commits).
	VersionID string
	// SkipArchive replaces the current version instead of keeping it.
	SkipArchive bool
}

// UpdateTable replaces a table's definition (identified by in.Name), making
// a new current version.
func (s *Service) UpdateTable(ctx context.Context, db string, in TableInput, opts UpdateTableOptions) error {
	db = NormalizeName(db)
	in, err := normalizeTable(in)
	if err != nil {
		return err
	}
	spec, err := marshalSpec(in)
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx *meta.Tx) error {
		row, err := lookupTable(ctx, tx, db, in.Name)
		if err != nil {
			return err
		}
		if opts.VersionID != "" && opts.VersionID != strconv.FormatInt(row.current, 10) {
			return newError(ErrConcurrentModification, "Update table failed due to concurrent modifications.")
		}
		next := row.current + 1
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_table_versions (database_name, table_name, version_id, spec, update_time) VALUES (?, ?, ?, ?, ?)`,
			db, in.Name, next, spec, s.nowMillis()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE catalog_tables SET current_version = ? WHERE database_name = ? AND name = ?`, next, db, in.Name); err != nil {
			return err
		}
		if opts.SkipArchive {
			_, err = tx.Exec(ctx, `DELETE FROM catalog_table_versions WHERE database_name = ? AND table_name = ? AND version_id = ?`, db, in.Name, row.current)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update table %s.%s: %w", db, in.Name, err)
	}
	return nil
}

// DeleteTable removes a table with its versions and partitions.
func (s *Service) DeleteTable(ctx context.Context, db, name string) error {
	db, name = NormalizeName(db), NormalizeName(name)
	err := s.store.Update(ctx, func(tx *meta.Tx) error { return deleteTable(ctx, tx, db, name) })
	if err != nil {
		return fmt.Errorf("delete table %s.%s: %w", db, name, err)
	}
	return nil
}

func deleteTable(ctx context.Context, tx *meta.Tx, db, name string) error {
	if _, err := lookupTable(ctx, tx, db, name); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM catalog_tables WHERE database_name = ? AND name = ?`, db, name)
	return err
}

// BatchDeleteTable deletes several tables; a missing one is reported in its
// entry and does not stop the others. A missing database fails the call.
func (s *Service) BatchDeleteTable(ctx context.Context, db string, names []string) ([]EntryError, error) {
	db = NormalizeName(db)
	var errs []EntryError
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		if err := requireDatabase(ctx, tx, db); err != nil {
			return err
		}
		for i, name := range names {
			if err := deleteTable(ctx, tx, db, NormalizeName(name)); err != nil {
				if !isCatalogError(err) {
					return err
				}
				errs = append(errs, EntryError{Index: i, Err: err})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete tables of %s: %w", db, err)
	}
	return errs, nil
}
