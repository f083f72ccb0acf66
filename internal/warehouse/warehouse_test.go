package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shoal-dev/shoal/internal/testenv"
	"github.com/shoal-dev/shoal/internal/warehouse"
)

// endpoint is a running warehouse in front of a real Shoal's query engine.
type endpoint struct {
	env        *testenv.Env
	addr       string
	id, secret string
}

// start runs a Shoal server and returns its warehouse endpoint.
func start(t *testing.T) endpoint {
	t.Helper()
	return endpointOf(t, testenv.Start(t))
}

func endpointOf(t *testing.T, env *testenv.Env) endpoint {
	t.Helper()
	id, secret := env.Server.RootCredentials()
	addr := env.Server.WarehouseAddr()
	if addr == "" {
		t.Fatal("warehouse endpoint is off")
	}
	return endpoint{env: env, addr: addr, id: id, secret: secret}
}

func (e endpoint) url(user, password, db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=prefer", url.QueryEscape(user), url.QueryEscape(password), e.addr, db)
}

func (e endpoint) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, e.url(e.id, e.secret, "dev"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// sqlState is the SQLSTATE of a server error, or "" for any other error.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func TestAuthentication(t *testing.T) {
	e := start(t)
	tests := []struct {
		name, user, password, db string
		wantCode                 string
	}{
		{"access keys", e.id, e.secret, "dev", ""},
		{"wrong secret", e.id, e.secret + "x", "dev", "28P01"},
		{"unknown access key", "AKIANOSUCHKEY", e.secret, "dev", "28P01"},
		{"wrong database", e.id, e.secret, "prod", "3D000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, e.url(tt.user, tt.password, tt.db))
			if got := sqlState(err); got != tt.wantCode || (tt.wantCode == "" && err != nil) {
				t.Fatalf("connect: SQLSTATE %q (err %v), want %q", got, err, tt.wantCode)
			}
			if err != nil {
				return
			}
			defer conn.Close(ctx)
			if v := conn.PgConn().ParameterStatus("server_version"); v != "15.0 (Shoal)" {
				t.Errorf("server_version = %q", v)
			}
			if pid := conn.PgConn().PID(); pid == 0 {
				t.Error("no backend key data")
			}
		})
	}
}

const typedRow = `SELECT * FROM (VALUES (1, BIGINT '2', 'Sữa tươi', true, 2.5e0, DATE '2025-07-17',
	TIMESTAMP '2025-07-17 03:04:05.123', CAST(NULL AS varchar), CAST(12.34 AS decimal(10,2))))
	AS t(i, b, s, ok, d, dt, ts, n, dec)`

func TestQueryTypes(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	wantOIDs := []uint32{pgtype.Int4OID, pgtype.Int8OID, pgtype.VarcharOID, pgtype.BoolOID,
		pgtype.Float8OID, pgtype.DateOID, pgtype.TimestampOID, pgtype.VarcharOID, pgtype.NumericOID}
	// The simple protocol sends text; the default extended one asks for
	// binary wherever pgx can decode it.
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		t.Run(mode.String(), func(t *testing.T) {
			ctx := context.Background()
			rows, err := conn.Query(ctx, typedRow, mode)
			if err != nil {
				t.Fatal(err)
			}
			var oids []uint32
			for _, f := range rows.FieldDescriptions() {
				oids = append(oids, f.DataTypeOID)
			}
			if fmt.Sprint(oids) != fmt.Sprint(wantOIDs) {
				t.Errorf("column types = %v, want %v", oids, wantOIDs)
			}
			var (
				i      int32
				b      int64
				s      string
				ok     bool
				d      float64
				dt, ts time.Time
				n      *string
				dec    float64
			)
			got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
				err := r.Scan(&i, &b, &s, &ok, &d, &dt, &ts, &n, &dec)
				return fmt.Sprintf("%v %v %v %v %v %v %v %v %v", i, b, s, ok, d, dt.Format(time.DateOnly), ts.Format(time.RFC3339Nano), n, dec), err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := "1 2 Sữa tươi true 2.5 2025-07-17 2025-07-17T03:04:05.123Z <nil> 12.34"
			if len(got) != 1 || got[0] != want {
				t.Errorf("rows = %q, want [%q]", got, want)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	gc := glue.NewFromConfig(e.env.AWSConfig())
	if _, err := gc.CreateDatabase(context.Background(), &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("orderlogs")}}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA orderlogs_schema FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum'")
	tests := []struct {
		name, sql, wantCode string
	}{
		{"syntax", "SELEC 1", "42601"},
		{"missing external table", "SELECT * FROM orderlogs_schema.no_such_table", "42P01"},
		{"missing local table", "SELECT * FROM no_such_table", "42P01"},
		{"missing schema", "SELECT * FROM no_such_db.t", "3F000"},
		{"missing column", "SELECT no_such_column FROM (SELECT 1 AS a) t", "42703"},
		{"missing function", "SELECT no_such_function(1)", "42883"},
		{"insert into external table", "INSERT INTO orderlogs_schema.t VALUES (1)", "0A000"},
		{"catalog database missing", "CREATE EXTERNAL SCHEMA s2 FROM DATA CATALOG DATABASE 'nope' IAM_ROLE 'arn:aws:iam::000000000000:role/r'", "3F000"},
		{"unsupported table attribute", "CREATE TABLE t_bad (a int) WITH OIDS", "0A000"},
		{"unsupported type", "CREATE TABLE t_bad (a SUPER)", "0A000"},
		{"unknown setting", "SET no_such_setting = 1", "42704"},
	}
	for _, tt := range tests {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				ctx := context.Background()
				_, err := conn.Exec(ctx, tt.sql, mode)
				if got := sqlState(err); got != tt.wantCode {
					t.Fatalf("SQLSTATE %q (err %v), want %q", got, err, tt.wantCode)
				}
				// The connection stays usable after an error.
				var one int
				if err := conn.QueryRow(ctx, "SELECT 1", mode).Scan(&one); err != nil || one != 1 {
					t.Fatalf("after error: %v %d", err, one)
				}
			})
		}
	}
}

func TestParameters(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	ctx := context.Background()
	// QueryExecModeExec declares parameter types from the Go values
	// (int as int8), the default mode takes the server's (text).
	exec := pgx.QueryExecModeExec
	tests := []struct {
		name string
		sql  string
		args []any
		want string
	}{
		{"typed int", "SELECT CASE WHEN 3 > $1 THEN 'yes' ELSE 'no' END AS v", []any{exec, 2}, "yes"},
		{"typed negative int", "SELECT CAST(5-$1 AS varchar) AS v", []any{exec, -2}, "7"},
		{"typed bool", "SELECT CASE WHEN $1 THEN 'yes' ELSE 'no' END AS v", []any{exec, true}, "yes"},
		{"string", "SELECT $1 AS v", []any{"it's"}, "it's"},
		{"injection stays a string", "SELECT $1 AS v", []any{"x' AS v, 'y"}, "x' AS v, 'y"},
		{"string compared", "SELECT CASE WHEN 3 > $1 THEN 'yes' ELSE 'no' END AS v", []any{"2"}, "yes"},
		{"dollar in literal", "SELECT '$1' || $1 AS v", []any{"z"}, "$1z"},
		{"null", "SELECT coalesce($1, 'none') AS v", []any{nil}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := conn.QueryRow(ctx, tt.sql, tt.args...).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Cancel requests keep coming until the query ends, in case the
	// first one arrives before the query starts (it is then a no-op).
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if err := conn.PgConn().CancelRequest(ctx); err != nil {
					t.Errorf("cancel request: %v", err)
					return
				}
			}
		}
	}()
	const slow = "SELECT count(*) AS n FROM range(3000) a(x) CROSS JOIN range(3000) b(y) CROSS JOIN range(30000) c(z) WHERE x + y + z > 7"
	_, err := conn.Exec(ctx, slow, pgx.QueryExecModeSimpleProtocol)
	close(done)
	if got := sqlState(err); got != "57014" {
		t.Fatalf("SQLSTATE %q (err %v), want 57014", got, err)
	}
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("after cancel: %v %d", err, one)
	}
}

// TestCloseDuringStartup checks that Close ends a connection that never
// sent its startup message instead of waiting for it.
func TestCloseDuringStartup(t *testing.T) {
	srv, err := warehouse.New(context.Background(), warehouse.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(context.Background(), ln)
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	time.Sleep(50 * time.Millisecond) // let the server accept it
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func TestSessionStatements(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	ctx := context.Background()
	tests := []struct{ sql, wantTag string }{
		{"SET extra_float_digits = 3", "SET"},
		{"BEGIN", "BEGIN"},
		{"COMMIT;", "COMMIT"},
		{"SET application_name = 'bi'", "SET"},
		{"SET TIME ZONE 'UTC'", "SET"},
		{"SET statement_timeout = 60000", "SET"},
		{"SHOW server_version", "SHOW"},
	}
	for _, tt := range tests {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			t.Run(tt.sql+"/"+mode.String(), func(t *testing.T) {
				tag, err := conn.Exec(ctx, tt.sql, mode)
				if err != nil || tag.String() != tt.wantTag {
					t.Fatalf("tag %q, err %v; want %q", tag, err, tt.wantTag)
				}
			})
		}
	}
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil || v != "15.0 (Shoal)" {
		t.Errorf("SHOW server_version = %q, %v", v, err)
	}
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil || !strings.Contains(v, "Redshift") {
		t.Errorf("SELECT version() = %q, %v", v, err)
	}
	mustExec(t, conn, "SET search_path TO '$user', public")
	if err := conn.QueryRow(ctx, "SHOW search_path").Scan(&v); err != nil || v != "$user, public" {
		t.Errorf("SHOW search_path = %q, %v", v, err)
	}
}

// TestPsql checks the endpoint with psql itself when it is installed.
func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql not installed")
	}
	e := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, psql, e.url(e.id, e.secret, "dev"), "-X", "-A", "-t", "-c", "SELECT 1 AS one, 'x' AS s").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "1|x" {
		t.Errorf("psql printed %q, want %q", got, "1|x")
	}
}

// mustExec runs statements over the simple protocol.
func mustExec(t *testing.T, conn *pgx.Conn, stmts ...string) {
	t.Helper()
	for _, sql := range stmts {
		if _, err := conn.Exec(context.Background(), sql, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}
