package warehouse

import (
	"context"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// DuckDB's information_schema and pg_catalog cover local objects; these
// views hide DuckDB's own schemas (main, the per-connection temp catalog,
// pg_internal) and add the external schemas' tables and columns, so BI
// tools browsing the catalog see what Redshift would show.

// hiddenSchemas are DuckDB's or the warehouse's own.
const hiddenSchemas = `('main', 'pg_internal')`

func infoSchemata(_ context.Context, _ *conn) (string, error) {
	return `SELECT * REPLACE (current_database() AS catalog_name) FROM information_schema.schemata
		WHERE (catalog_name = current_database() AND schema_name NOT IN ` + hiddenSchemas + `)
		   OR (catalog_name = 'system' AND schema_name IN ('pg_catalog', 'information_schema'))`, nil
}

func (e *engine) infoTables(ctx context.Context, c *conn) (string, error) {
	var rows [][]any
	err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
		rows = append(rows, []any{database, es.name, t.Name, "EXTERNAL TABLE"})
	})
	if err != nil {
		return "", err
	}
	cols := []column{{"table_catalog", "VARCHAR"}, {"table_schema", "VARCHAR"}, {"table_name", "VARCHAR"}, {"table_type", "VARCHAR"}}
	return `SELECT * FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema NOT IN ` + hiddenSchemas + `
		UNION ALL BY NAME ` + valuesSQL(cols, rows), nil
}

func (e *engine) infoColumns(ctx context.Context, c *conn) (string, error) {
	var rows [][]any
	err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
		for _, r := range externalColumnRows(es, t) {
			oid, _ := glueTypeOID(r[4])
			rows = append(rows, []any{database, es.name, t.Name, r[3], r[5], "YES", redshiftType(r[4]), database, "pg_catalog", typeName(oid)})
		}
	})
	if err != nil {
		return "", err
	}
	cols := []column{{"table_catalog", "VARCHAR"}, {"table_schema", "VARCHAR"}, {"table_name", "VARCHAR"},
		{"column_name", "VARCHAR"}, {"ordinal_position", "INTEGER"}, {"is_nullable", "VARCHAR"}, {"data_type", "VARCHAR"},
		{"udt_catalog", "VARCHAR"}, {"udt_schema", "VARCHAR"}, {"udt_name", "VARCHAR"}}
	// Local columns are named as Postgres names them (DuckDB says
	// "INTEGER", "DECIMAL(10,2)"; Postgres "integer", "numeric").
	oid := strings.ReplaceAll(duckTypeOID, "dt", "data_type")
	return `SELECT * REPLACE (coalesce(is_identity, 'NO') AS is_identity) FROM (
		SELECT * REPLACE (` + infoTypeNameSQL(oid) + ` AS data_type, current_database() AS udt_catalog,
		'pg_catalog' AS udt_schema, ` + typeNameSQL(oid) + ` AS udt_name)
		FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema NOT IN ` + hiddenSchemas + `
		UNION ALL BY NAME ` + valuesSQL(cols, rows) + `)`, nil
}

// glueTypes name Glue column types as information_schema does.
var glueTypes = map[string]string{
	"string": "character varying", "varchar": "character varying", "char": "character",
	"int": "integer", "integer": "integer", "bigint": "bigint", "smallint": "smallint", "tinyint": "smallint",
	"double": "double precision", "float": "real", "boolean": "boolean", "date": "date",
	"timestamp": "timestamp without time zone", "decimal": "numeric", "binary": "varbyte",
}

func redshiftType(v any) string {
	s, _ := v.(string)
	base, _, _ := strings.Cut(strings.ToLower(s), "(")
	if t, ok := glueTypes[base]; ok {
		return t
	}
	return s
}

// pgDatabase is the one database, with the columns psql's \l reads.
func pgDatabase(_ context.Context, _ *conn) (string, error) {
	return `SELECT oid, datname, CAST(100 AS BIGINT) AS datdba, 6 AS encoding, 'c' AS datlocprovider,
		datistemplate, datallowconn, -1 AS datconnlimit, 'C' AS datcollate, 'C' AS datctype,
		CAST(NULL AS VARCHAR) AS daticulocale, CAST(NULL AS VARCHAR) AS daticurules,
		CAST(NULL AS VARCHAR[]) AS datacl, CAST(0 AS BIGINT) AS dattablespace
		FROM pg_catalog.pg_database WHERE datname = current_database()`, nil
}

// emptyCatalogs are Postgres catalogs for features the warehouse does not
// have (row security, extended statistics, publications, inheritance);
// psql's \d reads them, so they exist with no rows.
var emptyCatalogs = map[string][]column{
	"pg_policy": {{"oid", "BIGINT"}, {"polname", "VARCHAR"}, {"polrelid", "BIGINT"}, {"polcmd", "VARCHAR"},
		{"polpermissive", "BOOLEAN"}, {"polroles", "BIGINT[]"}, {"polqual", "VARCHAR"}, {"polwithcheck", "VARCHAR"}},
	"pg_statistic_ext": {{"oid", "BIGINT"}, {"stxrelid", "BIGINT"}, {"stxname", "VARCHAR"}, {"stxnamespace", "BIGINT"},
		{"stxowner", "BIGINT"}, {"stxstattarget", "INTEGER"}, {"stxkeys", "INTEGER[]"}, {"stxkind", "VARCHAR[]"}, {"stxexprs", "VARCHAR"}},
	"pg_publication": {{"oid", "BIGINT"}, {"pubname", "VARCHAR"}, {"pubowner", "BIGINT"}, {"puballtables", "BOOLEAN"},
		{"pubinsert", "BOOLEAN"}, {"pubupdate", "BOOLEAN"}, {"pubdelete", "BOOLEAN"}, {"pubtruncate", "BOOLEAN"}, {"pubviaroot", "BOOLEAN"}},
	"pg_publication_rel":       {{"oid", "BIGINT"}, {"prpubid", "BIGINT"}, {"prrelid", "BIGINT"}, {"prqual", "VARCHAR"}, {"prattrs", "INTEGER[]"}},
	"pg_publication_namespace": {{"oid", "BIGINT"}, {"pnpubid", "BIGINT"}, {"pnnspid", "BIGINT"}},
	"pg_inherits":              {{"inhrelid", "BIGINT"}, {"inhparent", "BIGINT"}, {"inhseqno", "INTEGER"}, {"inhdetachpending", "BOOLEAN"}},
}
