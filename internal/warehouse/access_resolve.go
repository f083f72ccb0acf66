package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// relations are the names a statement may resolve to: local tables and
// views, the session's temporary ones, and DuckDB's own catalog views.
type relations struct {
	local  map[[2]string]bool // (schema, name) in dev
	temp   map[string]bool
	system map[[2]string]bool // (schema, name) of built-in views
	// views are the CREATE VIEW statements of dev's views (materialized
	// views are tables), by (schema, name).
	views map[[2]string]string
}

func loadRelations(ctx context.Context, c *conn) (*relations, error) {
	r := &relations{local: map[[2]string]bool{}, temp: map[string]bool{}, system: map[[2]string]bool{}, views: map[[2]string]string{}}
	rows, err := c.QueryContext(ctx, `SELECT database_name, schema_name, table_name, false, NULL FROM duckdb_tables() WHERE database_name IN (current_database(), 'temp')
		UNION ALL SELECT database_name, schema_name, view_name, internal, sql FROM duckdb_views()`)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	dev := database
	for rows.Next() {
		var db, schema, name string
		var internal bool
		var body sql.NullString
		if err := rows.Scan(&db, &schema, &name, &internal, &body); err != nil {
			return nil, duckError(err)
		}
		switch {
		case internal:
			r.system[[2]string{schema, name}] = true
		case db == "temp":
			r.temp[name] = true
		case db == dev:
			r.local[[2]string{schema, name}] = true
			if body.Valid {
				r.views[[2]string{schema, name}] = body.String
			}
		}
	}
	return r, rows.Err()
}

// refKind is what a table name resolves to.
type refKind int

const (
	refMissing  refKind = iota
	refLocal            // a table or view of dev
	refExternal         // a table of an external schema
	refSafe             // temporary (the session's own), or a catalog view
)

type resolved struct {
	kind         refKind
	schema, name string
}

// systemSchemas hold catalog views anyone may read.
var systemSchemas = words(`pg_catalog information_schema`)

// resolve finds what a written name means, as the statement would.
func (k *checker) resolve(parts []string) (resolved, error) {
	if len(parts) == 3 {
		switch parts[0] {
		case database:
			parts = parts[1:]
		case "temp":
			return resolved{kind: refSafe}, nil
		default:
			return resolved{}, nil
		}
	}
	if len(parts) == 2 {
		return k.resolveIn(parts[0], parts[1])
	}
	if len(parts) != 1 {
		return resolved{}, nil
	}
	name := parts[0]
	if k.rel.temp[name] || k.e.systemView(parts) != nil {
		return resolved{kind: refSafe}, nil
	}
	for _, schema := range k.c.searchPath() {
		if r, err := k.resolveIn(schema, name); err != nil || r.kind != refMissing {
			return r, err
		}
	}
	for schema := range systemSchemas {
		if k.rel.system[[2]string{schema, name}] {
			return resolved{kind: refSafe}, nil
		}
	}
	return resolved{}, nil
}

func (k *checker) resolveIn(schema, name string) (resolved, error) {
	switch {
	case schema == internalSchema:
		return resolved{}, deniedSchema(schema)
	case schema == "temp" || schema == "pg_temp" || systemSchemas[schema] || k.e.systemView([]string{schema, name}) != nil:
		return resolved{kind: refSafe}, nil
	case k.rel.local[[2]string{schema, name}]:
		return resolved{kind: refLocal, schema: schema, name: name}, nil
	}
	if _, ok := k.ext[schema]; ok {
		return resolved{kind: refExternal, schema: schema, name: name}, nil
	}
	return resolved{}, nil
}

// dmlTargetAt is where dmlTarget's name is in toks: [i, j).
func dmlTargetAt(toks []token) (int, int, string) {
	target, verb := dmlTarget(toks)
	if len(target) == 0 {
		return 1, 1, verb
	}
	for i := range toks {
		if toks[i].pos == target[0].pos {
			return i, i + len(target), verb
		}
	}
	return 1, 1, verb
}

// relationError words a missing relation as Postgres does.
func relationError(parts []string) error {
	return newPGError(codeUndefinedTable, fmt.Sprintf("relation %q does not exist", strings.Join(parts, ".")))
}
