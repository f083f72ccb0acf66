package warehouse

import (
	"context"
	"database/sql"
	"fmt"
)

// Redshift's privilege model for users who are not superusers (IAM
// users): every object has an owner (its creator; objects created by a
// superuser, or before ownership was kept, belong to the superuser);
// anyone else needs privileges GRANTed to them or to PUBLIC. Owners and
// grants live in pg_internal, so they persist with the database file and
// commit or roll back with the statement that changed them.

// Object kinds in pg_internal.owners and pg_internal.grants. A relation
// is keyed by (schema, name), a schema by (schema, ""), the database by
// ("", "dev").
const (
	kindRelation = "relation"
	kindSchema   = "schema"
	kindDatabase = "database"
)

// publicGrantee is the PUBLIC pseudo-user in pg_internal.grants.
const publicGrantee = "PUBLIC"

// privilegeTables are created once; on first creation schema public gets
// Redshift's defaults (USAGE and CREATE for PUBLIC), which a REVOKE may
// later take away for good.
var privilegeTables = []string{
	`CREATE TABLE ` + internalSchema + `.owners (kind VARCHAR NOT NULL, schemaname VARCHAR NOT NULL,
		name VARCHAR NOT NULL, owner VARCHAR NOT NULL, PRIMARY KEY (kind, schemaname, name))`,
	`CREATE TABLE ` + internalSchema + `.grants (kind VARCHAR NOT NULL, schemaname VARCHAR NOT NULL,
		name VARCHAR NOT NULL, grantee VARCHAR NOT NULL, privilege VARCHAR NOT NULL,
		PRIMARY KEY (kind, schemaname, name, grantee, privilege))`,
	`INSERT INTO ` + internalSchema + `.grants VALUES ('schema', 'public', '', 'PUBLIC', 'USAGE'), ('schema', 'public', '', 'PUBLIC', 'CREATE')`,
}

// setupPrivileges creates the privilege tables unless they exist.
func setupPrivileges(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
		AND schema_name = '`+internalSchema+`' AND table_name = 'grants'`).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range privilegeTables {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// objKey names one object of a kind.
type objKey struct{ kind, schema, name string }

func relationKey(schema, name string) objKey { return objKey{kindRelation, schema, name} }
func schemaKey(schema string) objKey         { return objKey{kindSchema, schema, ""} }
func databaseKey() objKey                    { return objKey{kindDatabase, "", database} }

// acl is what one non-superuser may do, read at the start of a statement
// on its own connection (so a transaction sees its own GRANTs).
type acl struct {
	user   string
	owners map[objKey]string
	// held are the privileges granted to the user or to PUBLIC.
	held map[objKey]map[string]bool
}

// loadACL reads what user may do, on c's connection.
func loadACL(ctx context.Context, c *conn, user string) (*acl, error) {
	a := &acl{user: user, owners: map[objKey]string{}, held: map[objKey]map[string]bool{}}
	rows, err := c.QueryContext(ctx, `SELECT kind, schemaname, name, owner FROM `+internalSchema+`.owners`)
	if err != nil {
		return nil, duckError(err)
	}
	for rows.Next() {
		var k objKey
		var owner string
		if err := rows.Scan(&k.kind, &k.schema, &k.name, &owner); err != nil {
			rows.Close()
			return nil, duckError(err)
		}
		a.owners[k] = owner
	}
	rows.Close()
	rows, err = c.QueryContext(ctx, `SELECT kind, schemaname, name, privilege FROM `+internalSchema+`.grants WHERE grantee IN (?, ?)`, user, publicGrantee)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k objKey
		var priv string
		if err := rows.Scan(&k.kind, &k.schema, &k.name, &priv); err != nil {
			return nil, duckError(err)
		}
		if a.held[k] == nil {
			a.held[k] = map[string]bool{}
		}
		a.held[k][priv] = true
	}
	return a, rows.Err()
}

func (a *acl) owns(k objKey) bool { return a.owners[k] == a.user }

// has reports the privilege, which an owner holds implicitly.
func (a *acl) has(k objKey, priv string) bool { return a.owns(k) || a.held[k][priv] }

// Redshift's (PostgreSQL 8's) denials.
func deniedRelation(name string) error {
	return newPGError(codeInsufficientPrivilege, "permission denied for relation "+name)
}

func deniedSchema(name string) error {
	return newPGError(codeInsufficientPrivilege, "permission denied for schema "+name)
}

func deniedDatabase() error {
	return newPGError(codeInsufficientPrivilege, "permission denied for database "+database)
}

func notOwner(what, name string) error {
	return newPGError(codeInsufficientPrivilege, fmt.Sprintf("must be owner of %s %s", what, name))
}

// useRelation checks priv on a local relation and USAGE on its schema.
func (a *acl) useRelation(schema, name, priv string) error {
	if !a.has(schemaKey(schema), "USAGE") {
		return deniedSchema(schema)
	}
	if !a.has(relationKey(schema, name), priv) {
		return deniedRelation(name)
	}
	return nil
}

// ownRelation checks ownership (DROP also accepts the DROP privilege).
func (a *acl) ownRelation(schema, name, alsoPriv string) error {
	k := relationKey(schema, name)
	if a.owns(k) || alsoPriv != "" && a.held[k][alsoPriv] {
		return nil
	}
	return notOwner("relation", name)
}

// createIn checks CREATE on a schema.
func (a *acl) createIn(schema string) error {
	if !a.has(schemaKey(schema), "CREATE") {
		return deniedSchema(schema)
	}
	return nil
}

// recordCreated makes the session user the owner of a new object (a
// superuser's objects need no row) and clears rows left by an earlier
// object of the same name.
func recordCreated(ctx context.Context, c *conn, k objKey) error {
	where, args := `kind = ? AND schemaname = ? AND name = ?`, []any{k.kind, k.schema, k.name}
	if k.kind == kindSchema {
		// A new schema starts empty: nothing of an old one's carries over.
		where, args = `kind IN ('schema', 'relation') AND schemaname = ?`, []any{k.schema}
	}
	for _, table := range []string{"owners", "grants"} {
		if _, err := c.ExecContext(ctx, `DELETE FROM `+internalSchema+`.`+table+` WHERE `+where, args...); err != nil {
			return duckError(err)
		}
	}
	if c.superuser {
		return nil
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO `+internalSchema+`.owners VALUES (?, ?, ?, ?)`, k.kind, k.schema, k.name, c.user); err != nil {
		return duckError(err)
	}
	return nil
}

// renameRecords moves a relation's owner and grants to its new name
// (ALTER ... RENAME TO), so the rename keeps who may use it.
func renameRecords(ctx context.Context, c *conn, schema, from, to string) error {
	for _, table := range []string{"owners", "grants"} {
		if _, err := c.ExecContext(ctx, `UPDATE `+internalSchema+`.`+table+` SET name = ? WHERE kind = ? AND schemaname = ? AND name = ?`,
			to, kindRelation, schema, from); err != nil {
			return duckError(err)
		}
	}
	return nil
}

// forgetRecords deletes a dropped relation's owner and grants.
func forgetRecords(ctx context.Context, c *conn, schema, name string) error {
	for _, table := range []string{"owners", "grants"} {
		if _, err := c.ExecContext(ctx, `DELETE FROM `+internalSchema+`.`+table+` WHERE kind = ? AND schemaname = ? AND name = ?`,
			kindRelation, schema, name); err != nil {
			return duckError(err)
		}
	}
	return nil
}

// relationExists reports a local table or view (temporary ones included
// when schema is "").
func relationExists(ctx context.Context, c *conn, schema, name string) (bool, error) {
	found, err := queryStrings(ctx, c, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?
		UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND schema_name = ? AND view_name = ?`,
		schema, name, schema, name)
	return len(found) > 0, err
}

// createOwned runs a CREATE and records the new object's owner in one
// transaction; an object that was there before (IF NOT EXISTS, OR
// REPLACE) keeps its owner and grants.
func (e *engine) createOwned(ctx context.Context, c *conn, k objKey, tag string, run func() error) (*result, error) {
	var existed bool
	var err error
	if k.kind == kindSchema {
		existed, err = schemaExists(ctx, c, k.schema)
	} else {
		existed, err = relationExists(ctx, c, k.schema, k.name)
	}
	if err != nil {
		return nil, err
	}
	err = inTx(ctx, c, func() error {
		if err := run(); err != nil || existed {
			return err
		}
		return recordCreated(ctx, c, k)
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: tag}, nil
}

// createTableOwned is createOwned for CREATE TABLE; temporary tables are
// the session's own and need no record.
func (e *engine) createTableOwned(ctx context.Context, c *conn, toks []token, name []string, tag string, run func() error) (*result, error) {
	i := 1
	if toks[i].is("local") {
		i++
	}
	if toks[i].is("temp") || toks[i].is("temporary") {
		if err := run(); err != nil {
			return nil, err
		}
		return &result{tag: tag}, nil
	}
	return e.createOwned(ctx, c, c.relationKeyOf(name), tag, run)
}

// relationKeyOf keys a written name; unqualified names are created in the
// first schema of the search path.
func (c *conn) relationKeyOf(name []string) objKey {
	if len(name) > 1 {
		return relationKey(name[len(name)-2], name[len(name)-1])
	}
	return relationKey(c.searchPath()[0], name[0])
}
