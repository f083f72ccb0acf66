package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// engine is the one in-process DuckDB instance (an in-memory database: all
// data lives in the lake, DuckDB only scans it). Each query takes its own
// connection so that its temporary views are private to it.
type engine struct {
	db *sql.DB
}

// EngineOptions bounds DuckDB's resources.
type EngineOptions struct {
	// MemoryLimit is DuckDB's memory_limit, e.g. "1GB" (default "1GB").
	MemoryLimit string
	// Threads is DuckDB's worker threads (default: the number of CPUs).
	Threads int
	// TempDir is where DuckDB spills when a query exceeds MemoryLimit.
	TempDir string
}

func openEngine(ctx context.Context, opts EngineOptions) (*engine, error) {
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = "1GB"
	}
	if opts.Threads <= 0 {
		opts.Threads = runtime.NumCPU()
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	e := &engine{db: db}
	settings := []string{
		"SET memory_limit = " + quoteString(opts.MemoryLimit),
		fmt.Sprintf("SET threads = %d", opts.Threads),
		// Trino divides integers as integers; DuckDB's default would
		// silently give a different answer.
		"SET integer_division = true",
		"SET TimeZone = 'UTC'",
		// Lake objects never change in place (a rewrite is a new file),
		// so Parquet footers can be kept between queries.
		"SET parquet_metadata_cache = true",
		// Only local lake paths are ever read; never let a query reach
		// the network or install code.
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	}
	if opts.TempDir != "" {
		settings = append(settings, "SET temp_directory = "+quoteString(opts.TempDir))
	}
	for _, s := range append(settings, macros...) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb setup %q: %w", firstLine(s), err)
		}
	}
	return e, nil
}

func (e *engine) close() error { return e.db.Close() }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// duckError turns a DuckDB error into the user-facing failure, keeping
// DuckDB's message (which names the problem and, with "LINE n:", where).
func duckError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	msg := err.Error()
	code := ErrGeneric
	switch {
	case strings.HasPrefix(msg, "Parser Error"):
		code = ErrSyntax
	case strings.HasPrefix(msg, "Catalog Error: Scalar Function"), strings.HasPrefix(msg, "Catalog Error: Aggregate Function"),
		strings.HasPrefix(msg, "Catalog Error: Table Function"):
		code = ErrFunctionNotFnd
	case strings.HasPrefix(msg, "Binder Error"), strings.HasPrefix(msg, "Catalog Error"):
		code = ErrSyntax
	case strings.HasPrefix(msg, "Conversion Error"), strings.HasPrefix(msg, "Invalid Input Error"), strings.HasPrefix(msg, "Out of Range Error"):
		code = "INVALID_CAST_ARGUMENT"
	case strings.HasPrefix(msg, "Out of Memory Error"):
		return &QueryError{Category: CategorySystem, Type: 1, Code: "EXCEEDED_LOCAL_MEMORY_LIMIT", Message: msg, Err: err}
	case strings.HasPrefix(msg, "IO Error"):
		code = "HIVE_CURSOR_ERROR"
	}
	return &QueryError{Category: CategoryUser, Type: TypeUser, Code: code, Message: strings.TrimSpace(msg), Err: err}
}

// macros map Trino functions DuckDB lacks (or names differently) onto
// DuckDB, created once at engine start. Functions whose Trino semantics
// need the call's arguments rewritten (date_format's format string,
// element_at) are handled by the translator instead.
var macros = []string{
	// Trino returns timestamp(3) with time zone in the session zone (UTC).
	`CREATE MACRO from_unixtime(x) AS make_timestamp(CAST(round(CAST(x AS DOUBLE) * 1000000) AS BIGINT))`,
	`CREATE MACRO to_unixtime(x) AS epoch(x)`,
	`CREATE MACRO from_iso8601_timestamp(s) AS timezone('UTC', CAST(s AS TIMESTAMPTZ))`,
	`CREATE MACRO from_iso8601_date(s) AS CAST(s AS DATE)`,
	`CREATE MACRO to_iso8601(x) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ')`,
	`CREATE MACRO approx_distinct(x) AS approx_count_distinct(x)`,
	`CREATE MACRO approx_percentile(x, p) AS approx_quantile(x, p)`,
	`CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
	// Trino replaces every match; DuckDB only the first without 'g'.
	// Trino's replacement refers to groups as $1; RE2's as \1.
	`CREATE MACRO trino_regexp_replace(s, p) AS regexp_replace(s, p, '', 'g'),
		(s, p, r) AS regexp_replace(s, p, regexp_replace(r, '\$(\d)', '\\\1', 'g'), 'g')`,
	`CREATE MACRO trino_regexp_extract(s, p) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END,
		(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END`,
	// Trino returns NULL for objects and arrays; DuckDB would return JSON text.
	`CREATE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(json_extract(j, p)) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, p) END`,
	`CREATE MACRO json_parse(s) AS json(s)`,
	`CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)`,
	`CREATE MACRO arbitrary(x) AS any_value(x)`,
	`CREATE MACRO day_of_week(x) AS isodow(x)`,
	`CREATE MACRO dow(x) AS isodow(x)`,
	`CREATE MACRO day_of_year(x) AS dayofyear(x)`,
	`CREATE MACRO doy(x) AS dayofyear(x)`,
	`CREATE MACRO day_of_month(x) AS dayofmonth(x)`,
	`CREATE MACRO week_of_year(x) AS weekofyear(x)`,
	`CREATE MACRO year_of_week(x) AS isoyear(x)`,
	`CREATE MACRO array_join(a, d) AS array_to_string(a, d)`,
	`CREATE MACRO is_nan(x) AS isnan(x)`,
	`CREATE MACRO is_finite(x) AS isfinite(x)`,
	`CREATE MACRO is_infinite(x) AS isinf(x)`,
	`CREATE MACRO codepoint(s) AS unicode(s)`,
	`CREATE MACRO index(s, sub) AS strpos(s, sub)`,
	`CREATE MACRO date_add_trino(unit, n, x) AS CASE lower(unit)
		WHEN 'millisecond' THEN x + to_milliseconds(n) WHEN 'second' THEN x + to_seconds(n)
		WHEN 'minute' THEN x + to_minutes(n) WHEN 'hour' THEN x + to_hours(n)
		WHEN 'day' THEN x + to_days(CAST(n AS INTEGER)) WHEN 'week' THEN x + to_weeks(CAST(n AS INTEGER))
		WHEN 'month' THEN x + to_months(CAST(n AS INTEGER)) WHEN 'quarter' THEN x + to_months(CAST(3 * n AS INTEGER))
		WHEN 'year' THEN x + to_years(CAST(n AS INTEGER)) ELSE error('date_add: unknown unit ' || unit) END`,
}
