package query

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/meta"
)

// CreateNamedQuery saves a query; a repeated ClientRequestToken returns the
// first one's id.
func (s *Service) CreateNamedQuery(ctx context.Context, q NamedQuery, token string) (string, error) {
	if q.Name == "" || q.Database == "" || q.QueryString == "" {
		return "", invalidRequest("Name, Database and QueryString are required")
	}
	if q.WorkGroup == "" {
		q.WorkGroup = PrimaryWorkGroup
	}
	if _, err := s.loadWorkGroup(ctx, q.WorkGroup); err != nil {
		return "", err
	}
	if token != "" {
		var prev NamedQuery
		ok, err := s.loadSpec(ctx, `SELECT spec FROM query_named_queries WHERE client_token = ?`, &prev, token)
		if err != nil || ok {
			return prev.ID, err
		}
	}
	q.ID = uuid.NewString()
	spec, err := encode(q)
	if err != nil {
		return "", err
	}
	var tok any
	if token != "" {
		tok = token
	}
	err = s.store.Update(ctx, func(tx *meta.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO query_named_queries (id, workgroup, client_token, spec, create_time) VALUES (?, ?, ?, ?, ?)`,
			q.ID, q.WorkGroup, tok, spec, s.now().UnixMilli())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create named query: %w", err)
	}
	return q.ID, nil
}

// GetNamedQuery returns a named query.
func (s *Service) GetNamedQuery(ctx context.Context, id string) (*NamedQuery, error) {
	var q NamedQuery
	ok, err := s.loadSpec(ctx, `SELECT spec FROM query_named_queries WHERE id = ?`, &q, id)
	if err != nil {
		return nil, fmt.Errorf("get named query: %w", err)
	}
	if !ok {
		return nil, invalidRequest("NamedQuery %s was not found", id)
	}
	return &q, nil
}

// ListNamedQueries lists the ids of a workgroup's named queries.
func (s *Service) ListNamedQueries(ctx context.Context, workgroup string) ([]string, error) {
	if workgroup == "" {
		workgroup = PrimaryWorkGroup
	}
	if _, err := s.loadWorkGroup(ctx, workgroup); err != nil {
		return nil, err
	}
	var ids []string
	err := s.listSpecs(ctx, `SELECT spec FROM query_named_queries WHERE workgroup = ? ORDER BY create_time, id`, func(spec string) error {
		var q NamedQuery
		if err := decode(spec, &q); err != nil {
			return err
		}
		ids = append(ids, q.ID)
		return nil
	}, workgroup)
	return ids, err
}

// DeleteNamedQuery deletes a named query.
func (s *Service) DeleteNamedQuery(ctx context.Context, id string) error {
	ok, err := s.deleteRows(ctx, `DELETE FROM query_named_queries WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete named query: %w", err)
	}
	if !ok {
		return invalidRequest("NamedQuery %s was not found", id)
	}
	return nil
}

// CreatePreparedStatement saves a statement with ? parameters.
func (s *Service) CreatePreparedStatement(ctx context.Context, p PreparedStatement) error {
	return s.putPrepared(ctx, p, true)
}

// UpdatePreparedStatement replaces a prepared statement.
func (s *Service) UpdatePreparedStatement(ctx context.Context, p PreparedStatement) error {
	return s.putPrepared(ctx, p, false)
}

func (s *Service) putPrepared(ctx context.Context, p PreparedStatement, create bool) error {
	if p.Name == "" || p.WorkGroup == "" || p.QueryStatement == "" {
		return invalidRequest("StatementName, WorkGroup and QueryStatement are required")
	}
	if _, err := s.loadWorkGroup(ctx, p.WorkGroup); err != nil {
		return err
	}
	if _, err := lexCode(p.QueryStatement); err != nil {
		return invalidRequest("QueryStatement: %v", err)
	}
	p.Name = strings.ToLower(p.Name)
	p.LastModified = s.now().UTC()
	spec, err := encode(p)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx *meta.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM query_prepared_statements WHERE workgroup = ? AND name = ?`, p.WorkGroup, p.Name).Scan(&n); err != nil {
			return err
		}
		switch {
		case create && n > 0:
			return invalidRequest("Prepared statement %s already exists in workgroup %s", p.Name, p.WorkGroup)
		case !create && n == 0:
			return notFound("Prepared statement %s was not found in workgroup %s", p.Name, p.WorkGroup)
		case create:
			_, err = tx.Exec(ctx, `INSERT INTO query_prepared_statements (workgroup, name, spec, update_time) VALUES (?, ?, ?, ?)`, p.WorkGroup, p.Name, spec, p.LastModified.UnixMilli())
		default:
			_, err = tx.Exec(ctx, `UPDATE query_prepared_statements SET spec = ?, update_time = ? WHERE workgroup = ? AND name = ?`, spec, p.LastModified.UnixMilli(), p.WorkGroup, p.Name)
		}
		return err
	})
}

// GetPreparedStatement returns a prepared statement.
func (s *Service) GetPreparedStatement(ctx context.Context, workgroup, name string) (*PreparedStatement, error) {
	if _, err := s.loadWorkGroup(ctx, workgroup); err != nil {
		return nil, err
	}
	var p PreparedStatement
	ok, err := s.loadSpec(ctx, `SELECT spec FROM query_prepared_statements WHERE workgroup = ? AND name = ?`, &p, workgroup, strings.ToLower(name))
	if err != nil {
		return nil, fmt.Errorf("get prepared statement: %w", err)
	}
	if !ok {
		return nil, notFound("Prepared statement %s was not found in workgroup %s", name, workgroup)
	}
	return &p, nil
}

// ListPreparedStatements lists a workgroup's prepared statements.
func (s *Service) ListPreparedStatements(ctx context.Context, workgroup string) ([]PreparedStatement, error) {
	if _, err := s.loadWorkGroup(ctx, workgroup); err != nil {
		return nil, err
	}
	var out []PreparedStatement
	err := s.listSpecs(ctx, `SELECT spec FROM query_prepared_statements WHERE workgroup = ? ORDER BY name`, func(spec string) error {
		var p PreparedStatement
		if err := decode(spec, &p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, workgroup)
	return out, err
}

// DeletePreparedStatement deletes a prepared statement.
func (s *Service) DeletePreparedStatement(ctx context.Context, workgroup, name string) error {
	if _, err := s.loadWorkGroup(ctx, workgroup); err != nil {
		return err
	}
	ok, err := s.deleteRows(ctx, `DELETE FROM query_prepared_statements WHERE workgroup = ? AND name = ?`, workgroup, strings.ToLower(name))
	if err != nil {
		return fmt.Errorf("delete prepared statement: %w", err)
	}
	if !ok {
		return notFound("Prepared statement %s was not found in workgroup %s", name, workgroup)
	}
	return nil
}

// executePrepared runs EXECUTE name [USING v1, v2...]: the USING values,
// or else the execution parameters, fill the statement's placeholders.
func (s *Service) executePrepared(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	if len(toks) < 2 || !toks[1].isName() {
		return nil, userError(ErrSyntax, "line %s: EXECUTE needs a statement name", lineCol(e.Query, toks[0].pos))
	}
	p, err := s.GetPreparedStatement(ctx, e.WorkGroup, toks[1].name())
	if err != nil {
		return nil, userError(ErrGeneric, "line %s: Prepared statement not found: %s", lineCol(e.Query, toks[1].pos), toks[1].name())
	}
	params := e.ExecutionParameters
	if len(toks) > 2 {
		params = nil
		if !toks[2].is("using") {
			return nil, userError(ErrSyntax, "line %s: expected USING after the statement name", lineCol(e.Query, toks[2].pos))
		}
		for _, a := range splitArgs(toks[3:]) {
			params = append(params, render(a))
		}
	}
	inner := *e
	inner.Query = p.QueryStatement
	inner.ExecutionParameters = params
	return s.execute(ctx, &inner)
}

// prepareStatement runs PREPARE name FROM statement and DEALLOCATE PREPARE name.
func (s *Service) prepareStatement(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	empty := &execResult{writer: s.newWriter(false)}
	if toks[0].is("deallocate") {
		if len(toks) != 3 || !toks[1].is("prepare") || !toks[2].isName() {
			return nil, userError(ErrSyntax, "line %s: expected DEALLOCATE PREPARE name", lineCol(e.Query, toks[0].pos))
		}
		if err := s.DeletePreparedStatement(ctx, e.WorkGroup, toks[2].name()); err != nil {
			return nil, userError(ErrGeneric, "%v", err)
		}
		return empty, nil
	}
	if len(toks) < 4 || !toks[1].isName() || !toks[2].is("from") {
		return nil, userError(ErrSyntax, "line %s: expected PREPARE name FROM statement", lineCol(e.Query, toks[0].pos))
	}
	body := strings.TrimSpace(e.Query[toks[3].pos:])
	p := PreparedStatement{Name: toks[1].name(), WorkGroup: e.WorkGroup, QueryStatement: body}
	err := s.CreatePreparedStatement(ctx, p)
	if err != nil && strings.Contains(err.Error(), "already exists") {
		err = s.UpdatePreparedStatement(ctx, p)
	}
	if err != nil {
		return nil, userError(ErrGeneric, "%v", err)
	}
	return empty, nil
}
