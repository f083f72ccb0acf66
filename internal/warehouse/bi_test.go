package warehouse_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// biQuery is a statement a BI tool sends while connecting or browsing,
// copied from the tool's source (noted per entry), and rows its answer
// must contain, rendered "a|b" ("" args are bound as given).
type biQuery struct {
	name string
	sql  string
	args []any
	want []string
	// rows is the exact row count, or -1.
	rows int
}

// typeJoin is pgjdbc's search-path ranking join (TypeInfoCache).
const typeJoin = ` LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from pg_namespace as ns
	join ( select s.r, (current_schemas(false))[s.r] as nspname from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r
	using ( nspname ) ) as sp ON sp.nspoid = typnamespace `

// grafanaSchemaConstraint is Grafana's buildSchemaConstraint().
const grafanaSchemaConstraint = `quote_ident(table_schema) IN (
	SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
	FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1),
		array_upper(string_to_array(current_setting('search_path'),','),1)) as i,
	string_to_array(current_setting('search_path'),',') s)`

var pgjdbcQueries = []biQuery{
	// pgjdbc 42.x PgConnection / QueryExecutorImpl: connection start-up.
	{"set extra_float_digits", "SET extra_float_digits = 3", nil, nil, -1},
	{"set application_name", "SET application_name = 'PostgreSQL JDBC Driver'", nil, nil, -1},
	{"isolation level", "SHOW TRANSACTION ISOLATION LEVEL", nil, []string{"serializable"}, 1},
	{"current schema", "select current_schema()", nil, []string{"public"}, 1},
	// pgjdbc PgDatabaseMetaData.getSchemas.
	{"getSchemas", `SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM`,
		nil, []string{"information_schema|<nil>", "orderlogs_schema|<nil>", "pg_catalog|<nil>", "public|<nil>"}, 4},
	// PgDatabaseMetaData.getTables(null, null, null, {TABLE, VIEW, FOREIGN TABLE}).
	{"getTables", `SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0)  LEFT JOIN pg_catalog.pg_class dc ON (d.classoid=dc.oid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dn.oid=dc.relnamespace AND dn.nspname='pg_catalog')  WHERE c.relnamespace = n.oid  AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' )  OR ( c.relkind = 'v' AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' )  OR ( c.relkind = 'f' ) )  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME `,
		nil, []string{"<nil>|orderlogs_schema|lines|FOREIGN TABLE|<nil>|||||", "<nil>|public|orders|TABLE|the orders|||||", "<nil>|public|recent|VIEW|<nil>|||||"}, 3},
	// PgDatabaseMetaData.getColumns(null, null, "%", null).
	{"getColumns", `SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND c.relname LIKE '%') c WHERE true  ORDER BY nspname,c.relname,attnum `,
		nil, []string{
			"public|orders|id|23|true|-1|4|-1|1|<nil>|<nil>|<nil>|0|b",
			"public|orders|total|1700|false|655366|-1|-1|3|<nil>|<nil>|total in EUR|0|b",
			"public|orders|status|1043|false|-1|-1|-1|5|<nil>|'new'|<nil>|0|b",
			"orderlogs_schema|lines|quantity|23|false|-1|4|-1|3|<nil>|<nil>|<nil>|0|b",
			"orderlogs_schema|lines|partition_1|1043|false|-1|-1|-1|6|<nil>|<nil>|<nil>|0|b",
		}, 13},
	// PgDatabaseMetaData.getPrimaryKeys(null, "public", "orders"): keys are not kept.
	{"getPrimaryKeys", `SELECT        result.TABLE_CAT,        result.TABLE_SCHEM,        result.TABLE_NAME,        result.COLUMN_NAME,        result.KEY_SEQ,        result.PK_NAME FROM      (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND n.nspname = 'public'  AND ct.relname = 'orders'  AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq`,
		nil, nil, 0},
	// PgDatabaseMetaData.getTypeInfo and getMaxNameLength, getMaxIndexKeys.
	{"getTypeInfo", `SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)  WHERE n.nspname  != 'pg_toast' AND  (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))`,
		nil, []string{"int4|23", "varchar|1043", "_int4|1007"}, -1},
	{"getMaxNameLength", `SELECT t.typlen FROM pg_catalog.pg_type t, pg_catalog.pg_namespace n WHERE t.typnamespace=n.oid AND t.typname='name' AND n.nspname='pg_catalog'`, nil, []string{"64"}, 1},
	{"getMaxIndexKeys", `SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'`, nil, []string{"32"}, 1},
	// pgjdbc TypeInfoCache: getSQLType(oid), getPGType(name), getPGType(oid), array types.
	{"typeinfo by oid", `SELECT typinput='array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type ` + typeJoin + ` WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC;`,
		[]any{1007}, []string{"true|b|_int4|1007"}, 1},
	{"typeinfo by name", `SELECT pg_type.oid, typname   FROM pg_catalog.pg_type ` + typeJoin + ` WHERE typname = $1  ORDER BY sp.r, pg_type.oid DESC LIMIT 1;`,
		[]any{"varchar"}, []string{"1043|varchar"}, 1},
	{"typeinfo name of oid", `SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1`,
		[]any{1043}, []string{"true|pg_catalog|varchar"}, 1},
	{"typeinfo array", `SELECT t.typarray, arr.typname   FROM pg_catalog.pg_type t  JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid  JOIN pg_catalog.pg_type arr ON arr.oid = t.typarray WHERE t.typname = $1 AND (n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true))) ORDER BY t.oid DESC LIMIT 1`,
		[]any{"int4", nil, true}, []string{"1007|_int4"}, 1},
}

var grafanaQueries = []biQuery{
	// Grafana postgresMetaQuery.ts: getVersion, getTimescaleDBVersion, showTables, getSchema.
	{"version", `SELECT current_setting('server_version_num')::int/100 as version`, nil, []string{"1500"}, 1},
	{"timescaledb", `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`, nil, nil, 0},
	{"showTables", `SELECT CASE WHEN ` + grafanaSchemaConstraint + ` THEN quote_ident(table_name) ELSE quote_ident(table_schema) || '.' || quote_ident(table_name) END AS "table"
		FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental')
		ORDER BY CASE WHEN ` + grafanaSchemaConstraint + ` THEN 0 ELSE 1 END, 1`,
		nil, []string{"orders", "recent", "orderlogs_schema.lines"}, 3},
	{"getSchema", `SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns
		WHERE CASE WHEN array_length(parse_ident('orders'),1) = 2 THEN quote_ident(table_schema) = (parse_ident('orders'))[1] AND quote_ident(table_name) = (parse_ident('orders'))[2]
		ELSE quote_ident(table_name) = 'orders' AND ` + grafanaSchemaConstraint + ` END`,
		nil, []string{"id|integer", "customer|character varying", "total|numeric", "placed|timestamp without time zone"}, 5},
	// Grafana schema.go: querySchemas, queryTables, queryColumns.
	{"querySchemas", `SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT LIKE 'pg_%' AND schema_name != 'information_schema' ORDER BY schema_name`,
		nil, []string{"orderlogs_schema", "public"}, 2},
	{"queryTables", `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY table_name`,
		[]any{"public"}, []string{"orders", "recent"}, 2},
	{"queryColumns", `SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
		[]any{"public", "orders"}, []string{"total|numeric|numeric|10|2", "customer|character varying|varchar|<nil>|<nil>"}, 5},
	// Grafana macros.go: $__time, $__timeEpoch, $__timeFilter, $__timeGroupAlias(placed,1m), $__unixEpochGroup.
	{"macros", `SELECT CAST("time" AS BIGINT), n FROM (SELECT floor(extract(epoch from placed)/60)*60 AS "time", count(*) AS n FROM orders
		WHERE placed BETWEEN '2026-11-01T00:00:00Z' AND '2026-11-30T23:59:59.999Z' GROUP BY 1 ORDER BY 1) g`,
		nil, []string{"1793559600|1", "1793559900|1"}, 2},
	{"timeEpoch", `SELECT extract(epoch from placed) as "time", to_timestamp(1762023600) AS t, date_trunc('hour', placed) AS h FROM orders WHERE id = 1`,
		nil, nil, 1},
	{"unixEpochGroup", `SELECT floor((1762023650)/60)*60 AS "time"`, nil, []string{"1.7620236e+09"}, 1},
}

var metabaseQueries = []biQuery{
	// Metabase src/metabase/driver/postgres.clj: get-tables-sql (honeysql, :ansi quoting).
	{"get-tables", `SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public', 'orderlogs_schema')) ORDER BY "type" ASC, "schema" ASC, "name" ASC`,
		nil, []string{"orderlogs_schema|lines|FOREIGN TABLE|<nil>|<nil>", "public|orders|TABLE|the orders|2", "public|recent|VIEW|<nil>|<nil>"}, 3},
	// postgres.clj describe-fields-sql (first branch; the second reads materialized views).
	{"describe-fields", `SELECT "c"."column_name" AS "name", CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", "c"."ordinal_position" - 1 AS "database-position", "c"."table_schema" AS "table-schema", "c"."table_name" AS "table-name", "pk"."column_name" IS NOT NULL AS "pk?", COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID), "c"."ordinal_position") AS "field-comment", (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO') AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required", (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment" FROM "information_schema"."columns" AS "c" LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name" FROM "information_schema"."table_constraints" AS "tc" INNER JOIN "information_schema"."key_column_usage" AS "kc" ON ("tc"."constraint_name" = "kc"."constraint_name") AND ("tc"."table_schema" = "kc"."table_schema") AND ("tc"."table_name" = "kc"."table_name") WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk" ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name") WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN ('public')) AND ("c"."table_name" IN ('orders')) ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC`,
		nil, []string{"id|int4|0|public|orders|false|<nil>|true|false", "total|numeric|2|public|orders|false|total in EUR|false|false"}, 5},
	// postgres.clj current-user-table-privileges.
	{"table-privileges", `with table_privileges as ( select   NULL as role,   t.schemaname as schema,   t.objectname as table,   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,   pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete from (   select schemaname, tablename as objectname from pg_catalog.pg_tables   union   select schemaname, viewname as objectname from pg_catalog.pg_views   union   select schemaname, matviewname as objectname from pg_catalog.pg_matviews ) t where t.schemaname !~ '^pg_'   and t.schemaname <> 'information_schema'   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage'))select t.*from table_privileges t`,
		nil, []string{"<nil>|public|orders|true|true|true|true", "<nil>|public|recent|true|true|true|true"}, 2},
	// postgres.clj db-default-timezone and enum-types.
	{"timezone", `show timezone;`, nil, []string{"UTC"}, 1},
	{"enum-types", `SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)`, nil, nil, 0},
}

var dbeaverQueries = []biQuery{
	// DBeaver PostgreSchema.java TableCache.prepareChildrenStatement (all columns of a schema).
	{"schema columns", `SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,dsc.description
FROM pg_catalog.pg_attribute a
INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)
LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)
LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
WHERE NOT a.attisdropped AND c.relnamespace=(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'orderlogs_schema') AND c.relkind not in ('i','c')  ORDER BY a.attnum`,
		nil, nil, 6},
	// PostgreSchema.java ConstraintCache and IndexCache (both empty: keys are not kept).
	{"constraints", `SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace
FROM pg_catalog.pg_constraint c
INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid
LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid
WHERE t.relnamespace=$1
ORDER BY c.oid`, []any{11}, nil, 0},
	{"indexes", `SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,tc.relname as tabrelname,dsc.description,pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr
FROM pg_catalog.pg_index i
INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid
INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid
LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid
WHERE  c.relnamespace=$1 ORDER BY c.relname`, []any{11}, nil, 0},
	// DBeaver PostgreServerRedshift.java and RedshiftExternalSchema.java.
	{"external schemas", `SELECT * FROM pg_catalog.svv_external_schemas WHERE databasename=$1`, []any{"orderlogs"}, nil, 1},
	{"external tables", `SELECT * FROM pg_catalog.svv_external_tables WHERE schemaname=$1`, []any{"orderlogs_schema"}, nil, 1},
}

var redshiftQueries = []biQuery{
	// Redshift JDBC RedshiftDatabaseMetaData.java: getSchemas, the svv_tables and external table listings.
	{"getSchemas", `SELECT nspname AS TABLE_SCHEM, current_database() AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM`,
		nil, []string{"public|dev", "orderlogs_schema|dev"}, 4},
	{"svv_tables", `SELECT * FROM (SELECT CAST(current_database() AS VARCHAR(124)) AS TABLE_CAT, table_schema AS TABLE_SCHEM, table_name AS TABLE_NAME, CAST( CASE table_type WHEN 'BASE TABLE' THEN CASE WHEN table_schema = 'pg_catalog' OR table_schema = 'information_schema' THEN 'SYSTEM TABLE' WHEN table_schema = 'pg_toast' THEN 'SYSTEM TOAST TABLE' WHEN table_schema ~ '^pg_' AND table_schema != 'pg_toast' THEN 'TEMPORARY TABLE' ELSE 'TABLE' END WHEN 'VIEW' THEN CASE WHEN table_schema = 'pg_catalog' OR table_schema = 'information_schema' THEN 'SYSTEM VIEW' WHEN table_schema = 'pg_toast' THEN NULL WHEN table_schema ~ '^pg_' AND table_schema != 'pg_toast' THEN 'TEMPORARY VIEW' ELSE 'VIEW' END WHEN 'EXTERNAL TABLE' THEN 'EXTERNAL TABLE' END AS VARCHAR(124)) AS TABLE_TYPE, REMARKS, '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME,  '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM svv_tables) WHERE true  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME `,
		nil, []string{"dev|orderlogs_schema|lines|EXTERNAL TABLE|<nil>|||||", "dev|public|orders|TABLE|<nil>|||||", "dev|public|recent|VIEW|<nil>|||||"}, 3},
	{"external tables", `SELECT * FROM (SELECT CAST(current_database() AS VARCHAR(124)) AS TABLE_CAT, schemaname AS table_schem, tablename AS TABLE_NAME, 'EXTERNAL TABLE' AS TABLE_TYPE, NULL AS REMARKS, '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME,  '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM svv_external_tables) WHERE true  AND TABLE_SCHEM LIKE 'orderlogs_schema'  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME `,
		nil, []string{"dev|orderlogs_schema|lines|EXTERNAL TABLE|<nil>|||||"}, 1},
	// Redshift documentation: PG_TABLE_DEF, SVV_COLUMNS, version().
	{"pg_table_def", `SELECT "column", type, encoding, distkey, sortkey, "notnull" FROM pg_table_def WHERE tablename = 'orders'`,
		nil, []string{"id|integer|none|false|0|true", "customer|character varying|none|false|0|false", "total|numeric(10,2)|none|false|0|false"}, 5},
	{"svv_columns", `SELECT table_schema, table_name, column_name, data_type FROM svv_columns WHERE table_name IN ('orders', 'lines') ORDER BY 1, 2, ordinal_position`,
		nil, []string{"orderlogs_schema|lines|quantity|integer", "public|orders|total|numeric"}, 11},
	{"version", `SELECT version()`, nil, []string{versionWant}, 1},
}

const versionWant = "PostgreSQL 8.0.2 on x86_64-pc-linux-gnu, compiled by gcc, Redshift 1.0.0 (Shoal)"

// functionQueries are the catalog functions the tools call, one by one.
func functionQueries(user string) []biQuery {
	return []biQuery{
		{"quote_ident", `SELECT quote_ident('orders'), quote_ident('Order Lines'), quote_ident('user'), quote_literal('it''s')`, nil, []string{`orders|"Order Lines"|"user"|'it''s'`}, 1},
		{"users", `SELECT current_user, session_user, user, pg_get_userbyid(100)`, nil, []string{strings.Repeat(user+"|", 3) + user}, 1},
		{"privileges", `SELECT has_table_privilege('public.orders', 'SELECT'), has_schema_privilege('public', 'USAGE'), has_database_privilege('dev', 'CONNECT')`, nil, []string{"true|true|true"}, 1},
		{"settings", `SELECT current_setting('server_version'), current_setting('standard_conforming_strings'), current_setting('no_such', true), pg_encoding_to_char(6)`, nil, []string{"15.0 (Shoal)|on|<nil>|UTF8"}, 1},
		{"descriptions", `SELECT obj_description(c.oid, 'pg_class'), col_description(c.oid, 3), shobj_description(1, 'pg_database'), format_type(1043, 44), format_type(1700, 655366) FROM pg_class c WHERE relname = 'orders'`,
			nil, []string{"the orders|total in EUR|<nil>|character varying(40)|numeric(10,2)"}, 1},
		{"show all", `SHOW ALL`, nil, []string{"server_version_num|150000|"}, -1},
		{"set datestyle", `SET DateStyle = 'ISO'`, nil, nil, -1},
		{"set client_encoding", `SET client_encoding = 'UTF8'`, nil, nil, -1},
	}
}

func TestBITools(t *testing.T) {
	e := start(t)
	orderTable(t, clients(e))
	conn := e.connect(t)
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA orderlogs_schema FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'",
		"CREATE TABLE orders (id INTEGER NOT NULL, customer VARCHAR(40), total DECIMAL(10,2), placed TIMESTAMP, status VARCHAR DEFAULT 'new')",
		"INSERT INTO orders VALUES (1, 'Ann', 12.50, '2026-11-01 19:00:10', 'new'), (2, 'Bo', 3.00, '2026-11-01 19:05:00', 'paid')",
		"COMMENT ON TABLE orders IS 'the orders'", "COMMENT ON COLUMN orders.total IS 'total in EUR'",
		"CREATE VIEW recent AS SELECT id, placed FROM orders")
	t.Run("session", func(t *testing.T) { checkBISession(t, conn) })
	groups := map[string][]biQuery{"pgjdbc": pgjdbcQueries, "grafana": grafanaQueries, "metabase": metabaseQueries,
		"dbeaver": dbeaverQueries, "redshift-jdbc": redshiftQueries, "functions": functionQueries(e.id)}
	for tool, queries := range groups {
		for _, q := range queries {
			t.Run(tool+"/"+q.name, func(t *testing.T) {
				got := biRows(t, conn, q.sql, q.args...)
				for _, w := range q.want {
					if !containsLine(got, w) {
						t.Errorf("missing row %q in:\n%s", w, strings.Join(got, "\n"))
					}
				}
				if q.rows >= 0 && len(got) != q.rows {
					t.Errorf("%d rows, want %d:\n%s", len(got), q.rows, strings.Join(got, "\n"))
				}
			})
		}
	}
}

// biRows runs a statement (extended protocol, as the JDBC drivers and
// pgx do) and renders its rows.
func biRows(t *testing.T, conn *pgx.Conn, sql string, args ...any) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		vals, err := r.Values()
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		return strings.Join(parts, "|"), err
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	return lines
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// checkBISession checks the session statements JDBC drivers send for
// Connection.setTransactionIsolation, setReadOnly and start-up settings.
func checkBISession(t *testing.T, conn *pgx.Conn) {
	ctx := context.Background()
	tests := []struct{ sql, wantCode string }{
		// pgjdbc PgConnection.setTransactionIsolation (Metabase asks for READ UNCOMMITTED).
		{"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED", ""},
		{"SET extra_float_digits = 0", "0A000"},
		{"SET DateStyle = 'German'", "0A000"},
		// pgjdbc with readOnly=true and autocommit off begins read-only transactions.
		{"BEGIN READ ONLY", ""},
		{"INSERT INTO orders (id) VALUES (9)", "25006"},
		{"ROLLBACK", ""},
		{"START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE", ""},
		{"SET TRANSACTION READ ONLY", ""},
		{"DELETE FROM orders WHERE id = 9", "25006"},
		{"ROLLBACK", ""},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", ""},
		{"UPDATE orders SET total = 0 WHERE id = 9", "25006"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", ""},
		{"UPDATE orders SET total = 0 WHERE id = 9", ""},
		{"BEGIN ISOLATION LEVEL CHAOS", "42601"},
	}
	for _, tt := range tests {
		_, err := conn.Exec(ctx, tt.sql, pgx.QueryExecModeSimpleProtocol)
		if got := sqlState(err); got != tt.wantCode {
			t.Errorf("%s: SQLSTATE %q (%v), want %q", tt.sql, got, err, tt.wantCode)
		}
	}
}
