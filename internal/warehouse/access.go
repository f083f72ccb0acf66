package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// checker decides one statement of a user who is not a superuser. Which
// tables a query reads comes from DuckDB's own parser
// (json_serialize_sql), so subqueries, CTEs, parenthesized joins and
// table functions are all seen; names that resolve to nothing are refused
// rather than left to DuckDB, which would read them as files.
type checker struct {
	e   *engine
	c   *conn
	acl *acl
	rel *relations
	ext map[string]externalSchema
	// depth counts the views being checked through (see viewReads).
	depth int
	state *privilegeState
}

// authorize checks a statement before it runs; superusers never get here.
func (e *engine) authorize(ctx context.Context, c *conn, sql string, toks []token) error {
	st, err := e.privileges(ctx, c)
	if err != nil {
		return err
	}
	k := &checker{e: e, c: c, acl: st.acl, rel: st.rel, ext: st.ext, state: st}
	return k.statement(ctx, sql, toks)
}

func (k *checker) statement(ctx context.Context, sql string, toks []token) error {
	first := toks[0]
	switch {
	case first.is("explain"):
		i := 1
		for i < len(toks) && (toks[i].is("analyze") || toks[i].is("verbose")) {
			i++
		}
		if i == len(toks) {
			return nil
		}
		return k.statement(ctx, sql[toks[i].pos:], toks[i:])
	case first.is("select"), first.is("with"), first.is("values"), first.is("table"), first.isPunct("("):
		return k.reads(ctx, sql)
	case first.is("insert"), first.is("update"), first.is("delete"):
		return k.dml(ctx, sql, toks)
	case first.is("truncate"), first.is("alter"):
		return k.alter(toks)
	case first.is("create"):
		return k.create(ctx, sql, toks)
	case first.is("drop"):
		return k.drop(toks)
	case first.is("copy"):
		spec, err := parseCopy(toks[1:])
		if err != nil {
			return err
		}
		return k.needRelation(spec.table, "INSERT")
	case first.is("refresh") && len(toks) > 3:
		return k.ownName(toks[3:])
	case first.is("comment"):
		return k.comment(toks)
	}
	return nil
}

// reads checks every table and table function a query reads.
func (k *checker) reads(ctx context.Context, sql string) error {
	set, err := k.c.readSet(ctx, sql)
	if err != nil {
		return err
	}
	for _, f := range set.functions {
		if err := tableFunction(f); err != nil {
			return err
		}
	}
	for _, parts := range set.tables {
		if err := k.readTable(ctx, parts); err != nil {
			return err
		}
	}
	return nil
}

// readSet is what a query reads: table names (CTE names left out) and
// table functions, as DuckDB's parser finds them.
type readSet struct {
	tables    [][]string
	functions []string
}

// parseReads asks DuckDB's parser (json_serialize_sql) what sql reads.
func parseReads(ctx context.Context, c *conn, sql string) (*readSet, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	edits := pgEdits(toks)
	sess, err := c.sessionEdits(toks)
	if err != nil {
		return nil, err
	}
	var out string
	// The function takes only a constant.
	err = c.QueryRowContext(ctx, `SELECT CAST(json_serialize_sql(`+quoteString(applyEdits(sql, append(edits, sess...)))+`) AS VARCHAR)`).Scan(&out)
	if err != nil {
		return nil, duckError(err)
	}
	var tree map[string]any
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		return nil, fmt.Errorf("statement tree: %w", err)
	}
	if failed, _ := tree["error"].(bool); failed {
		msg, _ := tree["error_message"].(string)
		return nil, syntaxError(msg)
	}
	set := &readSet{}
	set.collect(tree, nil)
	return set, nil
}

// collect visits a parse tree; ctes are the CTE names in scope.
func (set *readSet) collect(node any, ctes map[string]bool) {
	switch n := node.(type) {
	case []any:
		for _, v := range n {
			set.collect(v, ctes)
		}
	case map[string]any:
		ctes = withCTEs(n, ctes)
		switch n["type"] {
		case "BASE_TABLE":
			if parts := tableParts(n); len(parts) != 1 || !ctes[strings.ToLower(parts[0])] {
				set.tables = append(set.tables, parts)
			}
		case "TABLE_FUNCTION":
			f, _ := n["function"].(map[string]any)
			name, _ := f["function_name"].(string)
			set.functions = append(set.functions, name)
		}
		for _, v := range n {
			set.collect(v, ctes)
		}
	}
}

// withCTEs adds the names a node's WITH clause defines.
func withCTEs(n map[string]any, ctes map[string]bool) map[string]bool {
	m, _ := n["cte_map"].(map[string]any)
	entries, _ := m["map"].([]any)
	if len(entries) == 0 {
		return ctes
	}
	out := map[string]bool{}
	for name := range ctes {
		out[name] = true
	}
	for _, e := range entries {
		if entry, ok := e.(map[string]any); ok {
			name, _ := entry["key"].(string)
			out[strings.ToLower(name)] = true
		}
	}
	return out
}

func tableParts(n map[string]any) []string {
	var parts []string
	for _, key := range []string{"catalog_name", "schema_name", "table_name"} {
		if s, _ := n[key].(string); s != "" {
			parts = append(parts, s)
		}
	}
	return parts
}

// allowedTableFunctions generate rows or describe the catalog; every
// other table function (files, other databases, query strings) is
// refused to users who are not superusers.
var allowedTableFunctions = words(`unnest range generate_series generate_subscripts`)

func tableFunction(name string) error {
	if allowedTableFunctions[strings.ToLower(name)] || strings.HasPrefix(strings.ToLower(name), "duckdb_") && name != "duckdb_secrets" {
		return nil
	}
	return newPGError(codeInsufficientPrivilege, "permission denied for function "+name)
}

// readTable checks SELECT on one table reference.
func (k *checker) readTable(ctx context.Context, parts []string) error {
	r, err := k.resolve(parts)
	if err != nil {
		return err
	}
	switch r.kind {
	case refExternal:
		if !k.acl.has(schemaKey(r.schema), "USAGE") {
			return deniedSchema(r.schema)
		}
	case refLocal:
		if err := k.acl.useRelation(r.schema, r.name, "SELECT"); err != nil {
			return err
		}
		if body, ok := k.rel.views[[2]string{r.schema, r.name}]; ok {
			return k.viewReads(ctx, r, body)
		}
	case refMissing:
		return newPGError(codeUndefinedTable, fmt.Sprintf("relation %q does not exist", strings.Join(parts, ".")))
	}
	return nil
}

// needRelation checks priv on a written target (a missing one is left
// for the statement itself to report).
func (k *checker) needRelation(parts []string, priv string) error {
	r, err := k.resolve(parts)
	if err != nil || r.kind != refLocal {
		return err
	}
	return k.acl.useRelation(r.schema, r.name, priv)
}

// ownName checks ownership of the relation named at toks[0:].
func (k *checker) ownName(toks []token) error {
	p := &parser{toks: toks}
	p.accept("if", "exists")
	name, err := p.qualified()
	if err != nil {
		return err
	}
	return k.own(name, "")
}

func (k *checker) own(parts []string, alsoPriv string) error {
	r, err := k.resolve(parts)
	if err != nil || r.kind != refLocal {
		return err
	}
	return k.acl.ownRelation(r.schema, r.name, alsoPriv)
}

func (k *checker) ownSchema(name string) error {
	if !k.acl.owns(schemaKey(name)) {
		return notOwner("schema", name)
	}
	return nil
}
