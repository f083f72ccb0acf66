package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"

	"github.com/shoal-dev/shoal/internal/query"
)

// result is what one statement gives the client.
type result struct {
	rows    *query.Rowset // nil for commands without a result set
	tag     string
	notices []notice
}

// notice is a NoticeResponse sent before the statement completes.
type notice struct {
	severity, message string
}

// exec runs one statement on the session's connection.
func (e *engine) exec(ctx context.Context, c *conn, sql string) (*result, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	toks = trimSemicolons(toks)
	if len(toks) == 0 {
		return &result{}, nil
	}
	if c.failed && !toks[0].is("rollback") && !toks[0].is("abort") && !toks[0].is("commit") && !toks[0].is("end") {
		return nil, newPGError(codeInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if err := c.checkReadOnly(toks); err != nil {
		return nil, err
	}
	if !c.superuser {
		if err := e.authorize(ctx, c, sql, toks); err != nil {
			if c.inTx {
				c.failed = true
			}
			return nil, err
		}
	}
	res, err := e.dispatch(ctx, c, sql, toks)
	e.noteCatalogChange(c, toks)
	if err != nil && c.inTx {
		c.failed = true
	}
	return res, err
}

func (e *engine) dispatch(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	first := toks[0]
	switch {
	case first.is("select"), first.is("with"), first.is("values"), first.is("table"), first.isPunct("("), first.is("explain"):
		return e.query(ctx, c, sql)
	case first.is("insert"), first.is("update"), first.is("delete"), first.is("truncate"), first.is("alter"):
		return e.dml(ctx, c, sql, toks)
	case first.is("create"):
		return e.create(ctx, c, sql, toks)
	case first.is("drop"):
		return e.drop(ctx, c, sql, toks)
	case first.is("copy"):
		return e.copy(ctx, c, toks)
	case first.is("grant"), first.is("revoke"):
		return e.grant(ctx, c, toks)
	case first.is("refresh"):
		return e.refresh(ctx, c, toks)
	case first.is("comment"):
		// COMMENT ON TABLE/COLUMN/VIEW/SCHEMA: DuckDB keeps comments with
		// the objects, where pg_description and obj_description read them.
		return e.passThrough(ctx, c, sql, "COMMENT")
	case first.is("analyze"):
		// Statistics only; DuckDB keeps its own.
		return &result{tag: "ANALYZE"}, nil
	case first.is("vacuum"):
		// Redshift's VACUUM re-sorts and reclaims space; it never changes
		// what a query returns, and DuckDB needs neither.
		return &result{tag: "VACUUM"}, nil
	}
	if res, ok, err := e.sessionStatement(ctx, c, toks); ok {
		return res, err
	}
	return nil, newPGError(codeSyntax, fmt.Sprintf("syntax error at or near %q", first.text))
}

// query runs a statement that returns rows.
func (e *engine) query(ctx context.Context, c *conn, sql string) (*result, error) {
	if mentionsPublications(sql) {
		// There are no publications; psql's \d asks with array idioms
		// DuckDB cannot bind, so the (empty) answer is given here.
		return &result{rows: &query.Rowset{Columns: []query.ColumnInfo{{Name: "pubname", Label: "pubname", Type: "varchar"}}, Rows: [][]any{}}}, nil
	}
	rewritten, err := e.rewrite(ctx, c, sql)
	if err != nil {
		return nil, err
	}
	rows, err := runRows(ctx, c, rewritten)
	if err != nil {
		return nil, err
	}
	return &result{rows: rows}, nil
}

// dml runs INSERT, UPDATE, DELETE, TRUNCATE or ALTER on a local table.
func (e *engine) dml(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	target, verb := dmlTarget(toks)
	if err := e.requireLocal(ctx, c, target, verb); err != nil {
		return nil, err
	}
	rewritten, err := e.rewrite(ctx, c, sql)
	if err != nil {
		return nil, err
	}
	var n int64
	if to := renamedTo(toks); verb == "ALTER" && to != "" {
		schema, from := splitName(nameParts(target))
		err = inTx(ctx, c, func() error {
			if _, err := execCount(ctx, c, rewritten); err != nil {
				return err
			}
			return renameRecords(ctx, c, schema, from, to)
		})
	} else {
		n, err = execCount(ctx, c, rewritten)
	}
	if err != nil {
		return nil, err
	}
	switch verb {
	case "INSERT":
		return &result{tag: fmt.Sprintf("INSERT 0 %d", n)}, nil
	case "UPDATE", "DELETE":
		return &result{tag: fmt.Sprintf("%s %d", verb, n)}, nil
	case "TRUNCATE":
		return &result{tag: "TRUNCATE TABLE"}, nil
	}
	return &result{tag: "ALTER TABLE"}, nil
}

// dmlTarget is the table a data statement writes and its verb.
func dmlTarget(toks []token) ([]token, string) {
	i := 1
	verb := toks[0].name()
	switch verb {
	case "insert":
		if i < len(toks) && toks[i].is("into") {
			i++
		}
	case "delete":
		if i < len(toks) && toks[i].is("from") {
			i++
		}
	case "truncate", "alter":
		if i < len(toks) && toks[i].is("table") {
			i++
		}
	}
	j := i
	for j < len(toks) && toks[j].isName() {
		j++
		if j < len(toks) && toks[j].isPunct(".") {
			j++
			continue
		}
		break
	}
	upper := map[string]string{"insert": "INSERT", "update": "UPDATE", "delete": "DELETE", "truncate": "TRUNCATE", "alter": "ALTER"}
	return toks[i:j], upper[verb]
}

// renamedTo is the new name in ALTER TABLE t RENAME TO n, or "".
func renamedTo(toks []token) string {
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].is("rename") && toks[i+1].is("to") && toks[i+2].isName() {
			return toks[i+2].name()
		}
	}
	return ""
}

// runRows runs sql and holds the whole result in memory.
func runRows(ctx context.Context, c *conn, q string) (*query.Rowset, error) {
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, duckError(err)
	}
	out := &query.Rowset{Columns: make([]query.ColumnInfo, len(types)), Rows: [][]any{}}
	duck := make([]string, len(types))
	for i, ct := range types {
		duck[i] = ct.DatabaseTypeName()
		out.Columns[i] = query.WarehouseColumn(columnLabel(ct.Name()), duck[i])
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, duckError(err)
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = query.WarehouseValue(v, duck[i])
		}
		out.Rows = append(out.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, duckError(err)
	}
	return out, nil
}

// execCount runs a statement and returns the rows it changed.
func execCount(ctx context.Context, c *conn, q string) (int64, error) {
	res, err := c.ExecContext(ctx, q)
	if err != nil {
		return 0, duckError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, nil
	}
	return n, nil
}

// execAll runs statements in order, stopping at the first failure.
func execAll(ctx context.Context, c *conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return duckError(err)
		}
	}
	return nil
}

// inTx runs fn in a transaction of its own unless the session already
// has one open (then fn's work commits or rolls back with it).
func inTx(ctx context.Context, c *conn, fn func() error) error {
	if c.inTx {
		return fn()
	}
	if err := execAll(ctx, c, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	return execAll(ctx, c, "COMMIT")
}

// callLabel matches DuckDB's name for an unaliased call, "lower(x)".
var callLabel = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\(.*\)$`)

// columnLabel names an unaliased result column as Postgres does: a
// function call is named after the function ("count", not "count_star()").
func columnLabel(name string) string {
	m := callLabel.FindStringSubmatch(name)
	if m == nil {
		return name
	}
	if m[1] == "count_star" {
		return "count"
	}
	return m[1]
}

func trimSemicolons(toks []token) []token {
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// queryStrings runs a one-column query and returns its values.
func queryStrings(ctx context.Context, c *conn, q string, args ...any) ([]string, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, duckError(err)
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

// describe returns the result columns of a statement without running it:
// DuckDB plans a query for DESCRIBE; other statements return no rows
// (SHOW one varchar).
func (e *engine) describe(ctx context.Context, c *conn, sql string) ([]query.ColumnInfo, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	toks = trimSemicolons(toks)
	if len(toks) == 0 {
		return []query.ColumnInfo{}, nil
	}
	switch first := toks[0]; {
	case first.is("show"):
		res, err := c.show(toks[1:])
		if err != nil {
			return nil, err
		}
		return res.rows.Columns, nil
	case first.is("explain"):
		return []query.ColumnInfo{{Name: "QUERY PLAN", Label: "QUERY PLAN", Type: "varchar"}}, nil
	case !(first.is("select") || first.is("with") || first.is("values") || first.is("table") || first.isPunct("(")):
		return []query.ColumnInfo{}, nil
	}
	if !c.superuser {
		// Even the columns of a query are only for those who may run it.
		if err := e.authorize(ctx, c, sql, toks); err != nil {
			return nil, err
		}
	}
	rewritten, err := e.rewrite(ctx, c, sql)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, "DESCRIBE "+rewritten)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	var cols []query.ColumnInfo
	names, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, duckError(err)
		}
		name, _ := vals[0].(string)
		typ, _ := vals[1].(string)
		cols = append(cols, query.WarehouseColumn(columnLabel(name), typ))
	}
	if err := rows.Err(); err != nil {
		return nil, duckError(err)
	}
	return cols, nil
}

// mentionsPublications reports a query over pg_publication.
func mentionsPublications(sql string) bool {
	refs, err := query.WarehouseRefs(sql)
	if err != nil {
		return false
	}
	for _, r := range refs {
		if r.Parts[len(r.Parts)-1] == "pg_publication" {
			return true
		}
	}
	return false
}
