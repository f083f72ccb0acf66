package warehouse

import (
	"context"
	"strings"
)

// What each kind of statement needs of a user who is not a superuser.

// dml checks INSERT, UPDATE or DELETE on the target and SELECT on every
// table the statement reads besides (its query, FROM/USING, WHERE,
// RETURNING).
func (k *checker) dml(ctx context.Context, sql string, toks []token) error {
	i, j, verb := dmlTargetAt(toks)
	target := nameParts(toks[i:j])
	if err := k.needRelation(target, verb); err != nil {
		return err
	}
	reads, returning := readPart(sql, toks, j, verb)
	if returning {
		if err := k.needRelation(target, "SELECT"); err != nil {
			return err
		}
	}
	if reads == "" {
		return nil
	}
	return k.reads(ctx, reads)
}

// readPart is a SELECT naming what a data statement reads besides its
// target (only parsed, never run), and whether it has RETURNING.
func readPart(sql string, toks []token, j int, verb string) (string, bool) {
	clauses := topLevel(toks, j, "set", "from", "using", "where", "returning")
	if verb == "INSERT" {
		clauses = topLevel(toks, j, "returning", "on") // ON CONFLICT
	}
	text := func(kw string) string {
		start, ok := clauses[kw]
		if !ok {
			return ""
		}
		end := len(sql)
		for _, other := range clauses {
			if other > start && toks[other].pos < end {
				end = toks[other].pos
			}
		}
		return sql[toks[start].end():end]
	}
	_, returning := clauses["returning"]
	switch verb {
	case "INSERT":
		k := j
		if k < len(toks) && toks[k].isPunct("(") && k+1 < len(toks) && !isQueryStart(toks[k+1]) {
			k = matchParen(toks, k) + 1
		}
		if k <= 0 || k >= len(toks) || toks[k].is("default") {
			return "", returning
		}
		end := len(sql)
		for _, kw := range []string{"returning", "on"} {
			if at, ok := clauses[kw]; ok && toks[at].pos < end {
				end = toks[at].pos
			}
		}
		return sql[toks[k].pos:end], returning
	case "UPDATE":
		q := "SELECT " + strings.Join(assignedValues(sql, toks, clauses["set"]), ", ")
		return q + optional(" FROM ", text("from")) + optional(" WHERE ", text("where")), returning
	case "DELETE":
		return "SELECT 1" + optional(" FROM ", text("using")) + optional(" WHERE ", text("where")), returning
	}
	return "", false
}

func optional(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}

func isQueryStart(t token) bool {
	return t.is("select") || t.is("with") || t.is("values") || t.isPunct("(")
}

// topLevel finds the first depth-0 occurrence of each keyword from toks[from:].
func topLevel(toks []token, from int, kws ...string) map[string]int {
	found := map[string]int{}
	depth := 0
	for i := from; i < len(toks); i++ {
		switch t := toks[i]; {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case depth == 0 && t.kind == tIdent:
			for _, kw := range kws {
				if _, seen := found[kw]; !seen && t.is(kw) {
					found[kw] = i
				}
			}
		}
	}
	return found
}

// assignedValues are the right-hand sides of UPDATE's SET list.
func assignedValues(sql string, toks []token, set int) []string {
	if set == 0 {
		return []string{"1"}
	}
	end := len(toks)
	if c := topLevel(toks, set+1, "from", "where", "returning"); len(c) > 0 {
		for _, at := range c {
			end = min(end, at)
		}
	}
	var out []string
	for _, el := range splitTop(toks, set+1, end) {
		for i := el[0]; i < el[1]; i++ {
			if toks[i].isPunct("=") && i+1 < el[1] {
				out = append(out, sql[toks[i+1].pos:toks[el[1]-1].end()])
				break
			}
		}
	}
	if len(out) == 0 {
		return []string{"1"}
	}
	return out
}

// alter checks TRUNCATE and ALTER: only owners may.
func (k *checker) alter(toks []token) error {
	p := &parser{toks: toks[1:]}
	switch {
	case toks[0].is("truncate"):
		p.accept("table")
	case p.accept("table"), p.accept("view"):
	case p.accept("schema"):
		name, err := p.ident()
		if err != nil {
			return err
		}
		return k.ownSchema(name)
	default:
		return newPGError(codeInsufficientPrivilege, "permission denied: must be superuser")
	}
	return k.ownName(p.toks[p.i:])
}

// create checks CREATE on the schema (or the database, for schemas) and
// SELECT on what a CREATE ... AS query reads.
func (k *checker) create(ctx context.Context, sql string, toks []token) error {
	p := &parser{toks: toks[1:]}
	switch {
	case p.accept("external", "schema"), p.accept("schema"):
		if !k.acl.has(databaseKey(), "CREATE") {
			return deniedDatabase()
		}
		return nil
	case p.accept("materialized", "view"), p.accept("view"):
	case p.accept("or", "replace", "view"):
		start := p.i
		name, err := p.qualified()
		if err != nil {
			return err
		}
		if r, err := k.resolve(name); err != nil || r.kind == refLocal {
			if err == nil {
				err = k.acl.ownRelation(r.schema, r.name, "")
			}
			if err != nil {
				return err
			}
			return k.asQuery(ctx, sql, toks[1+p.i:])
		}
		p.i = start
	default:
		p.accept("local")
		if p.accept("temporary") || p.accept("temp") {
			return k.asQuery(ctx, sql, toks[1+p.i:])
		}
		p.accept("table")
	}
	p.accept("if", "not", "exists")
	name, err := p.qualified()
	if err != nil {
		return err
	}
	schema := k.c.searchPath()[0]
	if len(name) > 1 {
		schema = name[len(name)-2]
	}
	if err := k.acl.createIn(schema); err != nil {
		return err
	}
	return k.asQuery(ctx, sql, toks[1+p.i:])
}

// asQuery checks the query after a depth-0 AS, if any.
func (k *checker) asQuery(ctx context.Context, sql string, toks []token) error {
	at, ok := topLevel(toks, 0, "as")["as"]
	if !ok || at+1 >= len(toks) {
		return nil
	}
	return k.reads(ctx, sql[toks[at+1].pos:])
}

// drop checks ownership (or the DROP privilege) of what is dropped.
func (k *checker) drop(toks []token) error {
	p := &parser{toks: toks[1:]}
	isSchema := p.accept("schema")
	if !isSchema && !p.accept("table") && !p.accept("view") && !p.accept("materialized", "view") {
		return nil
	}
	p.accept("if", "exists")
	for !p.done() {
		name, err := p.qualified()
		if err != nil {
			return err
		}
		if isSchema {
			err = k.ownSchema(name[len(name)-1])
		} else {
			err = k.own(name, "DROP")
		}
		if err != nil {
			return err
		}
		if !p.acceptPunct(",") {
			break
		}
	}
	return nil
}

// comment checks ownership of the object COMMENT ON names.
func (k *checker) comment(toks []token) error {
	p := &parser{toks: toks[1:]}
	if !p.accept("on") {
		return nil
	}
	switch {
	case p.accept("schema"):
		name, err := p.ident()
		if err != nil {
			return err
		}
		return k.ownSchema(name)
	case p.accept("column"):
		name, err := p.qualified()
		if err != nil || len(name) < 2 {
			return err
		}
		return k.own(name[:len(name)-1], "")
	case p.accept("table"), p.accept("view"), p.accept("materialized", "view"):
		return k.ownName(p.toks[p.i:])
	}
	return newPGError(codeInsufficientPrivilege, "permission denied: must be superuser")
}
