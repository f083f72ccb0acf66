package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// engine is the warehouse's own DuckDB database, a file in the data dir
// named after the database (dev.duckdb, so current_database() is "dev"):
// local tables, materialized views and the external schema definitions
// live there. External tables are read from the lake at query time.
type engine struct {
	db   *sql.DB
	opts Options
	// catalogGen counts statements that may have changed what privilege
	// checks read; sessions re-read their privilegeState when it moves.
	catalogGen atomic.Uint64
}

// internalSchema holds the warehouse's own bookkeeping; psql and the
// information_schema views hide pg_* schemas, as Redshift's pg_internal.
const internalSchema = "pg_internal"

// setup runs once per database file; every statement is idempotent.
var setup = []string{
	`CREATE SCHEMA IF NOT EXISTS public`,
	`CREATE SCHEMA IF NOT EXISTS ` + internalSchema,
	`CREATE TABLE IF NOT EXISTS ` + internalSchema + `.external_schemas (
		schemaname VARCHAR PRIMARY KEY, databasename VARCHAR NOT NULL,
		iam_role VARCHAR NOT NULL, region VARCHAR, created TIMESTAMP NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS ` + internalSchema + `.materialized_views (
		schemaname VARCHAR NOT NULL, name VARCHAR NOT NULL, definition VARCHAR NOT NULL,
		refreshed TIMESTAMP NOT NULL, PRIMARY KEY (schemaname, name))`,
}

func openEngine(ctx context.Context, opts Options) (*engine, error) {
	if opts.Dir == "" {
		return nil, fmt.Errorf("warehouse: no directory for the database file")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("warehouse dir: %w", err)
	}
	memory := opts.MemoryLimit
	if memory == "" {
		memory = "1GB"
	}
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	db, err := sql.Open("duckdb", filepath.Join(opts.Dir, database+".duckdb"))
	if err != nil {
		return nil, fmt.Errorf("open warehouse database: %w", err)
	}
	global := []string{
		"SET memory_limit = " + quoteString(memory),
		fmt.Sprintf("SET threads = %d", threads),
		// Only local lake paths are read; never reach the network.
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET parquet_metadata_cache = true",
		// Redshift (like Postgres) divides integers as integers.
		"SET GLOBAL integer_division = true",
		"SET GLOBAL TimeZone = 'UTC'",
		// Statements are the users': files outside the lake stay out of
		// reach, and the lock keeps them from undoing that.
		"SET allowed_directories = " + stringList(opts.ReadDirs),
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	}
	// A session's connection is never reused: its temporary objects,
	// settings and any open transaction end with it.
	db.SetMaxIdleConns(0)
	for _, s := range append(global, setup...) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("warehouse setup %q: %w", s, err)
		}
	}
	if err := setupPrivileges(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("warehouse setup privileges: %w", err)
	}
	return &engine{db: db, opts: opts}, nil
}

func (e *engine) close() error { return e.db.Close() }

// sessionSettings make DuckDB answer as Redshift does on each connection.
// (integer division and UTC are global: the configuration is locked).
var sessionSettings = []string{
	"SET schema = 'public'",
}

// stringList is a DuckDB list literal of strings.
func stringList(items []string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = quoteString(it)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// conn is one session's DuckDB connection: temporary objects, settings
// and transactions are per session, as in Postgres.
type conn struct {
	*sql.Conn
	// inTx and failed track an explicit transaction for ReadyForQuery.
	inTx, failed bool
	// txReadOnly is set by BEGIN READ ONLY for the open transaction.
	txReadOnly bool
	// settings hold the session parameters SET gave and SHOW reports.
	settings map[string]string
	// user is the database user: an IAM user's name, or the access key id
	// of the root keys.
	user string
	// superuser sessions (root keys) skip every privilege check.
	superuser bool
	// superuserName is who owns what no other user owns, for the catalog.
	superuserName string
	// priv and readSets cache what privilege checks read (access_cache.go).
	priv     *privilegeState
	readSets map[string]*readSet
}

// connect opens a session connection with the settings and the Postgres
// compatibility macros installed.
func (e *engine) connect(ctx context.Context, user string, superuser bool) (*conn, error) {
	c, err := e.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("warehouse connection: %w", err)
	}
	for _, s := range append(append([]string{}, sessionSettings...), compatMacros(user, superuser)...) {
		if _, err := c.ExecContext(ctx, s); err != nil {
			c.Close()
			return nil, fmt.Errorf("warehouse session setup %q: %w", firstLine(s), err)
		}
	}
	owner := e.opts.Superuser
	if owner == "" || superuser {
		owner = user
	}
	return &conn{Conn: c, settings: map[string]string{}, user: user, superuser: superuser, superuserName: owner}, nil
}

// txStatus is ReadyForQuery's transaction indicator.
func (c *conn) txStatus() byte {
	switch {
	case c.failed:
		return 'E'
	case c.inTx:
		return 'T'
	}
	return 'I'
}

func firstLine(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
