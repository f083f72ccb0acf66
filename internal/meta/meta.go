// Package meta is Shoal's one metadata store: the catalog (and later IAM,
// delivery-stream and query metadata) lives in a single SQL database in the
// data dir. The embedded default is SQLite (modernc.org/sqlite, pure Go);
// PostgreSQL comes later, so every statement here and in the components that
// use the store is written in the portable subset of both dialects, with ?
// placeholders that rebind translates.
//
// Spots that need a dialect switch when PostgreSQL lands: Open (driver, DSN
// pragmas, the single connection), Update's isolation level (see there),
// and rebind. Migrations use only portable DDL (VARCHAR, TEXT, BIGINT,
// composite keys, ON DELETE CASCADE); a file of several statements runs as
// one Exec without arguments, which pgx also accepts (simple protocol).
package meta

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a Store.
type Dialect string

// Dialects Shoal speaks. Only SQLite is implemented today.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the metadata database.
type Store struct {
	db      *sql.DB
	dialect Dialect
}

// Open opens (creating if needed) the SQLite database at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	// WAL lets readers of other processes (e.g. a backup) coexist with the
	// writer; busy_timeout rides out short locks instead of failing; foreign
	// keys are off by default in SQLite and the schema relies on ON DELETE
	// CASCADE; synchronous FULL because catalog writes are rare and must
	// survive power loss like the rest of the data dir with fsync=always.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate") // take the write lock at BEGIN, so no upgrade deadlocks
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open metadata store %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and a single connection
	// makes every transaction strictly serial, which the catalog's
	// read-check-write sequences rely on.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, dialect: SQLite}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open metadata store %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close(ctx context.Context) error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close metadata store: %w", err)
	}
	return nil
}

// Dialect reports the SQL engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Tx is a transaction whose statements use ? placeholders in every dialect.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, rebind(t.dialect, query), args...)
}

// Query runs a query returning rows.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, rebind(t.dialect, query), args...)
}

// QueryRow runs a query returning at most one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, rebind(t.dialect, query), args...)
}

// Update runs fn in a read-write transaction, committing if fn returns nil.
// Callers may rely on it being serializable: they read, check and write
// (does the table exist? which version is current?) without locking rows.
// SQLite gives that with one writer; the PostgreSQL backend must run Update
// at SERIALIZABLE isolation and retry serialization failures.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, fn)
}

// View runs fn in a transaction meant for reads, so multi-statement reads (a
// table and its partitions) see one consistent snapshot. It is a separate
// entry point so that a later read pool (or a PostgreSQL replica) can serve
// it; today it shares the single connection with Update.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, fn)
}

func (s *Store) run(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metadata store: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(&Tx{tx: sqlTx, dialect: s.dialect}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("metadata store: commit: %w", err)
	}
	return nil
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ... Statements never
// contain a literal ? inside quotes, which keeps this a plain scan.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IsNoRows reports whether err means "no row matched".
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
