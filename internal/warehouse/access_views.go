package warehouse

import (
	"context"
	"strings"
)

// maxViewDepth bounds the views over views a read is checked through.
const maxViewDepth = 16

// viewReads checks what a view reads with its owner's privileges, as
// Postgres does: SELECT on a view lets a user read through it only what
// the view's owner may read now. A superuser's view may read anything.
func (k *checker) viewReads(ctx context.Context, view resolved, createSQL string) error {
	owner := k.acl.owners[relationKey(view.schema, view.name)]
	if owner == "" {
		return nil
	}
	if k.depth >= maxViewDepth {
		return newPGError(codeFeatureNotSupported, "views nested more than 16 deep are not supported")
	}
	body, ok := viewQuery(createSQL)
	if !ok {
		return newPGError(codeInternal, "cannot read the definition of view "+view.name)
	}
	sub := *k
	sub.depth++
	a, err := k.state.aclOf(ctx, k.c, owner)
	if err != nil {
		return err
	}
	sub.acl = a
	return sub.reads(ctx, body)
}

// viewQuery is the query of a CREATE VIEW statement as DuckDB stores it:
// what follows the first top-level AS after the view's name.
func viewQuery(createSQL string) (string, bool) {
	toks, err := lex(createSQL)
	if err != nil {
		return "", false
	}
	depth, afterView := 0, false
	for _, t := range toks {
		switch {
		case t.is("view"):
			afterView = true
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case afterView && depth == 0 && t.is("as"):
			return strings.TrimRight(createSQL[t.end():], "; \t\n"), true
		}
	}
	return "", false
}
