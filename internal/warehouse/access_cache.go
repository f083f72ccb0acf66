package warehouse

import (
	"context"
	"strings"
)

// privilegeState is what the privilege checks read from the catalog: the
// session user's owners and grants, the relations and the external
// schemas. Reading it takes several catalog queries, so a session keeps
// it until any session runs a statement that could change it (see
// noteCatalogChange).
type privilegeState struct {
	gen uint64
	acl *acl
	rel *relations
	ext map[string]externalSchema
	// others are the ACLs of view owners, read as views are checked.
	others map[string]*acl
}

// privileges is the session's privilegeState, re-read when stale.
func (e *engine) privileges(ctx context.Context, c *conn) (*privilegeState, error) {
	// Read before loading: a change that lands while loading makes the
	// state stale at once rather than hiding behind a newer number.
	gen := e.catalogGen.Load()
	if c.priv != nil && c.priv.gen == gen {
		return c.priv, nil
	}
	a, err := loadACL(ctx, c, c.user)
	if err != nil {
		return nil, err
	}
	rel, err := loadRelations(ctx, c)
	if err != nil {
		return nil, err
	}
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return nil, err
	}
	c.priv = &privilegeState{gen: gen, acl: a, rel: rel, ext: ext, others: map[string]*acl{}}
	return c.priv, nil
}

// aclOf is user's ACL in this state.
func (st *privilegeState) aclOf(ctx context.Context, c *conn, user string) (*acl, error) {
	if user == st.acl.user {
		return st.acl, nil
	}
	if a, ok := st.others[user]; ok {
		return a, nil
	}
	a, err := loadACL(ctx, c, user)
	if err != nil {
		return nil, err
	}
	st.others[user] = a
	return a, nil
}

// noteCatalogChange marks every session's privilegeState stale after a
// statement that may have changed owners, grants, relations or schemas:
// anything but a read, a session setting, or a non-superuser's DML
// (which the checks keep away from pg_internal). Transaction ends count,
// as they publish or undo such changes.
func (e *engine) noteCatalogChange(c *conn, toks []token) {
	first := toks[0]
	switch {
	case first.is("select"), first.is("with"), first.is("values"), first.is("table"), first.isPunct("("),
		first.is("explain"), first.is("show"), first.is("set"), first.is("reset"), first.is("begin"), first.is("start"):
		return
	case !c.superuser && (first.is("insert") || first.is("update") || first.is("delete") || first.is("copy")):
		return
	}
	e.catalogGen.Add(1)
}

// maxReadSets bounds a session's cache of parsed statements.
const maxReadSets = 256

// readSet is what sql reads, parsed once per session and statement shape:
// what a statement reads does not depend on its literals, and the
// extended protocol runs one statement with many parameter values.
func (c *conn) readSet(ctx context.Context, sql string) (*readSet, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	key := statementShape(toks)
	if set, ok := c.readSets[key]; ok {
		return set, nil
	}
	set, err := parseReads(ctx, c, sql)
	if err != nil {
		return nil, err
	}
	if c.readSets == nil || len(c.readSets) >= maxReadSets {
		c.readSets = map[string]*readSet{}
	}
	c.readSets[key] = set
	return set, nil
}

// statementShape is the statement with its number and string literals
// blanked out.
func statementShape(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		switch t.kind {
		case tNumber, tString:
			b.WriteString("?")
		default:
			b.WriteString(t.text)
		}
		b.WriteByte(' ')
	}
	return b.String()
}
