package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// Redshift's own catalog views that its JDBC driver and DBeaver's
// Redshift support read: SVV_TABLES and SVV_COLUMNS (local and external
// objects together) and PG_TABLE_DEF (local tables of the schemas on the
// search path only, as on Redshift).

// typeName is pg_type.typname for a type OID.
func typeName(oid int) string {
	for _, t := range pgTypes {
		if t.oid == oid {
			return t.name
		}
	}
	return "text"
}

// infoTypeNames are information_schema's data_type names.
var infoTypeNames = map[int]string{
	16: "boolean", 17: "bytea", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 114: "json",
	700: "real", 701: "double precision", 1042: "character", 1043: "character varying", 1082: "date",
	1083: "time without time zone", 1114: "timestamp without time zone", 1184: "timestamp with time zone",
	1186: "interval", 1700: "numeric", 2950: "uuid",
}

// caseOver renders CASE expr WHEN oid THEN 'name' ... ELSE 'text' END.
func caseOver(expr string, names func(oid int) string) string {
	var b strings.Builder
	b.WriteString("CASE " + expr)
	for _, t := range pgTypes {
		fmt.Fprintf(&b, " WHEN %d THEN %s", t.oid, quoteString(names(t.oid)))
	}
	b.WriteString(" ELSE 'text' END")
	return b.String()
}

// typeNameSQL maps a type OID expression to its typname.
func typeNameSQL(oid string) string { return caseOver("("+oid+")", typeName) }

// infoTypeNameSQL maps a type OID expression to information_schema's name.
func infoTypeNameSQL(oid string) string {
	return caseOver("("+oid+")", func(o int) string {
		if n, ok := infoTypeNames[o]; ok {
			return n
		}
		return typeName(o)
	})
}

// formatTypeMacro is Postgres's format_type(oid, typmod): the SQL name
// with length, precision and scale.
func formatTypeMacro() string {
	base := caseOver("oid", func(o int) string {
		switch o {
		case 1043, 1042, 1700:
			return "" // built below with the modifier
		}
		if n, ok := infoTypeNames[o]; ok {
			return n
		}
		return typeName(o)
	})
	return `CREATE OR REPLACE TEMP MACRO format_type(oid, typmod) AS CASE
		WHEN oid IS NULL THEN NULL
		WHEN oid = 1043 THEN 'character varying' || CASE WHEN typmod > 4 THEN '(' || (typmod - 4) || ')' ELSE '' END
		WHEN oid = 1042 THEN 'character' || CASE WHEN typmod > 4 THEN '(' || (typmod - 4) || ')' ELSE '' END
		WHEN oid = 1700 THEN 'numeric' || CASE WHEN typmod >= 4 THEN '(' || ((typmod - 4) >> 16) || ',' || ((typmod - 4) & 65535) || ')' ELSE '' END
		ELSE ` + base + ` END`
}

// svvTables lists tables, views and external tables with their kinds.
func (e *engine) svvTables(ctx context.Context, c *conn) (string, error) {
	info, err := e.infoTables(ctx, c)
	if err != nil {
		return "", err
	}
	return `SELECT table_catalog, table_schema, table_name, table_type, CAST(NULL AS VARCHAR) AS remarks FROM (` + info + `)`, nil
}

// svvColumns lists the columns of every table, view and external table.
func (e *engine) svvColumns(ctx context.Context, c *conn) (string, error) {
	info, err := e.infoColumns(ctx, c)
	if err != nil {
		return "", err
	}
	return `SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, column_default, is_nullable,
		data_type, character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale,
		datetime_precision, interval_type, interval_precision, character_set_catalog, character_set_schema,
		character_set_name, collation_catalog, collation_schema, collation_name, domain_name,
		CAST(NULL AS VARCHAR) AS remarks FROM (` + info + `)`, nil
}

// pgTableDef is Redshift's PG_TABLE_DEF: one row per column of the local
// tables in the search path's schemas (Redshift leaves external tables
// out; SVV_EXTERNAL_COLUMNS lists them). Distribution, sort keys and
// encodings are not kept, so distkey is false, sortkey 0, encoding none.
func pgTableDef(_ context.Context, c *conn) (string, error) {
	schemas := c.searchPath()
	quoted := make([]string, len(schemas))
	for i, s := range schemas {
		quoted[i] = quoteString(s)
	}
	oid := strings.ReplaceAll(duckTypeOID, "dt", "data_type")
	typmod := `CASE WHEN data_type LIKE 'DECIMAL%' THEN ((numeric_precision << 16) | numeric_scale) + 4 ELSE -1 END`
	return `SELECT schema_name AS schemaname, table_name AS tablename, column_name AS "column",
		format_type(` + oid + `, ` + typmod + `) AS type, 'none' AS encoding, false AS distkey,
		CAST(0 AS INTEGER) AS sortkey, NOT is_nullable AS notnull
		FROM duckdb_columns() c WHERE database_name = current_database() AND NOT internal
		AND schema_name IN (` + strings.Join(quoted, ", ") + `)
		AND table_oid IN (SELECT table_oid FROM duckdb_tables())
		ORDER BY schema_name, table_name, column_index`, nil
}

// searchPath is the session's search path, "$user" dropped and public
// the default.
func (c *conn) searchPath() []string {
	v, _ := c.setting("search_path")
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.Trim(strings.TrimSpace(p), `"`)
		if p != "" && p != "$user" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = []string{"public"}
	}
	return out
}

// extOIDMacro gives external tables stable OIDs from their names, above
// the range DuckDB uses for its own objects.
const extOIDMacro = `CREATE OR REPLACE TEMP MACRO shoal_ext_oid(sch, tab) AS CAST(hash(sch || '.' || tab) % 1000000000 + 1000000000 AS BIGINT)`
