package warehouse

import (
	"context"
	"fmt"
	"time"
)

// A materialized view is a local table holding its query's result plus
// the query text in pg_internal.materialized_views; REFRESH re-runs the
// query (resolving external tables afresh) and replaces the rows in one
// transaction.

// createMatView handles CREATE MATERIALIZED VIEW mv [BACKUP YES|NO]
// [AUTO REFRESH NO] AS query; toks start after MATERIALIZED VIEW.
func (e *engine) createMatView(ctx context.Context, c *conn, sql string, toks []token) (*result, error) {
	p := &parser{toks: toks}
	name, err := p.qualified()
	if err != nil {
		return nil, err
	}
	schema, table := splitName(name)
	for !p.accept("as") {
		switch {
		case p.accept("backup", "yes"), p.accept("backup", "no"), p.accept("auto", "refresh", "no"):
		case p.accept("auto", "refresh", "yes"):
			return nil, newPGError(codeFeatureNotSupported, "AUTO REFRESH YES is not supported; run REFRESH MATERIALIZED VIEW")
		default:
			return nil, p.errorf("expected AS")
		}
	}
	if p.done() {
		return nil, syntaxError("CREATE MATERIALIZED VIEW needs a query after AS")
	}
	if err := e.requireLocal(ctx, c, nameTokens(name), "CREATE MATERIALIZED VIEW"); err != nil {
		return nil, err
	}
	def := sql[p.toks[p.i].pos:]
	src, err := e.rewrite(ctx, c, def)
	if err != nil {
		return nil, err
	}
	err = inTx(ctx, c, func() error {
		if err := execAll(ctx, c, "CREATE TABLE "+qualifiedName([]string{schema, table})+" AS "+src); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `INSERT INTO `+internalSchema+`.materialized_views VALUES (?, ?, ?, ?)`, schema, table, def, time.Now().UTC())
		if err != nil {
			return duckError(err)
		}
		return recordCreated(ctx, c, relationKey(schema, table))
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: "CREATE MATERIALIZED VIEW"}, nil
}

// refresh handles REFRESH MATERIALIZED VIEW mv.
func (e *engine) refresh(ctx context.Context, c *conn, toks []token) (*result, error) {
	p := &parser{toks: toks[1:]}
	if !p.accept("materialized", "view") {
		return nil, p.errorf("expected MATERIALIZED VIEW")
	}
	name, err := p.qualified()
	if err != nil {
		return nil, err
	}
	if !p.done() {
		return nil, p.errorf("unexpected text after the view name")
	}
	schema, table := splitName(name)
	def, err := matViewDefinition(ctx, c, schema, table)
	if err != nil {
		return nil, err
	}
	src, err := e.rewrite(ctx, c, def)
	if err != nil {
		return nil, err
	}
	target := qualifiedName([]string{schema, table})
	err = inTx(ctx, c, func() error {
		if err := execAll(ctx, c, "DELETE FROM "+target, "INSERT INTO "+target+" "+src); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `UPDATE `+internalSchema+`.materialized_views SET refreshed = ? WHERE schemaname = ? AND name = ?`, time.Now().UTC(), schema, table)
		if err != nil {
			return duckError(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: "REFRESH", notices: []notice{{"INFO", fmt.Sprintf("Materialized view %s was refreshed", table)}}}, nil
}

// dropMatView handles DROP MATERIALIZED VIEW [IF EXISTS] mv [CASCADE|RESTRICT].
func (e *engine) dropMatView(ctx context.Context, c *conn, toks []token) (*result, error) {
	p := &parser{toks: toks}
	ifExists := p.accept("if", "exists")
	name, err := p.qualified()
	if err != nil {
		return nil, err
	}
	if !p.accept("cascade") {
		p.accept("restrict")
	}
	if !p.done() {
		return nil, p.errorf("unexpected text after the view name")
	}
	schema, table := splitName(name)
	if _, err := matViewDefinition(ctx, c, schema, table); err != nil {
		if ifExists {
			return &result{tag: "DROP MATERIALIZED VIEW", notices: []notice{{"NOTICE", fmt.Sprintf("materialized view %q does not exist, skipping", table)}}}, nil
		}
		return nil, err
	}
	err = inTx(ctx, c, func() error {
		if err := execAll(ctx, c, "DROP TABLE "+qualifiedName([]string{schema, table})); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `DELETE FROM `+internalSchema+`.materialized_views WHERE schemaname = ? AND name = ?`, schema, table)
		if err != nil {
			return duckError(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: "DROP MATERIALIZED VIEW"}, nil
}

// rejectMatView refuses DROP TABLE on a materialized view, as Redshift.
func (e *engine) rejectMatView(ctx context.Context, c *conn, name []string) error {
	schema, table := splitName(name)
	if _, err := matViewDefinition(ctx, c, schema, table); err == nil {
		return newPGError(codeWrongObjectType, fmt.Sprintf("%q is a materialized view; use DROP MATERIALIZED VIEW", table))
	}
	return nil
}

func matViewDefinition(ctx context.Context, c *conn, schema, table string) (string, error) {
	defs, err := queryStrings(ctx, c, `SELECT definition FROM `+internalSchema+`.materialized_views WHERE schemaname = ? AND name = ?`, schema, table)
	if err != nil {
		return "", err
	}
	if len(defs) == 0 {
		return "", newPGError(codeUndefinedTable, fmt.Sprintf("materialized view %q does not exist", table))
	}
	return defs[0], nil
}

// splitName is (schema, table) of a one- or two-part name; unqualified
// names live in public, the default schema.
func splitName(parts []string) (string, string) {
	if len(parts) >= 2 {
		return parts[len(parts)-2], parts[len(parts)-1]
	}
	return "public", parts[0]
}
