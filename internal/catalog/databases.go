package catalog

import (
	"context"
	"fmt"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Default and maximum page sizes of GetDatabases.
const (
	defaultDatabasePage = 100
	maxDatabasePage     = 100
)

// defaultPermissions is what Glue records when a database is created
// without CreateTableDefaultPermissions: IAM access control only.
func defaultPermissions() []PrincipalPermissions {
	id := "IAM_ALLOWED_PRINCIPALS"
	return []PrincipalPermissions{{Principal: &DataLakePrincipal{DataLakePrincipalIdentifier: &id}, Permissions: []string{"ALL"}}}
}

// CreateDatabase adds a database. Tags are kept for the tagging API.
func (s *Service) CreateDatabase(ctx context.Context, in DatabaseInput, tags map[string]string) error {
	in.Name = NormalizeName(in.Name)
	if err := checkName("Database", in.Name); err != nil {
		return err
	}
	if in.CreateTableDefaultPermissions == nil {
		in.CreateTableDefaultPermissions = defaultPermissions()
	}
	spec, err := marshalSpec(in)
	if err != nil {
		return err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	tagsJSON, err := marshalSpec(tags)
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx *meta.Tx) error {
		if ok, err := databaseExists(ctx, tx, in.Name); err != nil {
			return err
		} else if ok {
			return newError(ErrAlreadyExists, "Database already exists.")
		}
		_, err := tx.Exec(ctx, `INSERT INTO catalog_databases (name, spec, tags, create_time) VALUES (?, ?, ?, ?)`,
			in.Name, spec, tagsJSON, s.nowMillis())
		return err
	})
	if err != nil {
		return fmt.Errorf("create database %s: %w", in.Name, err)
	}
	return nil
}

func databaseExists(ctx context.Context, tx *meta.Tx, name string) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_databases WHERE name = ?`, name).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// GetDatabase returns a database.
func (s *Service) GetDatabase(ctx context.Context, name string) (*Database, error) {
	name = NormalizeName(name)
	var db *Database
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		var err error
		db, err = getDatabase(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get database %s: %w", name, err)
	}
	return db, nil
}

func getDatabase(ctx context.Context, tx *meta.Tx, name string) (*Database, error) {
	var spec string
	var created int64
	err := tx.QueryRow(ctx, `SELECT spec, create_time FROM catalog_databases WHERE name = ?`, name).Scan(&spec, &created)
	if meta.IsNoRows(err) {
		return nil, databaseNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	return decodeDatabase(spec, created)
}

func decodeDatabase(spec string, created int64) (*Database, error) {
	db := &Database{CreateTime: fromMillis(created)}
	if err := unmarshalSpec(spec, &db.DatabaseInput); err != nil {
		return nil, err
	}
	return db, nil
}

// GetDatabases lists databases by name, one page at a time.
func (s *Service) GetDatabases(ctx context.Context, page Page) ([]Database, string, error) {
	after, err := decodeToken(page.Token)
	if err != nil {
		return nil, "", err
	}
	limit := pageSize(page, defaultDatabasePage, maxDatabasePage)
	var out []Database
	err = s.store.View(ctx, func(tx *meta.Tx) error {
		rows, err := tx.Query(ctx, `SELECT spec, create_time FROM catalog_databases WHERE name > ? ORDER BY name LIMIT ?`, after, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var spec string
			var created int64
			if err := rows.Scan(&spec, &created); err != nil {
				return err
			}
			db, err := decodeDatabase(spec, created)
			if err != nil {
				return err
			}
			out = append(out, *db)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", fmt.Errorf("list databases: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeToken(out[limit-1].Name)
	}
	return out, next, nil
}

// UpdateDatabase replaces a database's definition. Renaming is refused: Glue
// has no rename, and tables refer to their database by name.
func (s *Service) UpdateDatabase(ctx context.Context, name string, in DatabaseInput) error {
	name = NormalizeName(name)
	in.Name = NormalizeName(in.Name)
	if in.Name != name {
		return invalidInput("Database name %s in DatabaseInput does not match %s: databases cannot be renamed.", in.Name, name)
	}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		old, err := getDatabase(ctx, tx, name)
		if err != nil {
			return err
		}
		if in.CreateTableDefaultPermissions == nil {
			in.CreateTableDefaultPermissions = old.CreateTableDefaultPermissions
		}
		spec, err := marshalSpec(in)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE catalog_databases SET spec = ? WHERE name = ?`, spec, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("update database %s: %w", name, err)
	}
	return nil
}

// DeleteDatabase removes a database with its tables, versions and partitions.
func (s *Service) DeleteDatabase(ctx context.Context, name string) error {
	name = NormalizeName(name)
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM catalog_databases WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return databaseNotFound(name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete database %s: %w", name, err)
	}
	return nil
}
