package query

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// Views are stored in the catalog the way Athena (Trino's Hive connector)
// stores them, so views made by other tools work here and views made here
// work elsewhere: TableType VIRTUAL_VIEW, Parameters presto_view=true, and
// ViewOriginalText "/* Presto View: <base64 of the JSON definition> */".

const (
	viewTableType    = "VIRTUAL_VIEW"
	prestoViewPrefix = "/* Presto View: "
	prestoViewSuffix = " */"
	prestoViewMarker = "/* Presto View */"
)

// prestoView is the view definition JSON, field names as Trino writes them.
type prestoView struct {
	OriginalSQL  string         `json:"originalSql"`
	Catalog      string         `json:"catalog"`
	Schema       string         `json:"schema"`
	Columns      []prestoColumn `json:"columns"`
	Owner        string         `json:"owner,omitempty"`
	RunAsInvoker bool           `json:"runAsInvoker"`
}

type prestoColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func isCatalogView(t *catalog.Table) bool {
	return t.TableType != nil && strings.EqualFold(*t.TableType, viewTableType)
}

// decodeView reads a view's definition from the catalog.
func decodeView(t *catalog.Table) (*prestoView, error) {
	text := ""
	if t.ViewOriginalText != nil {
		text = strings.TrimSpace(*t.ViewOriginalText)
	}
	if !strings.HasPrefix(text, prestoViewPrefix) || !strings.HasSuffix(text, "*/") {
		return nil, userError("HIVE_VIEW_TRANSLATION_ERROR", "Hive views are not supported: '%s.%s'", t.DatabaseName, t.Name)
	}
	b64 := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(text, prestoViewPrefix), "*/"))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, userError("HIVE_INVALID_VIEW_DATA", "Invalid view data for %s.%s: %v", t.DatabaseName, t.Name, err)
	}
	var v prestoView
	if err := json.Unmarshal(raw, &v); err != nil || v.OriginalSQL == "" {
		return nil, userError("HIVE_INVALID_VIEW_DATA", "Invalid view JSON for %s.%s", t.DatabaseName, t.Name)
	}
	return &v, nil
}

// viewInput is the catalog entry of a view.
func viewInput(name string, v *prestoView) (catalog.TableInput, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // Trino writes '<' and '&' as they are
	if err := enc.Encode(v); err != nil {
		return catalog.TableInput{}, fmt.Errorf("encode view: %w", err)
	}
	cols := make([]catalog.Column, len(v.Columns))
	for i, c := range v.Columns {
		h, err := hiveTypeOfTrino(c.Type)
		if err != nil {
			return catalog.TableInput{}, userError(ErrNotSupported, "View column %s: %v", c.Name, err)
		}
		cols[i] = catalog.Column{Name: c.Name, Type: ptr(h)}
	}
	return catalog.TableInput{
		Name:             name,
		TableType:        ptr(viewTableType),
		Parameters:       map[string]string{"presto_view": "true", "comment": "Presto View"},
		ViewOriginalText: ptr(prestoViewPrefix + base64.StdEncoding.EncodeToString(bytes.TrimSpace(buf.Bytes())) + prestoViewSuffix),
		ViewExpandedText: ptr(prestoViewMarker),
		StorageDescriptor: &catalog.StorageDescriptor{
			Columns: cols, Location: ptr(""), SerdeInfo: &catalog.SerDeInfo{},
		},
	}, nil
}

// expandView is the SELECT a view reference reads: the view's stored SQL,
// resolved in the view's own schema, its columns cast to the stored types.
func (s *Service) expandView(ctx context.Context, p *prepared, e *Execution, at token, t *catalog.Table, expanding []string) (string, error) {
	id := t.DatabaseName + "." + t.Name
	if slices.Contains(expanding, id) {
		return "", userError("VIEW_IS_RECURSIVE", "line %s: View is recursive", lineCol(e.Query, at.pos))
	}
	v, err := decodeView(t)
	if err != nil {
		return "", err
	}
	toks, err := lexCode(v.OriginalSQL)
	if err != nil {
		return "", s.viewFailure(e, at, id, err)
	}
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		toks = toks[:len(toks)-1]
	}
	ve := &Execution{Query: v.OriginalSQL, Database: firstNonEmpty(v.Schema, t.DatabaseName)}
	inner, err := s.prepareInto(ctx, p, ve, toks, nil, append(expanding, id))
	if err != nil {
		return "", s.viewFailure(e, at, id, err)
	}
	sel := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		h, err := hiveTypeOfTrino(c.Type)
		if err != nil {
			return "", s.viewFailure(e, at, id, err)
		}
		d, err := duckTypeOf(h)
		if err != nil {
			return "", s.viewFailure(e, at, id, err)
		}
		sel[i] = fmt.Sprintf("CAST(#%d AS %s) AS %s", i+1, d, quoteIdent(c.Name))
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (" + inner + ")", nil
}

// viewFailure is Trino's error for a view whose stored SQL no longer
// resolves.
func (s *Service) viewFailure(e *Execution, at token, id string, err error) error {
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Category == CategorySystem || qe.Code == "VIEW_IS_RECURSIVE" {
		return err
	}
	return &QueryError{Category: CategoryUser, Type: TypeUser, Code: "INVALID_VIEW", Err: err,
		Message: fmt.Sprintf("line %s: Failed analyzing stored view 'awsdatacatalog.%s': %s", lineCol(e.Query, at.pos), id, qe.Message)}
}

// createView runs CREATE [OR REPLACE] VIEW [db.]name AS query.
func (s *Service) createView(ctx context.Context, p *ddlParser, e *Execution, replace bool) error {
	db, name, err := p.qualified(e.Database)
	if err != nil {
		return err
	}
	if err := p.expect("as"); err != nil {
		return err
	}
	q := p.toks[p.i:]
	if len(q) == 0 {
		return p.errf("Expecting: a query")
	}
	if _, err := s.catalog.GetDatabase(ctx, db); isNotFound(err) {
		return userError(ErrSchemaNotFound, "line 1:1: Schema '%s' does not exist", db)
	}
	existing, err := s.catalog.GetTable(ctx, db, name)
	switch {
	case err == nil && !isCatalogView(existing):
		return userError("TABLE_ALREADY_EXISTS", "line 1:1: Table already exists: 'awsdatacatalog.%s.%s'", db, name)
	case err == nil && !replace:
		return userError("ALREADY_EXISTS", "line 1:1: View already exists: 'awsdatacatalog.%s.%s'", db, name)
	case err != nil && !isNotFound(err):
		return err
	}
	cols, err := s.viewColumns(ctx, e, q)
	if err != nil {
		return err
	}
	in, err := viewInput(name, &prestoView{OriginalSQL: sourceText(e.Query, q), Catalog: "awsdatacatalog", Schema: e.Database, Columns: cols})
	if err != nil {
		return err
	}
	if existing != nil {
		if err := checkCatalog(ctx, "glue:UpdateTable", db, name); err != nil {
			return err
		}
		return s.catalog.UpdateTable(ctx, db, in, catalog.UpdateTableOptions{})
	}
	if err := checkCatalog(ctx, "glue:CreateTable", db, name); err != nil {
		return err
	}
	return s.catalog.CreateTable(ctx, db, in, "athena")
}

// sourceText is the statement text the tokens span, as written.
func sourceText(src string, toks []token) string {
	first, last := toks[0], toks[len(toks)-1]
	if first.pos < 0 || last.pos < 0 || last.pos+len(last.text) > len(src) {
		return strings.TrimSpace(render(toks))
	}
	return src[first.pos : last.pos+len(last.text)]
}

var unnamedColumn = regexp.MustCompile(`^_col[0-9]+$`)

// viewColumns are the names and Trino types of a query's result.
func (s *Service) viewColumns(ctx context.Context, e *Execution, q []token) ([]prestoColumn, error) {
	prep, err := s.prepareSelect(ctx, e, q)
	if err != nil {
		return nil, err
	}
	labels := selectLabels(q)
	var cols []prestoColumn
	err = s.withConn(ctx, prep, func(conn *sql.Conn) error {
		var err error
		cols, err = describeQuery(ctx, conn, prep.sql)
		return err
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range cols {
		if len(labels) == len(cols) && labels[i] != "" {
			cols[i].Name = labels[i]
		}
		cols[i].Name = strings.ToLower(cols[i].Name)
		if unnamedColumn.MatchString(cols[i].Name) {
			return nil, userError("MISSING_COLUMN_NAME", "line 1:1: Column name not specified at position %d", i+1)
		}
		if seen[cols[i].Name] {
			return nil, userError("DUPLICATE_COLUMN_NAME", "line 1:1: Column name '%s' specified more than once", cols[i].Name)
		}
		seen[cols[i].Name] = true
	}
	return cols, nil
}

// describeQuery returns a query's column names and Trino types.
func describeQuery(ctx context.Context, conn *sql.Conn, query string) ([]prestoColumn, error) {
	rows, err := conn.QueryContext(ctx, "DESCRIBE "+query)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, duckError(err)
	}
	var cols []prestoColumn
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
		duck, _ := vals[1].(string)
		typ, err := trinoTypeOfDuck(duck)
		if err != nil {
			return nil, userError(ErrNotSupported, "column %s: %v", name, err)
		}
		cols = append(cols, prestoColumn{Name: name, Type: typ})
	}
	return cols, duckErrorOrNil(rows.Err())
}

// dropView runs DROP VIEW [IF EXISTS] [db.]name.
func (s *Service) dropView(ctx context.Context, p *ddlParser, e *Execution) error {
	ifExists := p.accept("if", "exists")
	db, name, err := p.qualified(e.Database)
	if err != nil {
		return err
	}
	t, err := s.catalog.GetTable(ctx, db, name)
	switch {
	case isNotFound(err) && ifExists:
		return nil
	case isNotFound(err):
		return userError(ErrTableNotFound, "line 1:1: View 'awsdatacatalog.%s.%s' does not exist", db, name)
	case err != nil:
		return err
	case !isCatalogView(t):
		return userError(ErrGeneric, "line 1:1: View 'awsdatacatalog.%s.%s' does not exist, but a table with that name exists. Did you mean DROP TABLE awsdatacatalog.%s.%s?", db, name, db, name)
	}
	if err := checkCatalog(ctx, "glue:DeleteTable", db, name); err != nil {
		return err
	}
	return s.catalog.DeleteTable(ctx, db, name)
}

// viewArg parses a view name and loads it.
func (s *Service) viewArg(ctx context.Context, p *ddlParser, e *Execution) (*catalog.Table, error) {
	t, err := s.tableArg(ctx, p, e)
	if err != nil {
		var qe *QueryError
		if errors.As(err, &qe) && qe.Code == ErrTableNotFound {
			qe.Message = strings.Replace(qe.Message, "Table ", "View ", 1)
		}
		return nil, err
	}
	if !isCatalogView(t) {
		return nil, userError(ErrNotSupported, "line 1:1: Relation 'awsdatacatalog.%s.%s' is a table, not a view", t.DatabaseName, t.Name)
	}
	return t, nil
}

// showViews runs SHOW VIEWS, SHOW CREATE VIEW and DESCRIBE VIEW; false
// when the statement is none of them.
func (s *Service) showViews(ctx context.Context, p *ddlParser, e *Execution, out *execResult) (bool, error) {
	line := func(fields ...string) {
		row := make([]*string, len(fields))
		for i := range fields {
			row[i] = &fields[i]
		}
		out.writer.writeRow(row)
	}
	switch {
	case p.accept("show", "views"):
		db := e.Database
		if p.accept("in") || p.accept("from") {
			var err error
			if db, err = p.name(); err != nil {
				return true, err
			}
		}
		p.accept("like")
		match, err := p.pattern()
		if err != nil {
			return true, err
		}
		if _, err := s.catalog.GetDatabase(ctx, db); isNotFound(err) {
			return true, userError(ErrSchemaNotFound, "Schema '%s' does not exist", db)
		}
		out.columns = []ColumnInfo{textColumn("views")}
		tables, err := s.tables(ctx, db)
		for _, t := range tables {
			if isCatalogView(&t) && match(t.Name) {
				line(t.Name)
			}
		}
		return true, err
	case p.accept("show", "create", "view"):
		t, err := s.viewArg(ctx, p, e)
		if err != nil {
			return true, err
		}
		v, err := decodeView(t)
		if err != nil {
			return true, err
		}
		out.columns = []ColumnInfo{textColumn("Create View")}
		line(fmt.Sprintf("CREATE VIEW awsdatacatalog.%s.%s SECURITY DEFINER AS", t.DatabaseName, t.Name))
		for _, l := range strings.Split(strings.TrimSpace(v.OriginalSQL), "\n") {
			line(l)
		}
		return true, nil
	case p.accept("describe", "view"):
		t, err := s.viewArg(ctx, p, e)
		if err != nil {
			return true, err
		}
		out.columns = []ColumnInfo{textColumn("col_name"), textColumn("data_type"), textColumn("comment")}
		for _, c := range t.Columns() {
			line(fmt.Sprintf("%-20s", c.Name), fmt.Sprintf("%-20s", deref(c.Type)), fmt.Sprintf("%-20s", deref(c.Comment)))
		}
		return true, nil
	}
	return false, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
