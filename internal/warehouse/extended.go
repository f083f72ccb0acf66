package warehouse

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/shoal-dev/shoal/internal/query"
)

// statement is a parsed (named or unnamed) statement: its text and the
// type of each $n.
type statement struct {
	sql       string
	paramOIDs []uint32
	// columns are learnt by Describe, which runs the statement with NULL
	// parameters because the engine cannot plan without running.
	columns []query.ColumnInfo
}

// portal is a statement with bound parameters, run at most once.
type portal struct {
	sql     string
	formats []int16
	res     *result
}

// parse stores a statement with the types of its parameters.
func (s *session) parse(ctx context.Context, m *pgproto3.Parse) error {
	oids, err := s.paramOIDs(ctx, m.Query, m.ParameterOIDs)
	if err != nil {
		return err
	}
	s.statements[m.Name] = &statement{sql: m.Query, paramOIDs: oids}
	s.be.Send(&pgproto3.ParseComplete{})
	return nil
}

// bind substitutes the parameters as literals and creates a portal.
func (s *session) bind(m *pgproto3.Bind) error {
	st, ok := s.statements[m.PreparedStatement]
	if !ok {
		return newPGError(codeUndefinedPrepared, fmt.Sprintf("prepared statement %q does not exist", m.PreparedStatement))
	}
	if len(m.Parameters) != len(st.paramOIDs) {
		return newPGError(codeProtocolViolation, fmt.Sprintf("bind message supplies %d parameters, but prepared statement %q requires %d", len(m.Parameters), m.PreparedStatement, len(st.paramOIDs)))
	}
	literals := make([]string, len(m.Parameters))
	for i, raw := range m.Parameters {
		lit, err := literal(st.paramOIDs[i], formatFor(m.ParameterFormatCodes, i), raw)
		if err != nil {
			return err
		}
		literals[i] = lit
	}
	sql, err := substitute(st.sql, literals)
	if err != nil {
		return err
	}
	s.portals[m.DestinationPortal] = &portal{sql: sql, formats: append([]int16(nil), m.ResultFormatCodes...)}
	s.be.Send(&pgproto3.BindComplete{})
	return nil
}

// describe answers for a statement (parameter types and columns) or a
// portal (its columns in the bound formats).
func (s *session) describe(ctx context.Context, m *pgproto3.Describe) error {
	if m.ObjectType == 'P' {
		p, ok := s.portals[m.Name]
		if !ok {
			return newPGError(codeUndefinedCursor, fmt.Sprintf("portal %q does not exist", m.Name))
		}
		if err := s.runPortal(ctx, p); err != nil {
			return err
		}
		if p.res.rows == nil {
			s.be.Send(&pgproto3.NoData{})
			return nil
		}
		s.sendColumns(p.res.rows.Columns, p.formats)
		return nil
	}
	st, ok := s.statements[m.Name]
	if !ok {
		return newPGError(codeUndefinedPrepared, fmt.Sprintf("prepared statement %q does not exist", m.Name))
	}
	if st.columns == nil {
		cols, err := s.describeColumns(ctx, st)
		if err != nil {
			return err
		}
		st.columns = cols
	}
	s.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: st.paramOIDs})
	s.sendColumns(st.columns, nil)
	return nil
}

// describeColumns learns a statement's result columns without running
// it: with sample values of the parameter types, which keep "SELECT $1" a
// varchar, then with NULLs for contexts where an empty string would not
// plan ("3 > $1").
func (s *session) describeColumns(ctx context.Context, st *statement) ([]query.ColumnInfo, error) {
	typed := make([]string, len(st.paramOIDs))
	untyped := make([]string, len(st.paramOIDs))
	for i, oid := range st.paramOIDs {
		typed[i], untyped[i] = sampleLiteral(oid), "NULL"
	}
	cols, err := s.columnsWith(ctx, st.sql, typed)
	if err == nil || len(typed) == 0 {
		return cols, err
	}
	if cols, retryErr := s.columnsWith(ctx, st.sql, untyped); retryErr == nil {
		return cols, nil
	}
	return nil, err
}

// columnsWith describes sql with literals for its parameters.
func (s *session) columnsWith(ctx context.Context, sql string, literals []string) ([]query.ColumnInfo, error) {
	sql, err := substitute(sql, literals)
	if err != nil {
		return nil, err
	}
	return s.srv.engine.describe(ctx, s.db, sql)
}

// sendColumns sends RowDescription, or NoData for a statement without
// result columns.
func (s *session) sendColumns(cols []query.ColumnInfo, formats []int16) {
	if len(cols) == 0 {
		s.be.Send(&pgproto3.NoData{})
		return
	}
	s.be.Send(rowDescription(cols, formats))
}

// execute sends the portal's rows. Results are not split across
// Executes: the row limit is ignored, the whole result is sent.
func (s *session) execute(ctx context.Context, m *pgproto3.Execute) error {
	p, ok := s.portals[m.Portal]
	if !ok {
		return newPGError(codeUndefinedCursor, fmt.Sprintf("portal %q does not exist", m.Portal))
	}
	if isBlank(p.sql) {
		s.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if err := s.runPortal(ctx, p); err != nil {
		return err
	}
	return s.sendResult(p.res, p.formats)
}

// runPortal runs the portal's statement once; Describe and Execute share it.
func (s *session) runPortal(ctx context.Context, p *portal) error {
	if p.res != nil {
		return nil
	}
	if isBlank(p.sql) {
		p.res = &result{}
		return nil
	}
	res, err := s.query(ctx, p.sql)
	if err != nil {
		return err
	}
	p.res = res
	return nil
}

// closeObject drops a statement or portal; closing a missing one is fine.
func (s *session) closeObject(m *pgproto3.Close) {
	if m.ObjectType == 'P' {
		delete(s.portals, m.Name)
	} else {
		delete(s.statements, m.Name)
	}
	s.be.Send(&pgproto3.CloseComplete{})
}
