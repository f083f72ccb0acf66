package query

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// prepared is a query translated for DuckDB with the temporary views its
// tables resolved to.
type prepared struct {
	sql     string
	views   []string // CREATE TEMP VIEW statements, in creation order
	names   []string // their view names
	tables  []string // the tables they read, db.table
	isView  []bool   // the temp view expands a catalog view
	scanned int64
	next    int // numbers the temp views
}

// prepareSelect resolves the catalog tables a query names and translates
// it to DuckDB SQL. Each table reference becomes a temporary view private
// to the query's connection, holding the table's scan with the
// partitions the WHERE clause leaves.
func (s *Service) prepareSelect(ctx context.Context, e *Execution, toks []token) (*prepared, error) {
	return s.prepareSelectWith(ctx, e, toks, nil)
}

// prepareSelectWith is prepareSelect where unqualified names in relations
// read those Parquet files instead of catalog tables.
func (s *Service) prepareSelectWith(ctx context.Context, e *Execution, toks []token, relations map[string]string) (*prepared, error) {
	p := &prepared{}
	sql, err := s.prepareInto(ctx, p, e, toks, relations, nil)
	if err != nil {
		return nil, err
	}
	p.sql = sql
	return p, nil
}

// prepareInto translates one query (the statement's, or a view's stored
// SQL while expanding the views in expanding) and adds the temp views its
// table references need to p.
func (s *Service) prepareInto(ctx context.Context, p *prepared, e *Execution, toks []token, relations map[string]string, expanding []string) (string, error) {
	refs := findTableRefs(toks)
	var out []token
	prev := 0
	for _, ref := range refs {
		name := fmt.Sprintf("__shoal_%d", p.next)
		p.next++
		view, tableName, id, isView, err := s.refView(ctx, p, e, toks, ref, len(refs) == 1, relations, expanding)
		if err != nil {
			return "", err
		}
		p.views = append(p.views, "CREATE OR REPLACE TEMP VIEW "+quoteIdent(name)+" AS "+view)
		p.names, p.tables, p.isView = append(p.names, name), append(p.tables, id), append(p.isView, isView)
		out = append(out, toks[prev:ref.start]...)
		v := synth(tQuoted, quoteIdent(name))
		v.pre = toks[ref.start].pre
		out = append(out, v)
		if !ref.hasAlias {
			out = append(out, synth(tIdent, "AS"), synth(tQuoted, quoteIdent(tableName)))
		}
		prev = ref.end
	}
	out = append(out, toks[prev:]...)
	out, err := translateFunctions(e.Query, out)
	if err != nil {
		return "", err
	}
	return render(out), nil
}

// refView resolves one table reference to the SELECT its temp view holds.
func (s *Service) refView(ctx context.Context, p *prepared, e *Execution, toks []token, ref tableRef, single bool, relations map[string]string, expanding []string) (view, tableName, id string, isView bool, err error) {
	if path, ok := relationPath(relations, ref.parts); ok {
		if fi, err := os.Stat(path); err == nil {
			p.scanned += fi.Size()
		}
		return "SELECT * FROM read_parquet(" + quoteString(path) + ")", ref.parts[0], ref.parts[0], false, nil
	}
	t, err := s.lookupTable(ctx, e, toks[ref.start], ref.parts)
	if err != nil {
		return "", "", "", false, err
	}
	id = t.DatabaseName + "." + t.Name
	if isCatalogView(t) {
		view, err = s.expandView(ctx, p, e, toks[ref.start], t, expanding)
		return view, t.Name, id, true, err
	}
	src, err := s.resolveProjected(ctx, t, s.pruneFilter(ref, t, single))
	if err != nil {
		return "", "", "", false, err
	}
	p.scanned += src.bytes
	return src.sql, t.Name, id, false, nil
}

// relationPath finds an unqualified reference among the extra relations.
func relationPath(relations map[string]string, parts []string) (string, bool) {
	if len(parts) != 1 || relations == nil {
		return "", false
	}
	for name, path := range relations {
		if strings.EqualFold(name, parts[0]) {
			return path, true
		}
	}
	return "", false
}

// lookupTable finds the catalog table a reference names.
func (s *Service) lookupTable(ctx context.Context, e *Execution, at token, parts []string) (*catalog.Table, error) {
	db, name := e.Database, parts[len(parts)-1]
	switch len(parts) {
	case 2:
		db = parts[0]
	case 3:
		if !strings.EqualFold(parts[0], "awsdatacatalog") {
			return nil, userError("CATALOG_NOT_FOUND", "line %s: Catalog '%s' does not exist", lineCol(e.Query, at.pos), parts[0])
		}
		db = parts[1]
	}
	if err := checkTable(ctx, db, name); err != nil {
		return nil, err
	}
	t, err := s.catalog.GetTable(ctx, db, name)
	if err == nil {
		return t, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	if _, dbErr := s.catalog.GetDatabase(ctx, db); isNotFound(dbErr) {
		return nil, userError(ErrSchemaNotFound, "line %s: Schema '%s' does not exist", lineCol(e.Query, at.pos), db)
	}
	return nil, userError(ErrTableNotFound, "line %s: Table 'awsdatacatalog.%s.%s' does not exist", lineCol(e.Query, at.pos), db, name)
}

// pruneFilter builds the Glue partition expression from the WHERE terms
// that only constrain the table's partition keys.
func (s *Service) pruneFilter(ref tableRef, t *catalog.Table, single bool) string {
	if len(t.PartitionKeys) == 0 {
		return ""
	}
	keys := map[string]bool{}
	for _, k := range t.PartitionKeys {
		keys[strings.ToLower(k.Name)] = true
	}
	var ok []string
	for _, c := range partitionFilter(ref, keys, single) {
		if _, err := catalog.ParsePartitionFilter(c, t.PartitionKeys); err == nil {
			ok = append(ok, "("+c+")")
		}
	}
	return strings.Join(ok, " AND ")
}

// selectQuery runs a query and collects its result as CSV.
func (s *Service) selectQuery(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	begin := time.Now()
	p, err := s.prepareSelect(ctx, e, toks)
	if err != nil {
		return nil, err
	}
	labels := selectLabels(toks)
	res := &execResult{writer: s.newWriter(true), header: true, scanned: p.scanned, planning: time.Since(begin)}
	err = s.withConn(ctx, p, func(conn *sql.Conn) error {
		return scanRows(ctx, conn, p.sql, labels, func(cols []ColumnInfo) {
			res.columns = cols
			res.writer.writeRow(headerRow(cols))
			res.writer.rows, res.writer.preview = 0, nil
		}, func(vals []any, duck []string) bool {
			row := make([]*string, len(vals))
			for i, v := range vals {
				row[i] = formatValue(v, duck[i])
			}
			res.writer.writeRow(row)
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// scanRows runs a query on conn: columns gets the result's columns (named
// by labels where the SELECT list gives them), then row each row's values
// with their DuckDB types until it returns false.
func scanRows(ctx context.Context, conn *sql.Conn, query string, labels []string, columns func([]ColumnInfo), row func(vals []any, duck []string) bool) error {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return duckError(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return duckError(err)
	}
	cols := make([]ColumnInfo, len(types))
	duck := make([]string, len(types))
	for i, ct := range types {
		duck[i] = ct.DatabaseTypeName()
		name := ct.Name()
		if len(labels) == len(types) && labels[i] != "" {
			name = labels[i]
		}
		typ, prec, scale := athenaType(duck[i])
		cols[i] = ColumnInfo{CatalogName: "hive", Name: name, Label: name, Type: typ, Precision: prec, Scale: scale, Nullable: "UNKNOWN", CaseSensitive: typ == "varchar"}
	}
	columns(cols)
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return duckError(err)
		}
		if !row(vals, duck) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return duckError(err)
	}
	return nil
}

// withConn runs fn on a connection of its own holding the query's views,
// and drops them after.
func (s *Service) withConn(ctx context.Context, p *prepared, fn func(*sql.Conn) error) error {
	conn, err := s.engine.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("duckdb connection: %w", err)
	}
	defer conn.Close()
	defer func() {
		cleanup, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, n := range p.names {
			_, _ = conn.ExecContext(cleanup, "DROP VIEW IF EXISTS "+quoteIdent(n))
		}
	}()
	for i, v := range p.views {
		if _, err := conn.ExecContext(ctx, v); err != nil {
			// DuckDB quotes the generated view, which means nothing to
			// the user: report the message and the table instead.
			qe := asQueryError(duckError(err))
			msg, _, _ := strings.Cut(qe.Message, "\n\nLINE ")
			qe.Message = fmt.Sprintf("reading table %s: %s", p.tables[i], strings.TrimSpace(msg))
			if p.isView[i] {
				qe.Code, qe.Message = "INVALID_VIEW", fmt.Sprintf("Failed analyzing stored view 'awsdatacatalog.%s': %s", p.tables[i], strings.TrimSpace(msg))
			}
			return qe
		}
	}
	return fn(conn)
}

// explain returns DuckDB's plan of a query.
func (s *Service) explain(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	p, err := s.prepareSelect(ctx, e, toks[1:])
	if err != nil {
		return nil, err
	}
	res := &execResult{writer: s.newWriter(false), columns: []ColumnInfo{textColumn("Query Plan")}}
	err = s.withConn(ctx, p, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, "EXPLAIN "+p.sql)
		if err != nil {
			return duckError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return duckError(err)
			}
			for _, line := range strings.Split(strings.TrimRight(v, "\n"), "\n") {
				l := line
				res.writer.writeRow([]*string{&l})
			}
		}
		return rows.Err()
	})
	return res, err
}

func textColumn(name string) ColumnInfo {
	return ColumnInfo{CatalogName: "hive", Name: name, Label: name, Type: "varchar", Precision: 2147483647, Nullable: "UNKNOWN", CaseSensitive: true}
}

// selectLabels names the output columns of the outermost SELECT as Trino
// does: the alias, the column name of a plain column reference, else
// _colN. It returns nil when the list has a * (the names then come from
// DuckDB, which agrees with Trino for plain columns).
func selectLabels(toks []token) []string {
	depth, start := 0, -1
	for i, t := range toks {
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case depth == 0 && t.is("select"):
			start = i + 1
		}
		if start >= 0 {
			break
		}
	}
	if start < 0 {
		return nil
	}
	if start < len(toks) && (toks[start].is("distinct") || toks[start].is("all")) {
		start++
	}
	end := start
	depth = 0
	for ; end < len(toks); end++ {
		t := toks[end]
		if t.isPunct("(") || t.isPunct("[") {
			depth++
		} else if t.isPunct(")") || t.isPunct("]") {
			depth--
		}
		if depth == 0 && (t.is("from") || t.kind == tIdent && clauseEnd[t.name()]) || depth < 0 {
			break
		}
	}
	items := splitArgs(toks[start:end])
	labels := make([]string, len(items))
	for i, it := range items {
		n := len(it)
		switch {
		case n == 0:
			return nil
		case it[n-1].isPunct("*"):
			return nil
		case n >= 2 && it[n-2].is("as") && it[n-1].isName():
			labels[i] = it[n-1].name()
		case n == 1 && it[0].isName():
			labels[i] = it[0].name()
		case n >= 3 && it[n-2].isPunct(".") && it[n-1].isName() && allNamePath(it):
			labels[i] = it[n-1].name()
		case n >= 2 && it[n-1].isName() && !nonAlias[it[n-1].name()] && !beforeNonAlias[it[n-2].name()] &&
			(it[n-2].isName() || it[n-2].isPunct(")") || it[n-2].kind == tString || it[n-2].kind == tNumber) && !allNamePath(it):
			labels[i] = it[n-1].name() // implicit alias: expr name
		default:
			labels[i] = fmt.Sprintf("_col%d", i)
		}
	}
	return labels
}

var (
	nonAlias       = words(`null true false end day hour minute second month year week quarter`)
	beforeNonAlias = words(`is not and or then else interval`)
)

func allNamePath(it []token) bool {
	for k, t := range it {
		if k%2 == 0 && !t.isName() || k%2 == 1 && !t.isPunct(".") {
			return false
		}
	}
	return len(it)%2 == 1
}
