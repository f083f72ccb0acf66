package warehouse

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

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
	rows    *query.Rowset
	// tag replaces "SELECT n" for session statements (SET, SHOW...).
	tag string
}

// parse stores a statement; parameter types the client left open are
// text, which is what Postgres infers for an untyped $n too.
func (s *session) parse(m *pgproto3.Parse) error {
	n := max(paramCount(m.Query), len(m.ParameterOIDs))
	oids := make([]uint32, n)
	for i := range oids {
		oids[i] = pgtype.TextOID
		if i < len(m.ParameterOIDs) && m.ParameterOIDs[i] != 0 {
			oids[i] = m.ParameterOIDs[i]
		}
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
		s.sendColumns(p.rows.Columns, p.formats)
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

// describeColumns runs the statement for one row to learn its result
// columns: first with sample values of the parameter types, which keep
// "SELECT $1" a varchar, then with NULLs for contexts where an empty
// string would not plan ("3 > $1").
func (s *session) describeColumns(ctx context.Context, st *statement) ([]query.ColumnInfo, error) {
	if isBlank(st.sql) {
		return []query.ColumnInfo{}, nil
	}
	if _, rows, local := utility(st.sql); local {
		if rows == nil {
			return []query.ColumnInfo{}, nil
		}
		return rows.Columns, nil
	}
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

// columnsWith runs sql with literals for its parameters and returns the
// result's columns.
func (s *session) columnsWith(ctx context.Context, sql string, literals []string) ([]query.ColumnInfo, error) {
	sql, err := substitute(sql, literals)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, sql, 1)
	if err != nil {
		return nil, err
	}
	return rows.Columns, nil
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
	return s.sendRows(p.rows, p.formats, p.tag)
}

// runPortal runs the portal's query once; Describe and Execute share it.
func (s *session) runPortal(ctx context.Context, p *portal) error {
	if p.rows != nil {
		return nil
	}
	if isBlank(p.sql) {
		p.rows = &query.Rowset{}
		return nil
	}
	if tag, rows, local := utility(p.sql); local {
		p.rows, p.tag = rows, tag
		if rows == nil {
			p.rows = &query.Rowset{}
		}
		return nil
	}
	rows, err := s.query(ctx, p.sql, 0)
	if err != nil {
		return err
	}
	p.rows = rows
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
