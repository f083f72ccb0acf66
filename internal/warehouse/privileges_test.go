package warehouse_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// signInPolicy allows exactly what Redshift's IAM sign-in needs.
const signInPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift:GetClusterCredentials",
	"Resource":["arn:aws:redshift:*:*:dbuser:shoal/${aws:username}","arn:aws:redshift:*:*:dbname:shoal/dev"]}]}`

// iamUser creates an IAM user with a console password and, unless
// policy is "", an inline policy.
func iamUser(t testing.TB, e endpoint, name, policy string) {
	t.Helper()
	ctx := context.Background()
	svc := e.env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, name, "Pass-"+name+"-9", false); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if err := svc.PutInlinePolicy(ctx, "user", name, "warehouse", policy); err != nil {
			t.Fatal(err)
		}
	}
}

func connectAs(e endpoint, name string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return pgx.Connect(ctx, e.url(name, "Pass-"+name+"-9", "dev"))
}

func mustConnectAs(t *testing.T, e endpoint, name string) *pgx.Conn {
	t.Helper()
	conn, err := connectAs(e, name)
	if err != nil {
		t.Fatalf("connect as %s: %v", name, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// wantDenied runs sql and expects SQLSTATE code with msg in the message.
func wantDenied(t *testing.T, conn *pgx.Conn, sql, code, msg string) {
	t.Helper()
	_, err := conn.Exec(context.Background(), sql, pgx.QueryExecModeSimpleProtocol)
	var pe *pgconn.PgError
	if !errorsAs(err, &pe) || pe.Code != code || !strings.Contains(pe.Message, msg) {
		t.Errorf("%s: got %v, want %s %q", sql, err, code, msg)
	}
}

func errorsAs(err error, pe **pgconn.PgError) bool { return errors.As(err, pe) }

func TestSignInAuthorizedByIAM(t *testing.T) {
	e := start(t)
	iamUser(t, e, "nopolicy", "")
	iamUser(t, e, "allowed", signInPolicy)
	_, err := connectAs(e, "nopolicy")
	var pe *pgconn.PgError
	if !errorsAs(err, &pe) || pe.Code != "28000" || pe.Severity != "FATAL" ||
		!strings.Contains(pe.Message, "is not authorized to perform: redshift:GetClusterCredentials on resource: arn:aws:redshift:") {
		t.Fatalf("sign-in without policy: %v", err)
	}
	conn := mustConnectAs(t, e, "allowed")
	if got := rowsText(t, conn, "SELECT current_user"); got != "allowed" {
		t.Errorf("current_user = %q", got)
	}
	rows, err := conn.Query(context.Background(), "SELECT current_user, session_user")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if f := rows.FieldDescriptions(); len(f) != 2 || f[0].Name != "current_user" || f[1].Name != "session_user" {
		t.Errorf("columns %+v, want current_user and session_user as Postgres labels them", f)
	}
}

func TestTablePrivileges(t *testing.T) {
	e := start(t)
	iamUser(t, e, "analyst", signInPolicy)
	iamUser(t, e, "other", signInPolicy)
	root := e.connect(t)
	mustExec(t, root, "CREATE TABLE secret (id INT, v VARCHAR)", "INSERT INTO secret VALUES (1, 'a')")
	an := mustConnectAs(t, e, "analyst")

	denied := func(sql string) { t.Helper(); wantDenied(t, an, sql, "42501", "permission denied for relation secret") }
	denied("SELECT * FROM secret")
	denied("SELECT (SELECT count(*) FROM public.secret)")
	denied("WITH x AS (SELECT * FROM secret) SELECT * FROM x")
	denied("INSERT INTO secret VALUES (2, 'b')")
	denied("CREATE TABLE copied AS SELECT * FROM secret")
	wantDenied(t, an, "DROP TABLE secret", "42501", "must be owner of relation secret")
	wantDenied(t, an, "TRUNCATE secret", "42501", "must be owner of relation secret")
	wantDenied(t, an, "SELECT * FROM pg_internal.grants", "42501", "permission denied for schema pg_internal")
	wantDenied(t, an, "SELECT * FROM read_text('x')", "42501", "permission denied for function read_text")
	wantDenied(t, an, "GRANT SELECT ON secret TO analyst", "42501", "permission denied for relation secret")
	if got := rowsText(t, an, "SELECT has_table_privilege('secret', 'select'), has_schema_privilege('public', 'create')"); got != "false|true" {
		t.Errorf("privileges before GRANT: %s", got)
	}

	mustExec(t, root, "GRANT SELECT, INSERT ON TABLE secret TO analyst")
	mustExec(t, an, "INSERT INTO secret VALUES (2, 'b')")
	if got := rowsText(t, an, "SELECT count(*) FROM secret"); got != "2" {
		t.Errorf("after GRANT: %s", got)
	}
	if got := rowsText(t, an, "SELECT has_table_privilege('secret', 'select'), has_table_privilege('analyst', 'public.secret', 'delete')"); got != "true|false" {
		t.Errorf("has_table_privilege after GRANT: %s", got)
	}
	wantDenied(t, an, "DELETE FROM secret", "42501", "permission denied for relation secret")
	wantDenied(t, mustConnectAs(t, e, "other"), "SELECT * FROM secret", "42501", "permission denied for relation secret")

	mustExec(t, root, "REVOKE SELECT ON secret FROM analyst")
	denied("SELECT * FROM secret")
	mustExec(t, root, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC")
	if got := rowsText(t, an, "SELECT count(*) FROM secret"); got != "2" {
		t.Errorf("after GRANT to PUBLIC: %s", got)
	}
	mustExec(t, root, "REVOKE ALL ON secret FROM PUBLIC")
	denied("SELECT * FROM secret")
	wantDenied(t, root, "GRANT SELECT ON secret TO nobody", "42704", `user "nobody" does not exist`)
}

// An IAM user owns what they create; others need their grants.
func TestOwnerPrivileges(t *testing.T) {
	e := start(t)
	iamUser(t, e, "analyst", signInPolicy)
	iamUser(t, e, "other", signInPolicy)
	an := mustConnectAs(t, e, "analyst")
	mustExec(t, an, "CREATE TABLE mine (id INT)", "INSERT INTO mine VALUES (1)", "UPDATE mine SET id = 2",
		"CREATE VIEW mine_v AS SELECT id FROM mine", "ALTER TABLE mine ADD COLUMN note VARCHAR")
	other := mustConnectAs(t, e, "other")
	wantDenied(t, other, "SELECT * FROM mine_v", "42501", "permission denied for relation mine_v")
	mustExec(t, an, "GRANT SELECT ON mine_v TO other")
	if got := rowsText(t, other, "SELECT id FROM mine_v"); got != "2" {
		t.Errorf("granted view: %s", got)
	}
	if got := rowsText(t, e.connect(t), "SELECT id FROM mine"); got != "2" {
		t.Errorf("superuser reads: %s", got)
	}
	// A view reads with its owner's privileges: once the owner loses
	// SELECT on what it reads, nobody reads through it.
	root := e.connect(t)
	mustExec(t, root, "CREATE TABLE base (id INT)", "INSERT INTO base VALUES (7)", "GRANT SELECT ON base TO analyst")
	mustExec(t, an, "CREATE VIEW base_v AS SELECT id FROM base", "GRANT SELECT ON base_v TO other")
	if got := rowsText(t, other, "SELECT id FROM base_v"); got != "7" {
		t.Errorf("view over a granted table: %s", got)
	}
	wantDenied(t, other, "SELECT * FROM base", "42501", "permission denied for relation base")
	mustExec(t, root, "REVOKE SELECT ON base FROM analyst")
	wantDenied(t, other, "SELECT id FROM base_v", "42501", "permission denied for relation base")
	owners := "SELECT tablename, tableowner FROM pg_tables WHERE tablename IN ('base', 'mine') ORDER BY 1"
	if got := rowsText(t, other, owners); got != "base|"+e.id+"\nmine|analyst" {
		t.Errorf("pg_tables owners:\n%s", got)
	}
	if got := rowsText(t, other, "SELECT viewowner FROM pg_views WHERE viewname = 'base_v'"); got != "analyst" {
		t.Errorf("pg_views owner: %s", got)
	}
	mustExec(t, an, "DROP VIEW base_v")

	// A rename keeps owner and grants; a drop forgets them, so a new table
	// of the same name starts private to its creator.
	mustExec(t, an, "ALTER TABLE mine RENAME TO ours", "GRANT SELECT ON ours TO other", "INSERT INTO ours VALUES (3, 'x')")
	if got := rowsText(t, other, "SELECT count(*) FROM ours"); got != "2" {
		t.Errorf("renamed and granted: %s", got)
	}
	mustExec(t, an, "DROP VIEW mine_v", "DELETE FROM ours", "DROP TABLE ours")
	mustExec(t, e.connect(t), "CREATE TABLE ours (id INT)")
	wantDenied(t, other, "SELECT * FROM ours", "42501", "permission denied for relation ours")
	wantDenied(t, an, "DROP TABLE ours", "42501", "must be owner of relation ours")

	// Without CREATE on public (taken from PUBLIC) nobody but the superuser creates there.
	mustExec(t, e.connect(t), "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
	wantDenied(t, an, "CREATE TABLE t2 (id INT)", "42501", "permission denied for schema public")
	wantDenied(t, an, "CREATE SCHEMA mine", "42501", "permission denied for database dev")
}

// External schemas need USAGE, granted by their owner.
func TestExternalSchemaUsage(t *testing.T) {
	e := start(t)
	lc := clients(e)
	orderTable(t, lc)
	addMonth(t, lc, "2026", "10", line("1", "MUG", 2, "France"))
	iamUser(t, e, "analyst", signInPolicy)
	root := e.connect(t)
	mustExec(t, root, "CREATE EXTERNAL SCHEMA ext FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'")
	an := mustConnectAs(t, e, "analyst")
	wantDenied(t, an, "SELECT count(*) FROM ext.lines", "42501", "permission denied for schema ext")
	mustExec(t, root, "GRANT USAGE ON SCHEMA ext TO analyst")
	if got := rowsText(t, an, "SELECT count(*) FROM ext.lines"); got != "1" {
		t.Errorf("with USAGE: %s", got)
	}
	wantDenied(t, an, "DROP SCHEMA ext", "42501", "must be owner of schema ext")
}

// Owners and grants are kept in the database file.
func TestGrantsSurviveRestart(t *testing.T) {
	env := testenv.Start(t)
	e := endpointOf(t, env)
	iamUser(t, e, "analyst", signInPolicy)
	root := e.connect(t)
	mustExec(t, root, "CREATE TABLE kept (id INT)", "INSERT INTO kept VALUES (7)", "GRANT SELECT ON kept TO analyst")
	root.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := env.Server.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e = endpointOf(t, testenv.StartConfig(t, env.Server.Config()))
	an := mustConnectAs(t, e, "analyst")
	if got := rowsText(t, an, "SELECT id FROM kept"); got != "7" {
		t.Errorf("after restart: %s", got)
	}
	wantDenied(t, an, "INSERT INTO kept VALUES (8)", "42501", "permission denied for relation kept")
}
