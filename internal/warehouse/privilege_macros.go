package warehouse

// privilegeMacros are has_table_privilege, has_schema_privilege,
// has_database_privilege and the column forms, answered from
// pg_internal's owners and grants as the checks before each statement
// are. user is the session's user, the one the two-argument forms ask
// about; a superuser holds everything. A list of privileges ("select,
// insert") is true when any is held, as in Postgres.
func privilegeMacros(user string, superuser bool) []string {
	su := "false"
	if superuser {
		su = "u_ = " + quoteString(user)
	}
	me := quoteString(user)
	return []string{
		// The 'schema.name' key of a relation given by OID or by name.
		`CREATE OR REPLACE TEMP MACRO pg_rel_key(t_) AS (SELECT first(s || '.' || n) FROM (
			SELECT schema_name AS s, table_name AS n, table_oid AS o FROM duckdb_tables() WHERE database_name = current_database()
			UNION ALL SELECT schema_name, view_name, view_oid FROM duckdb_views() WHERE database_name = current_database() AND NOT internal)
			WHERE CASE WHEN TRY_CAST(t_ AS BIGINT) IS NOT NULL THEN o = TRY_CAST(t_ AS BIGINT)
				ELSE s || '.' || n IN (replace(lower(CAST(t_ AS VARCHAR)), '"', ''), 'public.' || replace(lower(CAST(t_ AS VARCHAR)), '"', '')) END)`,
		`CREATE OR REPLACE TEMP MACRO pg_priv_held(u_, k_, key_, p_) AS ` + su + `
			OR EXISTS (SELECT 1 FROM ` + internalSchema + `.owners WHERE kind = k_ AND schemaname || '.' || name = key_ AND owner = u_)
			OR EXISTS (SELECT 1 FROM ` + internalSchema + `.grants WHERE kind = k_ AND schemaname || '.' || name = key_
				AND grantee IN (u_, 'PUBLIC') AND privilege = p_)`,
		`CREATE OR REPLACE TEMP MACRO pg_priv_any(u_, k_, key_, p_) AS (SELECT coalesce(bool_or(
			CASE WHEN k_ = 'database' AND x IN ('CONNECT', 'TEMP', 'TEMPORARY') THEN true ELSE pg_priv_held(u_, k_, key_, x) END), false)
			FROM (SELECT trim(replace(unnest(string_split(upper(p_), ',')), 'WITH GRANT OPTION', '')) AS x))`,
		`CREATE OR REPLACE TEMP MACRO has_table_privilege(t, p) AS pg_priv_any(` + me + `, 'relation', pg_rel_key(t), p),
			(u, t, p) AS pg_priv_any(u, 'relation', pg_rel_key(t), p)`,
		`CREATE OR REPLACE TEMP MACRO has_any_column_privilege(t, p) AS pg_priv_any(` + me + `, 'relation', pg_rel_key(t), p),
			(u, t, p) AS pg_priv_any(u, 'relation', pg_rel_key(t), p)`,
		`CREATE OR REPLACE TEMP MACRO has_column_privilege(t, c, p) AS pg_priv_any(` + me + `, 'relation', pg_rel_key(t), p),
			(u, t, c, p) AS pg_priv_any(u, 'relation', pg_rel_key(t), p)`,
		`CREATE OR REPLACE TEMP MACRO has_schema_privilege(s, p) AS pg_priv_any(` + me + `, 'schema', lower(CAST(s AS VARCHAR)) || '.', p),
			(u, s, p) AS pg_priv_any(u, 'schema', lower(CAST(s AS VARCHAR)) || '.', p)`,
		`CREATE OR REPLACE TEMP MACRO has_database_privilege(d, p) AS pg_priv_any(` + me + `, 'database', '.' || CAST(d AS VARCHAR), p),
			(u, d, p) AS pg_priv_any(u, 'database', '.' || CAST(d AS VARCHAR), p)`,
	}
}
