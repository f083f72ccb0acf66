package warehouse

import (
	"context"
	"sort"
	"strconv"
)

// The smaller Postgres catalogs and statistics views BI tools read while
// browsing: comments, defaults, roles, settings, row estimates.

// pgDescription holds COMMENT ON comments of local tables, views and
// their columns (DuckDB keeps them with the objects).
func pgDescription(_ context.Context, _ *conn) (string, error) {
	rel := strconv.Itoa(catalogOIDs["pg_class"])
	return `SELECT CAST(table_oid AS BIGINT) AS objoid, CAST(` + rel + ` AS BIGINT) AS classoid, CAST(0 AS INTEGER) AS objsubid, comment AS description
		FROM duckdb_tables() WHERE ` + userSchemaFilter + ` AND comment IS NOT NULL
		UNION ALL SELECT view_oid, ` + rel + `, 0, comment FROM duckdb_views() WHERE ` + userSchemaFilter + ` AND comment IS NOT NULL
		UNION ALL SELECT table_oid, ` + rel + `, column_index, comment FROM duckdb_columns()
		WHERE database_name = current_database() AND NOT internal AND schema_name NOT IN ` + hiddenSchemas + ` AND comment IS NOT NULL`, nil
}

// pgAttrdef holds column defaults, as text (pg_get_expr returns it).
func pgAttrdef(_ context.Context, _ *conn) (string, error) {
	return `SELECT CAST(table_oid * 1000 + column_index AS BIGINT) AS oid, CAST(table_oid AS BIGINT) AS adrelid,
		CAST(column_index AS SMALLINT) AS adnum, column_default AS adbin
		FROM duckdb_columns() WHERE database_name = current_database() AND NOT internal AND schema_name NOT IN ` + hiddenSchemas + `
		AND column_default IS NOT NULL`, nil
}

// roleCols are pg_roles' columns; the signed-in user is the one role.
var roleCols = []column{{"oid", "BIGINT"}, {"rolname", "VARCHAR"}, {"rolsuper", "BOOLEAN"}, {"rolinherit", "BOOLEAN"},
	{"rolcreaterole", "BOOLEAN"}, {"rolcreatedb", "BOOLEAN"}, {"rolcanlogin", "BOOLEAN"}, {"rolreplication", "BOOLEAN"},
	{"rolconnlimit", "INTEGER"}, {"rolpassword", "VARCHAR"}, {"rolvaliduntil", "TIMESTAMP"}, {"rolbypassrls", "BOOLEAN"},
	{"rolconfig", "VARCHAR[]"}}

func pgRoles(_ context.Context, c *conn) (string, error) {
	return valuesSQL(roleCols, [][]any{{ownerOID, c.user, false, true, false, true, true, false, -1, "********", nil, false, nil}}), nil
}

// pgUser is Redshift's (and Postgres's) pg_user view of the same role.
func pgUser(_ context.Context, c *conn) (string, error) {
	cols := []column{{"usename", "VARCHAR"}, {"usesysid", "BIGINT"}, {"usecreatedb", "BOOLEAN"}, {"usesuper", "BOOLEAN"},
		{"usecatupd", "BOOLEAN"}, {"passwd", "VARCHAR"}, {"valuntil", "TIMESTAMP"}, {"useconfig", "VARCHAR[]"}}
	return valuesSQL(cols, [][]any{{c.user, ownerOID, true, false, false, "********", nil, nil}}), nil
}

var settingCols = []column{{"name", "VARCHAR"}, {"setting", "VARCHAR"}, {"unit", "VARCHAR"}, {"category", "VARCHAR"},
	{"short_desc", "VARCHAR"}, {"extra_desc", "VARCHAR"}, {"context", "VARCHAR"}, {"vartype", "VARCHAR"},
	{"source", "VARCHAR"}, {"min_val", "VARCHAR"}, {"max_val", "VARCHAR"}, {"enumvals", "VARCHAR[]"},
	{"boot_val", "VARCHAR"}, {"reset_val", "VARCHAR"}, {"sourcefile", "VARCHAR"}, {"sourceline", "INTEGER"},
	{"pending_restart", "BOOLEAN"}}

// pgSettings lists the session's parameters, as SHOW ALL does.
func pgSettings(_ context.Context, c *conn) (string, error) {
	var rows [][]any
	for _, name := range c.settingNames() {
		v, _ := c.setting(name)
		rows = append(rows, []any{name, v, nil, "Shoal", "", nil, "user", "string", "session", nil, nil, nil, showValues[name], showValues[name], nil, nil, false})
	}
	return valuesSQL(settingCols, rows), nil
}

// settingNames are every parameter SHOW knows, sorted.
func (c *conn) settingNames() []string {
	names := make([]string, 0, len(showValues))
	for n := range showValues {
		names = append(names, n)
	}
	for n := range c.settings {
		if _, ok := showValues[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// pgStatUserTables gives live-row estimates for local tables (Metabase
// reads n_live_tup); external tables have no estimate.
func pgStatUserTables(_ context.Context, _ *conn) (string, error) {
	return `SELECT CAST(table_oid AS BIGINT) AS relid, schema_name AS schemaname, table_name AS relname,
		CAST(0 AS BIGINT) AS seq_scan, CAST(0 AS BIGINT) AS seq_tup_read, CAST(0 AS BIGINT) AS idx_scan,
		CAST(0 AS BIGINT) AS idx_tup_fetch, CAST(0 AS BIGINT) AS n_tup_ins, CAST(0 AS BIGINT) AS n_tup_upd,
		CAST(0 AS BIGINT) AS n_tup_del, CAST(estimated_size AS BIGINT) AS n_live_tup, CAST(0 AS BIGINT) AS n_dead_tup,
		CAST(NULL AS TIMESTAMP) AS last_vacuum, CAST(NULL AS TIMESTAMP) AS last_analyze
		FROM duckdb_tables() WHERE ` + userSchemaFilter, nil
}

// pgTables, pgViews and pgMatviews are the Postgres convenience views
// (Metabase's privilege check reads all three).
func pgTables(_ context.Context, c *conn) (string, error) {
	return `SELECT schema_name AS schemaname, table_name AS tablename, ` + c.ownerOf("schema_name", "table_name") + ` AS tableowner,
		CAST(NULL AS VARCHAR) AS tablespace, false AS hasindexes, false AS hasrules, false AS hastriggers, false AS rowsecurity
		FROM duckdb_tables() WHERE ` + userSchemaFilter + matviewFilter("NOT IN"), nil
}

func pgViews(_ context.Context, c *conn) (string, error) {
	return `SELECT schema_name AS schemaname, view_name AS viewname, ` + c.ownerOf("schema_name", "view_name") + ` AS viewowner, sql AS definition
		FROM duckdb_views() WHERE ` + userSchemaFilter, nil
}

func pgMatviews(_ context.Context, c *conn) (string, error) {
	return `SELECT t.schema_name AS schemaname, t.table_name AS matviewname, ` + c.ownerOf("t.schema_name", "t.table_name") + ` AS matviewowner,
		CAST(NULL AS VARCHAR) AS tablespace, false AS hasindexes, true AS ispopulated, m.definition
		FROM duckdb_tables() t JOIN ` + internalSchema + `.materialized_views m ON m.schemaname = t.schema_name AND m.name = t.table_name
		WHERE t.database_name = current_database()`, nil
}

// ownerOf is the owner of the relation named by the schema and name
// columns: the user who created it, else the superuser.
func (c *conn) ownerOf(schemaCol, nameCol string) string {
	return `COALESCE((SELECT o.owner FROM ` + internalSchema + `.owners o WHERE o.kind = 'relation' AND o.schemaname = ` + schemaCol +
		` AND o.name = ` + nameCol + `), ` + quoteString(c.superuserName) + `)`
}

// matviewFilter keeps (NOT IN) or selects (IN) materialized views' tables.
func matviewFilter(op string) string {
	return ` AND (schema_name, table_name) ` + op + ` (SELECT (schemaname, name) FROM ` + internalSchema + `.materialized_views)`
}

// moreEmptyCatalogs are catalogs of features the warehouse lacks
// (indexes, constraints: Redshift does not enforce keys and they are
// not kept; enums, extensions, functions, foreign servers).
var moreEmptyCatalogs = map[string][]column{
	"pg_index": {{"indexrelid", "BIGINT"}, {"indrelid", "BIGINT"}, {"indnatts", "SMALLINT"}, {"indnkeyatts", "SMALLINT"},
		{"indisunique", "BOOLEAN"}, {"indisprimary", "BOOLEAN"}, {"indisexclusion", "BOOLEAN"}, {"indimmediate", "BOOLEAN"},
		{"indisclustered", "BOOLEAN"}, {"indisvalid", "BOOLEAN"}, {"indcheckxmin", "BOOLEAN"}, {"indisready", "BOOLEAN"},
		{"indislive", "BOOLEAN"}, {"indisreplident", "BOOLEAN"}, {"indkey", "INTEGER[]"}, {"indcollation", "BIGINT[]"},
		{"indclass", "BIGINT[]"}, {"indoption", "INTEGER[]"}, {"indexprs", "VARCHAR"}, {"indpred", "VARCHAR"}},
	"pg_constraint": {{"oid", "BIGINT"}, {"conname", "VARCHAR"}, {"connamespace", "BIGINT"}, {"contype", "VARCHAR"},
		{"condeferrable", "BOOLEAN"}, {"condeferred", "BOOLEAN"}, {"convalidated", "BOOLEAN"}, {"conrelid", "BIGINT"},
		{"contypid", "BIGINT"}, {"conindid", "BIGINT"}, {"conparentid", "BIGINT"}, {"confrelid", "BIGINT"},
		{"confupdtype", "VARCHAR"}, {"confdeltype", "VARCHAR"}, {"confmatchtype", "VARCHAR"}, {"conislocal", "BOOLEAN"},
		{"coninhcount", "INTEGER"}, {"connoinherit", "BOOLEAN"}, {"conkey", "SMALLINT[]"}, {"confkey", "SMALLINT[]"},
		{"conpfeqop", "BIGINT[]"}, {"conppeqop", "BIGINT[]"}, {"conffeqop", "BIGINT[]"}, {"conexclop", "BIGINT[]"},
		{"conbin", "VARCHAR"}, {"consrc", "VARCHAR"}},
	"pg_enum":      {{"oid", "BIGINT"}, {"enumtypid", "BIGINT"}, {"enumsortorder", "FLOAT"}, {"enumlabel", "VARCHAR"}},
	"pg_extension": {{"oid", "BIGINT"}, {"extname", "VARCHAR"}, {"extowner", "BIGINT"}, {"extnamespace", "BIGINT"}, {"extrelocatable", "BOOLEAN"}, {"extversion", "VARCHAR"}},
	"pg_proc": {{"oid", "BIGINT"}, {"proname", "VARCHAR"}, {"pronamespace", "BIGINT"}, {"proowner", "BIGINT"}, {"prolang", "BIGINT"},
		{"procost", "FLOAT"}, {"prorows", "FLOAT"}, {"provariadic", "BIGINT"}, {"prokind", "VARCHAR"}, {"prosecdef", "BOOLEAN"},
		{"proleakproof", "BOOLEAN"}, {"proisstrict", "BOOLEAN"}, {"proretset", "BOOLEAN"}, {"provolatile", "VARCHAR"},
		{"pronargs", "SMALLINT"}, {"prorettype", "BIGINT"}, {"proargtypes", "VARCHAR"}, {"proallargtypes", "BIGINT[]"},
		{"proargmodes", "VARCHAR[]"}, {"proargnames", "VARCHAR[]"}, {"prosrc", "VARCHAR"}, {"proacl", "VARCHAR"}},
	"pg_foreign_table":  {{"ftrelid", "BIGINT"}, {"ftserver", "BIGINT"}, {"ftoptions", "VARCHAR[]"}},
	"pg_foreign_server": {{"oid", "BIGINT"}, {"srvname", "VARCHAR"}, {"srvowner", "BIGINT"}, {"srvfdw", "BIGINT"}, {"srvtype", "VARCHAR"}, {"srvversion", "VARCHAR"}, {"srvacl", "VARCHAR"}, {"srvoptions", "VARCHAR[]"}},
	"pg_trigger":        {{"oid", "BIGINT"}, {"tgrelid", "BIGINT"}, {"tgname", "VARCHAR"}, {"tgfoid", "BIGINT"}, {"tgtype", "SMALLINT"}, {"tgenabled", "VARCHAR"}, {"tgisinternal", "BOOLEAN"}},
	"pg_depend":         {{"classid", "BIGINT"}, {"objid", "BIGINT"}, {"objsubid", "INTEGER"}, {"refclassid", "BIGINT"}, {"refobjid", "BIGINT"}, {"refobjsubid", "INTEGER"}, {"deptype", "VARCHAR"}},
}

// pgCatalogView returns the builder of a pg_catalog view, or nil.
func (e *engine) pgCatalogView(name string) viewBuilder {
	switch name {
	case "pg_namespace":
		return pgNamespace
	case "pg_class":
		return e.pgClass
	case "pg_attribute":
		return e.pgAttribute
	case "pg_type":
		return pgType
	case "pg_description":
		return pgDescription
	case "pg_attrdef":
		return pgAttrdef
	case "pg_roles", "pg_authid":
		return pgRoles
	case "pg_user":
		return pgUser
	case "pg_settings":
		return pgSettings
	case "pg_stat_user_tables", "pg_stat_all_tables":
		return pgStatUserTables
	case "pg_tables":
		return pgTables
	case "pg_views":
		return pgViews
	case "pg_matviews":
		return pgMatviews
	case "svv_tables":
		return e.svvTables
	case "svv_columns":
		return e.svvColumns
	case "pg_table_def":
		return pgTableDef
	}
	cols, ok := emptyCatalogs[name]
	if !ok {
		cols, ok = moreEmptyCatalogs[name]
	}
	if ok {
		return func(context.Context, *conn) (string, error) { return valuesSQL(cols, nil), nil }
	}
	return nil
}
