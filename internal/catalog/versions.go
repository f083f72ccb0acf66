package catalog

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Default and maximum page sizes of GetTableVersions.
const (
	defaultVersionPage = 100
	maxVersionPage     = 100
)

func parseVersion(id string) (int64, error) {
	v, err := strconv.ParseInt(id, 10, 64)
	if err != nil || v < 0 {
		return 0, invalidInput("VersionId %q is not a valid table version.", id)
	}
	return v, nil
}

// GetTableVersions lists a table's versions, newest first, one page at a time.
func (s *Service) GetTableVersions(ctx context.Context, db, name string, page Page) ([]Table, string, error) {
	db, name = NormalizeName(db), NormalizeName(name)
	afterToken, err := decodeToken(page.Token)
	if err != nil {
		return nil, "", err
	}
	before := int64(math.MaxInt64) // versions below this one
	if afterToken != "" {
		if before, err = parseVersion(afterToken); err != nil {
			return nil, "", invalidInput("Invalid NextToken.")
		}
	}
	limit := pageSize(page, defaultVersionPage, maxVersionPage)
	var out []Table
	err = s.store.View(ctx, func(tx *meta.Tx) error {
		row, err := lookupTable(ctx, tx, db, name)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT version_id, spec, update_time FROM catalog_table_versions
			WHERE database_name = ? AND table_name = ? AND version_id < ?
			ORDER BY version_id DESC LIMIT ?`, db, name, before, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v, updated int64
			var spec string
			if err := rows.Scan(&v, &spec, &updated); err != nil {
				return err
			}
			t, err := decodeTable(db, row, v, spec, updated)
			if err != nil {
				return err
			}
			out = append(out, *t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", fmt.Errorf("list versions of table %s.%s: %w", db, name, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeToken(out[limit-1].VersionID)
	}
	return out, next, nil
}

// GetTableVersion returns one version of a table; "" means the current one.
func (s *Service) GetTableVersion(ctx context.Context, db, name, versionID string) (*Table, error) {
	db, name = NormalizeName(db), NormalizeName(name)
	var t *Table
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		row, err := lookupTable(ctx, tx, db, name)
		if err != nil {
			return err
		}
		v := row.current
		if versionID != "" {
			if v, err = parseVersion(versionID); err != nil {
				return err
			}
		}
		t, err = getTableVersion(ctx, tx, db, name, row, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get version %s of table %s.%s: %w", versionID, db, name, err)
	}
	return t, nil
}

// DeleteTableVersion deletes an archived version. The current version cannot
// be deleted (delete the table instead), as in Glue.
func (s *Service) DeleteTableVersion(ctx context.Context, db, name, versionID string) error {
	errs, err := s.BatchDeleteTableVersion(ctx, db, name, []string{versionID})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0].Err
	}
	return nil
}

// BatchDeleteTableVersion deletes several archived versions, reporting
// per-version failures.
func (s *Service) BatchDeleteTableVersion(ctx context.Context, db, name string, versionIDs []string) ([]EntryError, error) {
	db, name = NormalizeName(db), NormalizeName(name)
	var errs []EntryError
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		row, err := lookupTable(ctx, tx, db, name)
		if err != nil {
			return err
		}
		for i, id := range versionIDs {
			if err := deleteVersion(ctx, tx, db, name, row, id); err != nil {
				if !isCatalogError(err) {
					return err
				}
				errs = append(errs, EntryError{Index: i, Err: err})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete versions of table %s.%s: %w", db, name, err)
	}
	return errs, nil
}

func deleteVersion(ctx context.Context, tx *meta.Tx, db, name string, row tableRow, id string) error {
	v, err := parseVersion(id)
	if err != nil {
		return err
	}
	if v == row.current {
		return invalidInput("Cannot delete the current version %s of table %s.", id, name)
	}
	res, err := tx.Exec(ctx, `DELETE FROM catalog_table_versions WHERE database_name = ? AND table_name = ? AND version_id = ?`, db, name, v)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return newError(ErrNotFound, "Version %s of table %s not found.", id, name)
	}
	return nil
}
