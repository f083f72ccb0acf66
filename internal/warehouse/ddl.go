package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// create dispatches CREATE statements.
func (e *engine) create(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	p := &parser{toks: toks[1:]}
	switch {
	case p.accept("external", "schema"):
		return e.createExternalSchema(ctx, c, p.toks[p.i:])
	case p.accept("external"):
		return nil, newPGError(codeFeatureNotSupported, "CREATE EXTERNAL TABLE is not supported; define external tables in the Glue catalog (Athena DDL, a crawler or the Glue API)")
	case p.accept("materialized", "view"):
		return e.createMatView(ctx, c, sql, p.toks[p.i:])
	case p.accept("schema"):
		p.accept("if", "not", "exists")
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		return e.createOwned(ctx, c, schemaKey(name), "CREATE SCHEMA", func() error { return execAll(ctx, c, sql) })
	case p.accept("view"), p.accept("or", "replace", "view"):
		if err := e.rejectExternalRefs(ctx, c, sql, "a view"); err != nil {
			return nil, err
		}
		name, err := p.qualified()
		if err != nil {
			return nil, err
		}
		return e.createOwned(ctx, c, c.relationKeyOf(name), "CREATE VIEW", func() error { return execAll(ctx, c, sql) })
	}
	p.accept("local")
	if p.accept("temporary") || p.accept("temp") || p.accept("table") {
		return e.createTable(ctx, c, sql, toks)
	}
	return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("CREATE %s is not supported", strings.ToUpper(toks[1].text)))
}

// drop dispatches DROP statements.
func (e *engine) drop(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	p := &parser{toks: toks[1:]}
	switch {
	case p.accept("schema"):
		return e.dropSchema(ctx, c, p.toks[p.i:])
	case p.accept("materialized", "view"):
		return e.dropMatView(ctx, c, p.toks[p.i:])
	case p.accept("table"):
		p.accept("if", "exists")
		names, err := dropNames(p)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			if err := e.requireLocal(ctx, c, nameTokens(name), "DROP TABLE"); err != nil {
				return nil, err
			}
			if err := e.rejectMatView(ctx, c, name); err != nil {
				return nil, err
			}
		}
		return e.dropRelations(ctx, c, sql, "DROP TABLE", names)
	case p.accept("view"):
		p.accept("if", "exists")
		names, err := dropNames(p)
		if err != nil {
			return nil, err
		}
		return e.dropRelations(ctx, c, sql, "DROP VIEW", names)
	}
	return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("DROP %s is not supported", strings.ToUpper(toks[1].text)))
}

// dropNames reads the comma-separated names a DROP lists.
func dropNames(p *parser) ([][]string, error) {
	var names [][]string
	for !p.done() {
		name, err := p.qualified()
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		if !p.acceptPunct(",") {
			break
		}
	}
	return names, nil
}

// dropRelations runs a DROP TABLE/VIEW and forgets the owners and grants
// of what it dropped, in one transaction.
func (e *engine) dropRelations(ctx context.Context, c *conn, sql, tag string, names [][]string) (*result, error) {
	err := inTx(ctx, c, func() error {
		if err := execAll(ctx, c, sql); err != nil {
			return err
		}
		for _, name := range names {
			schema, rel := splitName(name)
			if err := forgetRecords(ctx, c, schema, rel); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: tag}, nil
}

// passThrough runs a statement DuckDB understands as written.
func (e *engine) passThrough(ctx context.Context, c *conn, sql, tag string) (*result, error) {
	if err := execAll(ctx, c, sql); err != nil {
		return nil, err
	}
	return &result{tag: tag}, nil
}

// rejectExternalRefs refuses statements that would store a reference to
// an external table (a view would freeze the files listed today).
func (e *engine) rejectExternalRefs(ctx context.Context, c *conn, sql, what string) error {
	rewritten, err := e.rewrite(ctx, c, sql)
	if err != nil {
		return err
	}
	if rewritten != applyEdits(sql, pgEditsOf(sql)) {
		return newPGError(codeFeatureNotSupported, fmt.Sprintf("%s over external tables or system views is not supported; use a materialized view", what))
	}
	return nil
}

// createTable translates Redshift's CREATE TABLE (and CREATE TABLE AS)
// for DuckDB.
func (e *engine) createTable(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	nameAt := 2
	for nameAt < len(toks) && !toks[nameAt-1].is("table") {
		nameAt++
	}
	p := &parser{toks: toks, i: nameAt}
	p.accept("if", "not", "exists")
	start := p.i
	name, err := p.qualified()
	if err != nil {
		return nil, err
	}
	if err := e.requireLocal(ctx, c, toks[start:p.i], "CREATE TABLE"); err != nil {
		return nil, err
	}
	edits, isCTAS, err := tableEdits(toks, p.i)
	if err != nil {
		return nil, err
	}
	translated := applyEdits(sql, edits)
	run := func() error { return execAll(ctx, c, translated) }
	if !isCTAS {
		return e.createTableOwned(ctx, c, toks, name, "CREATE TABLE", run)
	}
	rewritten, err := e.rewrite(ctx, c, translated)
	if err != nil {
		return nil, err
	}
	run = func() error { return execAll(ctx, c, rewritten) }
	if _, err := e.createTableOwned(ctx, c, toks, name, "SELECT", run); err != nil {
		return nil, err
	}
	n, err := queryStrings(ctx, c, "SELECT count(*) FROM "+qualifiedName(name))
	if err != nil || len(n) == 0 {
		return &result{tag: "SELECT"}, err
	}
	return &result{tag: "SELECT " + n[0]}, nil
}

func qualifiedName(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = quoteIdent(p)
	}
	return strings.Join(q, ".")
}

func nameTokens(parts []string) []token {
	var out []token
	for i, p := range parts {
		if i > 0 {
			out = append(out, token{kind: tPunct, text: "."})
		}
		out = append(out, token{kind: tQuoted, text: quoteIdent(p)})
	}
	return out
}
