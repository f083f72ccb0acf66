package warehouse

import (
	"context"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// DuckDB's own pg_catalog is a rough sketch (text columns where Postgres
// has booleans, no type input functions, DuckDB type numbers), so the
// catalogs BI tools join are rebuilt here with Postgres's columns and
// types: local objects come from DuckDB's metadata functions, external
// tables from the Glue catalog.
//
// External tables appear in pg_class as foreign tables (relkind 'f') and
// their columns in pg_attribute. Redshift itself lists them only in
// SVV_EXTERNAL_TABLES/COLUMNS (and pg_table_def shows local tables only,
// as here); they are added so that drivers whose metadata calls read
// pg_class and pg_attribute (pgjdbc's getTables/getColumns, which
// DBeaver and Metabase use) see them.

// Fixed OIDs: Postgres's own for its catalog namespace and tables (tools
// write 'pg_class'::regclass), the owner every object reports.
const (
	pgCatalogOID  = 11
	infoSchemaOID = 13000
	ownerOID      = 100
)

// catalogOIDs are the OIDs Postgres gives its catalog tables.
var catalogOIDs = map[string]int{
	"pg_class": 1259, "pg_attribute": 1249, "pg_type": 1247, "pg_proc": 1255,
	"pg_namespace": 2615, "pg_constraint": 2606, "pg_index": 2610, "pg_database": 1262,
	"pg_description": 2609, "pg_attrdef": 2604, "pg_authid": 1260, "pg_roles": 1260,
}

// userSchemaFilter selects the session database's own schemas, less
// DuckDB's main and the warehouse's bookkeeping.
const userSchemaFilter = `database_name = current_database() AND NOT internal AND NOT temporary AND schema_name NOT IN ` + hiddenSchemas

// duckTypeOID is the Postgres type OID of a DuckDB column type (dt).
const duckTypeOID = `CASE
	WHEN dt = 'BOOLEAN' THEN 16
	WHEN dt IN ('TINYINT', 'SMALLINT', 'UTINYINT') THEN 21
	WHEN dt IN ('INTEGER', 'USMALLINT') THEN 23
	WHEN dt IN ('BIGINT', 'UINTEGER') THEN 20
	WHEN dt = 'FLOAT' THEN 700
	WHEN dt = 'DOUBLE' THEN 701
	WHEN dt LIKE 'DECIMAL%' OR dt IN ('HUGEINT', 'UBIGINT') THEN 1700
	WHEN dt = 'VARCHAR' THEN 1043
	WHEN dt = 'DATE' THEN 1082
	WHEN dt = 'TIME' THEN 1083
	WHEN dt = 'TIMESTAMP WITH TIME ZONE' THEN 1184
	WHEN dt LIKE 'TIMESTAMP%' THEN 1114
	WHEN dt = 'INTERVAL' THEN 1186
	WHEN dt = 'BLOB' THEN 17
	WHEN dt = 'UUID' THEN 2950
	WHEN dt = 'JSON' THEN 114
	ELSE 25 END`

// typeLenSQL is pg_type.typlen for a type OID (oid).
const typeLenSQL = `CASE WHEN oid IN (16, 18) THEN 1 WHEN oid IN (21) THEN 2 WHEN oid = 19 THEN 64
	WHEN oid IN (23, 26, 700, 1082) THEN 4 WHEN oid IN (20, 701, 1083, 1114, 1184) THEN 8
	WHEN oid IN (1186, 2950) THEN 16 ELSE -1 END`

var namespaceCols = []column{{"oid", "BIGINT"}, {"nspname", "VARCHAR"}, {"nspowner", "BIGINT"}, {"nspacl", "VARCHAR"}}

// pgNamespace lists pg_catalog, information_schema and the database's
// schemas (external ones included: they exist as empty DuckDB schemas).
func pgNamespace(_ context.Context, _ *conn) (string, error) {
	fixed := valuesSQL(namespaceCols, [][]any{{pgCatalogOID, "pg_catalog", 10, nil}, {infoSchemaOID, "information_schema", 10, nil}})
	return fixed + ` UNION ALL SELECT oid, schema_name, ` + strconv.Itoa(ownerOID) + `, CAST(NULL AS VARCHAR)
		FROM duckdb_schemas() WHERE database_name = current_database() AND NOT internal AND schema_name NOT IN ` + hiddenSchemas, nil
}

// classCols are pg_class's columns (Postgres 15, plus relhasoids and
// relhaspkey that older drivers and Redshift's read).
var classCols = []column{{"oid", "BIGINT"}, {"relname", "VARCHAR"}, {"relnamespace", "BIGINT"}, {"reltype", "BIGINT"},
	{"reloftype", "BIGINT"}, {"relowner", "BIGINT"}, {"relam", "BIGINT"}, {"relfilenode", "BIGINT"}, {"reltablespace", "BIGINT"},
	{"relpages", "INTEGER"}, {"reltuples", "FLOAT"}, {"relallvisible", "INTEGER"}, {"reltoastrelid", "BIGINT"},
	{"relhasindex", "BOOLEAN"}, {"relisshared", "BOOLEAN"}, {"relpersistence", "VARCHAR"}, {"relkind", "VARCHAR"},
	{"relnatts", "SMALLINT"}, {"relchecks", "SMALLINT"}, {"relhasoids", "BOOLEAN"}, {"relhaspkey", "BOOLEAN"},
	{"relhasrules", "BOOLEAN"}, {"relhastriggers", "BOOLEAN"}, {"relhassubclass", "BOOLEAN"}, {"relrowsecurity", "BOOLEAN"},
	{"relforcerowsecurity", "BOOLEAN"}, {"relispopulated", "BOOLEAN"}, {"relreplident", "VARCHAR"}, {"relispartition", "BOOLEAN"},
	{"relrewrite", "BIGINT"}, {"relfrozenxid", "BIGINT"}, {"relminmxid", "BIGINT"}, {"relacl", "VARCHAR"},
	{"reloptions", "VARCHAR[]"}, {"relpartbound", "VARCHAR"}}

// classRow renders one pg_class row from the columns that vary.
func classRow(oid, name, nsp, tuples, kind, natts string) string {
	vals := map[string]string{"oid": oid, "relname": name, "relnamespace": nsp, "reltuples": tuples, "relkind": kind,
		"relnatts": natts, "relowner": strconv.Itoa(ownerOID), "relam": "2", "relpersistence": "'p'",
		"relispopulated": "true", "relreplident": "'d'"}
	sel := make([]string, len(classCols))
	for i, c := range classCols {
		v, ok := vals[c.name]
		switch {
		case ok:
		case c.typ == "BOOLEAN":
			v = "false"
		case c.typ == "VARCHAR" || c.typ == "VARCHAR[]":
			v = "NULL"
		default:
			v = "0"
		}
		sel[i] = "CAST(" + v + " AS " + c.typ + ") AS " + quoteIdent(c.name)
	}
	return strings.Join(sel, ", ")
}

// pgClass lists local tables ('r', or 'm' for materialized views),
// views ('v') and external tables ('f').
func (e *engine) pgClass(ctx context.Context, c *conn) (string, error) {
	ext, err := e.externalRelations(ctx, c)
	if err != nil {
		return "", err
	}
	tables := `SELECT ` + classRow("table_oid", "table_name", "schema_oid", "estimated_size",
		`CASE WHEN (schema_name, table_name) IN (SELECT (schemaname, name) FROM `+internalSchema+`.materialized_views) THEN 'm' ELSE 'r' END`,
		"column_count") + ` FROM duckdb_tables() WHERE ` + userSchemaFilter
	views := `SELECT ` + classRow("view_oid", "view_name", "schema_oid", "0", "'v'", "column_count") +
		` FROM duckdb_views() WHERE ` + userSchemaFilter
	external := `SELECT ` + classRow("shoal_ext_oid(x.sch, x.tab)", "x.tab", "s.oid", "-1", "'f'", "x.natts") +
		` FROM (` + ext + `) x JOIN duckdb_schemas() s ON s.schema_name = x.sch AND s.database_name = current_database()`
	return tables + " UNION ALL " + views + " UNION ALL " + external, nil
}

// externalRelations is a SELECT of (sch, tab, natts) for every external
// table.
func (e *engine) externalRelations(ctx context.Context, c *conn) (string, error) {
	var rows [][]any
	err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
		rows = append(rows, []any{es.name, t.Name, len(externalColumnRows(es, t))})
	})
	if err != nil {
		return "", err
	}
	return valuesSQL([]column{{"sch", "VARCHAR"}, {"tab", "VARCHAR"}, {"natts", "INTEGER"}}, rows), nil
}

var attributeCols = []column{{"attrelid", "BIGINT"}, {"attname", "VARCHAR"}, {"atttypid", "BIGINT"}, {"attstattarget", "INTEGER"},
	{"attlen", "SMALLINT"}, {"attnum", "SMALLINT"}, {"attndims", "INTEGER"}, {"attcacheoff", "INTEGER"}, {"atttypmod", "INTEGER"},
	{"attbyval", "BOOLEAN"}, {"attalign", "VARCHAR"}, {"attstorage", "VARCHAR"}, {"attcompression", "VARCHAR"},
	{"attnotnull", "BOOLEAN"}, {"atthasdef", "BOOLEAN"}, {"atthasmissing", "BOOLEAN"}, {"attidentity", "VARCHAR"},
	{"attgenerated", "VARCHAR"}, {"attisdropped", "BOOLEAN"}, {"attislocal", "BOOLEAN"}, {"attinhcount", "INTEGER"},
	{"attcollation", "BIGINT"}, {"attacl", "VARCHAR"}, {"attoptions", "VARCHAR[]"}, {"attfdwoptions", "VARCHAR[]"},
	{"attmissingval", "VARCHAR"}}

// attributeRow renders one pg_attribute row over a source with columns
// rel, name, typid, typmod, num, not_null, has_def.
func attributeRow() string {
	vals := map[string]string{"attrelid": "rel", "attname": "name", "atttypid": "typid", "atttypmod": "typmod",
		"attnum": "num", "attnotnull": "not_null", "atthasdef": "has_def", "attstattarget": "-1", "attcacheoff": "-1",
		"attlen": strings.ReplaceAll(typeLenSQL, "oid", "typid"), "attbyval": "typid IN (16, 21, 23, 20, 700, 701, 1082, 1083, 1114, 1184)",
		"attalign": "'i'", "attstorage": "'p'", "attcompression": "''", "attidentity": "''", "attgenerated": "''",
		"attislocal": "true", "attcollation": "CASE WHEN typid IN (25, 1042, 1043) THEN 100 ELSE 0 END"}
	sel := make([]string, len(attributeCols))
	for i, c := range attributeCols {
		v, ok := vals[c.name]
		switch {
		case ok:
		case c.typ == "BOOLEAN":
			v = "false"
		case strings.HasPrefix(c.typ, "VARCHAR"):
			v = "NULL"
		default:
			v = "0"
		}
		sel[i] = "CAST(" + v + " AS " + c.typ + ") AS " + quoteIdent(c.name)
	}
	return strings.Join(sel, ", ")
}

// pgAttribute lists the columns of local tables and views and of
// external tables (data columns, then partition keys).
func (e *engine) pgAttribute(ctx context.Context, c *conn) (string, error) {
	var rows [][]any
	err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
		for _, r := range externalColumnRows(es, t) {
			oid, typmod := glueTypeOID(r[4])
			rows = append(rows, []any{es.name, t.Name, r[3], r[5], oid, typmod})
		}
	})
	if err != nil {
		return "", err
	}
	local := `SELECT table_oid AS rel, column_name AS name, ` + strings.ReplaceAll(duckTypeOID, "dt", "data_type") + ` AS typid,
		CASE WHEN data_type LIKE 'DECIMAL%' THEN ((numeric_precision << 16) | numeric_scale) + 4 ELSE -1 END AS typmod,
		column_index AS num, NOT is_nullable AS not_null, column_default IS NOT NULL AS has_def
		FROM duckdb_columns() WHERE database_name = current_database() AND NOT internal AND schema_name NOT IN ` + hiddenSchemas
	extCols := []column{{"sch", "VARCHAR"}, {"tab", "VARCHAR"}, {"name", "VARCHAR"}, {"num", "INTEGER"}, {"typid", "BIGINT"}, {"typmod", "INTEGER"}}
	external := `SELECT shoal_ext_oid(sch, tab) AS rel, name, typid, typmod, num, false AS not_null, false AS has_def FROM (` + valuesSQL(extCols, rows) + `)`
	return `SELECT ` + attributeRow() + ` FROM (` + local + ` UNION ALL ` + external + `)`, nil
}

// glueTypeOID is the Postgres type OID and typmod of a Glue column type.
func glueTypeOID(v any) (int, int) {
	s, _ := v.(string)
	s = strings.ToLower(strings.TrimSpace(s))
	base, args, _ := strings.Cut(s, "(")
	nums := strings.Split(strings.TrimSuffix(args, ")"), ",")
	first, _ := strconv.Atoi(strings.TrimSpace(nums[0]))
	switch base {
	case "string":
		return 1043, -1
	case "varchar", "char":
		oid := 1043
		if base == "char" {
			oid = 1042
		}
		if first > 0 {
			return oid, first + 4
		}
		return oid, -1
	case "int", "integer":
		return 23, -1
	case "bigint":
		return 20, -1
	case "smallint", "tinyint":
		return 21, -1
	case "double":
		return 701, -1
	case "float", "real":
		return 700, -1
	case "boolean":
		return 16, -1
	case "date":
		return 1082, -1
	case "timestamp":
		return 1114, -1
	case "binary":
		return 17, -1
	case "decimal":
		if len(nums) == 2 {
			scale, _ := strconv.Atoi(strings.TrimSpace(nums[1]))
			return 1700, (first<<16 | scale) + 4
		}
		return 1700, -1
	}
	return 25, -1 // arrays, maps and structs travel as text
}

// pgTypes are the types the warehouse's columns and results use, with
// the array type of each; typinput is what drivers test for array_in.
var pgTypes = []struct {
	oid, array int
	name, cat  string
}{
	{16, 1000, "bool", "B"}, {17, 1001, "bytea", "U"}, {18, 1002, "char", "S"}, {19, 1003, "name", "S"},
	{20, 1016, "int8", "N"}, {21, 1005, "int2", "N"}, {23, 1007, "int4", "N"}, {25, 1009, "text", "S"},
	{26, 1028, "oid", "N"}, {114, 199, "json", "U"}, {700, 1021, "float4", "N"}, {701, 1022, "float8", "N"},
	{1042, 1014, "bpchar", "S"}, {1043, 1015, "varchar", "S"}, {1082, 1182, "date", "D"}, {1083, 1183, "time", "D"},
	{1114, 1115, "timestamp", "D"}, {1184, 1185, "timestamptz", "D"}, {1186, 1187, "interval", "T"},
	{1266, 1270, "timetz", "D"}, {1700, 1231, "numeric", "N"}, {2950, 2951, "uuid", "U"},
}

var typeCols = []column{{"oid", "BIGINT"}, {"typname", "VARCHAR"}, {"typnamespace", "BIGINT"}, {"typowner", "BIGINT"},
	{"typlen", "SMALLINT"}, {"typbyval", "BOOLEAN"}, {"typtype", "VARCHAR"}, {"typcategory", "VARCHAR"},
	{"typispreferred", "BOOLEAN"}, {"typisdefined", "BOOLEAN"}, {"typdelim", "VARCHAR"}, {"typrelid", "BIGINT"},
	{"typelem", "BIGINT"}, {"typarray", "BIGINT"}, {"typinput", "VARCHAR"}, {"typoutput", "VARCHAR"},
	{"typreceive", "VARCHAR"}, {"typsend", "VARCHAR"}, {"typmodin", "VARCHAR"}, {"typmodout", "VARCHAR"},
	{"typanalyze", "VARCHAR"}, {"typalign", "VARCHAR"}, {"typstorage", "VARCHAR"}, {"typnotnull", "BOOLEAN"},
	{"typbasetype", "BIGINT"}, {"typtypmod", "INTEGER"}, {"typndims", "INTEGER"}, {"typcollation", "BIGINT"},
	{"typdefaultbin", "VARCHAR"}, {"typdefault", "VARCHAR"}, {"typacl", "VARCHAR"}}

// pgType lists the base types and their array types.
func pgType(_ context.Context, _ *conn) (string, error) {
	var rows [][]any
	for _, t := range pgTypes {
		rows = append(rows,
			[]any{t.oid, t.name, pgCatalogOID, 10, 0, false, "b", t.cat, false, true, ",", 0, 0, t.array,
				t.name + "in", t.name + "out", t.name + "recv", t.name + "send", "-", "-", "-", "i", "p", false, 0, -1, 0, 0, nil, nil, nil},
			[]any{t.array, "_" + t.name, pgCatalogOID, 10, -1, false, "b", "A", false, true, ",", 0, t.oid, 0,
				"array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", false, 0, -1, 0, 0, nil, nil, nil})
	}
	return `SELECT * REPLACE (CAST(` + typeLenSQL + ` AS SMALLINT) AS typlen, oid IN (16, 18, 20, 21, 23, 26, 700, 701, 1082, 1083, 1114, 1184) AS typbyval)
		FROM (` + valuesSQL(typeCols, rows) + `)`, nil
}
