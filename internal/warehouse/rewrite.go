package warehouse

import (
	"context"
	"errors"
	"fmt"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/query"
)

// localSchemas never name an external schema, so statements over them
// need no lookup of the external schema table.
var localSchemas = words(`public pg_catalog information_schema main pg_internal temp`)

// rewrite turns a Redshift statement into DuckDB SQL: tables of external
// schemas and the system views built from the Glue catalog become
// subqueries (resolved now, so new partitions are seen), and Postgres
// catalog idioms DuckDB lacks are translated.
func (e *engine) rewrite(ctx context.Context, c *conn, sql string) (string, error) {
	toks, err := lex(sql)
	if err != nil {
		return "", err
	}
	edits := pgEdits(toks)
	sess, err := c.sessionEdits(toks)
	if err != nil {
		return "", err
	}
	edits = append(edits, sess...)
	refs, err := query.WarehouseRefs(sql)
	if err != nil {
		return "", syntaxError(err.Error())
	}
	var ext map[string]externalSchema
	for _, ref := range refs {
		parts := ref.Parts
		if len(parts) == 3 && parts[0] == database {
			parts = parts[1:]
		}
		if ext == nil && len(parts) == 2 && !localSchemas[parts[0]] {
			if ext, err = loadExternalSchemas(ctx, c); err != nil {
				return "", err
			}
		}
		src, err := e.refSource(ctx, c, parts, ext, ref, len(refs) == 1)
		if err != nil {
			return "", err
		}
		if src == "" {
			continue
		}
		text := "(" + src + ")"
		if !ref.HasAlias {
			text += " AS " + quoteIdent(parts[len(parts)-1])
		}
		edits = append(edits, edit{start: ref.Start, end: ref.End, text: text})
	}
	return applyEdits(sql, edits), nil
}

// refSource is the subquery replacing a table reference, or "" for a
// reference DuckDB resolves itself (local tables, its pg_catalog).
func (e *engine) refSource(ctx context.Context, c *conn, parts []string, ext map[string]externalSchema, ref query.WarehouseRef, single bool) (string, error) {
	if len(parts) == 2 {
		if es, ok := ext[parts[0]]; ok {
			return e.externalSource(ctx, c, es, parts[1], ref, single)
		}
	}
	if build := e.systemView(parts); build != nil {
		return build(ctx, c)
	}
	return "", nil
}

// externalSource resolves an external table through the query engine's
// Glue resolution (files, formats, partition pruning).
func (e *engine) externalSource(ctx context.Context, c *conn, es externalSchema, name string, ref query.WarehouseRef, single bool) (string, error) {
	t, err := e.opts.Catalog.GetTable(ctx, es.database, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return "", newPGError(codeUndefinedTable, fmt.Sprintf("relation %q does not exist", es.name+"."+name))
	}
	if err != nil {
		return "", fmt.Errorf("external table %s.%s: %w", es.name, name, err)
	}
	// Spectrum reads the table as the schema's IAM_ROLE.
	if err := e.spectrum(c.user).checkRead(ctx, es, t); err != nil {
		return "", err
	}
	src, err := e.opts.Query.WarehouseSource(ctx, t, ref, single)
	if err != nil {
		return "", fmt.Errorf("external table %s.%s: %w", es.name, name, err)
	}
	return src, nil
}

// requireLocal rejects writing to a table of an external schema.
func (e *engine) requireLocal(ctx context.Context, c *conn, name []token, verb string) error {
	parts := nameParts(name)
	if len(parts) == 3 && parts[0] == database {
		parts = parts[1:]
	}
	if len(parts) != 2 || localSchemas[parts[0]] {
		return nil
	}
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return err
	}
	if _, ok := ext[parts[0]]; ok {
		return newPGError(codeFeatureNotSupported, fmt.Sprintf("%s on external table %s.%s is not supported; external tables are read-only here", verb, parts[0], parts[1]))
	}
	return nil
}

// nameParts are the parts of a dotted name.
func nameParts(toks []token) []string {
	var parts []string
	for _, t := range toks {
		if t.isName() {
			parts = append(parts, t.name())
		}
	}
	return parts
}
