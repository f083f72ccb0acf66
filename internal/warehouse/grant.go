package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// UserDirectory tells whether a database user exists: IAM users are the
// database's users (the IAM service, through a small adapter).
type UserDirectory interface {
	UserExists(ctx context.Context, name string) (bool, error)
}

// privilegesFor are the privileges each object kind takes; ALL means
// every one of them.
var privilegesFor = map[string][]string{
	kindRelation: {"SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "REFERENCES"},
	kindSchema:   {"USAGE", "CREATE"},
	kindDatabase: {"CREATE", "TEMP"},
}

// grantStmt is a parsed GRANT or REVOKE.
type grantStmt struct {
	revoke   bool
	privs    []string
	kind     string
	objects  []objKey
	grantees []string
}

// grant runs GRANT or REVOKE:
//
//	GRANT privs ON [TABLE] t[, ...] | ALL TABLES IN SCHEMA s | SCHEMA s[, ...] | DATABASE d
//	  TO {user | PUBLIC}[, ...]
//	REVOKE privs ON ... FROM {user | PUBLIC}[, ...] [CASCADE | RESTRICT]
func (e *engine) grant(ctx context.Context, c *conn, toks []token) (*result, error) {
	g, err := parseGrant(toks)
	if err != nil {
		return nil, err
	}
	if err := e.resolveGrantObjects(ctx, c, g); err != nil {
		return nil, err
	}
	if err := e.checkGrantees(ctx, g.grantees); err != nil {
		return nil, err
	}
	if !c.superuser {
		a, err := loadACL(ctx, c, c.user)
		if err != nil {
			return nil, err
		}
		for _, o := range g.objects {
			if !a.owns(o) {
				return nil, grantDenied(o)
			}
		}
	}
	err = inTx(ctx, c, func() error { return storeGrant(ctx, c, g) })
	if err != nil {
		return nil, err
	}
	if g.revoke {
		return &result{tag: "REVOKE"}, nil
	}
	return &result{tag: "GRANT"}, nil
}

func grantDenied(o objKey) error {
	switch o.kind {
	case kindSchema:
		return deniedSchema(o.schema)
	case kindDatabase:
		return deniedDatabase()
	}
	return deniedRelation(o.name)
}

func storeGrant(ctx context.Context, c *conn, g *grantStmt) error {
	for _, o := range g.objects {
		for _, who := range g.grantees {
			for _, priv := range g.privs {
				q := `INSERT OR IGNORE INTO ` + internalSchema + `.grants VALUES (?, ?, ?, ?, ?)`
				if g.revoke {
					q = `DELETE FROM ` + internalSchema + `.grants WHERE kind = ? AND schemaname = ? AND name = ? AND grantee = ? AND privilege = ?`
				}
				if _, err := c.ExecContext(ctx, q, o.kind, o.schema, o.name, who, priv); err != nil {
					return duckError(err)
				}
			}
		}
	}
	return nil
}

func parseGrant(toks []token) (*grantStmt, error) {
	g := &grantStmt{revoke: toks[0].is("revoke")}
	p := &parser{toks: toks[1:]}
	if g.revoke && p.accept("grant", "option", "for") {
		return nil, newPGError(codeFeatureNotSupported, "REVOKE GRANT OPTION FOR is not supported")
	}
	var words []string
	for !p.done() && !p.toks[p.i].is("on") {
		if !p.acceptPunct(",") {
			words = append(words, strings.ToUpper(p.toks[p.i].text))
			p.i++
		}
	}
	if !p.accept("on") {
		return nil, p.errorf("expected ON")
	}
	if err := parseGrantObjects(p, g); err != nil {
		return nil, err
	}
	privs, err := grantPrivileges(words, g.kind)
	if err != nil {
		return nil, err
	}
	g.privs = privs
	if (!g.revoke && !p.accept("to")) || (g.revoke && !p.accept("from")) {
		return nil, p.errorf("expected " + map[bool]string{false: "TO", true: "FROM"}[g.revoke])
	}
	if err := parseGrantees(p, g); err != nil {
		return nil, err
	}
	return g, nil
}

// parseGrantObjects reads what follows ON.
func parseGrantObjects(p *parser, g *grantStmt) error {
	switch {
	case p.accept("all", "tables", "in", "schema"):
		g.kind = kindRelation
		name, err := p.ident()
		g.objects = []objKey{{kind: "all-tables", schema: name}}
		return err
	case p.accept("schema"):
		g.kind = kindSchema
	case p.accept("database"):
		g.kind = kindDatabase
	case p.accept("function"), p.accept("procedure"), p.accept("language"), p.accept("external"), p.accept("datashare"), p.accept("model"):
		return newPGError(codeFeatureNotSupported, "GRANT and REVOKE support tables, views, schemas and the database only")
	default:
		p.accept("table")
		g.kind = kindRelation
	}
	for {
		name, err := p.qualified()
		if err != nil {
			return err
		}
		switch g.kind {
		case kindSchema:
			g.objects = append(g.objects, schemaKey(name[len(name)-1]))
		case kindDatabase:
			g.objects = append(g.objects, objKey{kind: kindDatabase, name: name[len(name)-1]})
		default:
			schema, table := "", name[len(name)-1]
			if len(name) > 1 {
				schema = name[len(name)-2]
			}
			g.objects = append(g.objects, relationKey(schema, table))
		}
		if !p.acceptPunct(",") {
			return nil
		}
	}
}

// grantPrivileges checks the privilege words against the object kind.
func grantPrivileges(words []string, kind string) ([]string, error) {
	valid := privilegesFor[kind]
	if len(words) == 1 && words[0] == "ALL" || len(words) == 2 && words[0] == "ALL" && words[1] == "PRIVILEGES" {
		return valid, nil
	}
	if len(words) == 0 {
		return nil, syntaxError("expected a privilege")
	}
	for i, w := range words {
		if w == "TEMPORARY" {
			w, words[i] = "TEMP", "TEMP"
		}
		ok := false
		for _, v := range valid {
			ok = ok || v == w
		}
		if !ok {
			return nil, newPGError(codeInvalidGrant, fmt.Sprintf("invalid privilege type %s for %s", w, kind))
		}
	}
	return words, nil
}

func parseGrantees(p *parser, g *grantStmt) error {
	for {
		switch {
		case p.accept("public"):
			g.grantees = append(g.grantees, publicGrantee)
		case p.accept("group"), p.accept("role"), p.accept("iam_role"):
			return newPGError(codeFeatureNotSupported, "only users and PUBLIC can be granted privileges; groups and roles are not supported")
		default:
			name, err := p.ident()
			if err != nil {
				return err
			}
			g.grantees = append(g.grantees, name)
		}
		if !p.acceptPunct(",") {
			break
		}
	}
	if p.accept("with", "grant", "option") {
		return newPGError(codeFeatureNotSupported, "WITH GRANT OPTION is not supported")
	}
	if g.revoke && !p.accept("cascade") {
		p.accept("restrict")
	}
	if !p.done() {
		return p.errorf("unexpected text")
	}
	return nil
}

// checkGrantees refuses names that are neither PUBLIC nor IAM users.
func (e *engine) checkGrantees(ctx context.Context, names []string) error {
	for _, n := range names {
		if n == publicGrantee || e.opts.Directory == nil {
			continue
		}
		ok, err := e.opts.Directory.UserExists(ctx, n)
		if err != nil {
			return fmt.Errorf("look up user %s: %w", n, err)
		}
		if !ok {
			return newPGError(codeUndefinedObject, fmt.Sprintf("user %q does not exist", n))
		}
	}
	return nil
}

// resolveGrantObjects checks the objects exist, expands ALL TABLES IN
// SCHEMA and qualifies table names.
func (e *engine) resolveGrantObjects(ctx context.Context, c *conn, g *grantStmt) error {
	var out []objKey
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return err
	}
	for _, o := range g.objects {
		keys, err := e.resolveGrantObject(ctx, c, o, ext)
		if err != nil {
			return err
		}
		out = append(out, keys...)
	}
	g.objects = out
	return nil
}

func (e *engine) resolveGrantObject(ctx context.Context, c *conn, o objKey, ext map[string]externalSchema) ([]objKey, error) {
	switch o.kind {
	case kindDatabase:
		if o.name != database {
			return nil, newPGError(codeInvalidCatalogName, fmt.Sprintf("database %q does not exist", o.name))
		}
		return []objKey{databaseKey()}, nil
	case kindSchema, "all-tables":
		if ok, err := schemaExists(ctx, c, o.schema); err != nil || !ok {
			if err == nil {
				err = newPGError(codeUndefinedSchema, fmt.Sprintf("schema %q does not exist", o.schema))
			}
			return nil, err
		}
		if o.kind == kindSchema {
			return []objKey{o}, nil
		}
		return schemaRelations(ctx, c, o.schema)
	}
	if _, ok := ext[o.schema]; ok {
		return nil, newPGError(codeFeatureNotSupported, "Operation not supported on external tables; grant USAGE on the external schema instead")
	}
	schemas := []string{o.schema}
	if o.schema == "" {
		schemas = c.searchPath()
	}
	for _, s := range schemas {
		if ok, err := relationExists(ctx, c, s, o.name); err != nil || ok {
			return []objKey{relationKey(s, o.name)}, err
		}
	}
	return nil, relationError([]string{o.name})
}

func schemaRelations(ctx context.Context, c *conn, schema string) ([]objKey, error) {
	names, err := queryStrings(ctx, c, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ?
		UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND schema_name = ?`, schema, schema)
	out := make([]objKey, len(names))
	for i, n := range names {
		out[i] = relationKey(schema, n)
	}
	return out, err
}
