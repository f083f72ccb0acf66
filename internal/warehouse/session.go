package warehouse

import (
	"context"
	"errors"
	"fmt"
	"github.com/shoal-dev/shoal/internal/awsapi"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shoal-dev/shoal/internal/query"
)

// session is one authenticated connection.
type session struct {
	srv  *Server
	be   *pgproto3.Backend
	user string
	// identity is who signed in (an access key's principal or an IAM user).
	identity awsapi.Identity
	pid      uint32
	secret   []byte
	types    *pgtype.Map
	// db is the session's database connection, opened after sign-in.
	db *conn

	// statements and portals of the extended protocol, by name ("" is
	// the unnamed one).
	statements map[string]*statement
	portals    map[string]*portal
	// failed is set after an error in an extended-protocol batch: input
	// is skipped until Sync, as Postgres does.
	failed bool

	mu      sync.Mutex
	running context.CancelFunc
}

func newSession(srv *Server, be *pgproto3.Backend, user string) *session {
	return &session{
		srv: srv, be: be, user: user,
		types:      pgtype.NewMap(),
		statements: map[string]*statement{},
		portals:    map[string]*portal{},
	}
}

// run reads messages until Terminate or a broken connection.
func (s *session) run(ctx context.Context) error {
	for {
		if err := s.be.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		msg, err := s.be.Receive()
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return nil
		}
		s.dispatch(ctx, msg)
	}
}

// dispatch handles one frontend message; errors go to the client.
func (s *session) dispatch(ctx context.Context, msg pgproto3.FrontendMessage) {
	if s.failed {
		if _, ok := msg.(*pgproto3.Sync); !ok {
			return
		}
	}
	var err error
	switch m := msg.(type) {
	case *pgproto3.Query:
		s.simpleQuery(ctx, m.String)
	case *pgproto3.Sync:
		s.failed = false
		s.sendReady()
	case *pgproto3.Flush:
	case *pgproto3.Parse:
		err = s.parse(ctx, m)
	case *pgproto3.Bind:
		err = s.bind(m)
	case *pgproto3.Describe:
		err = s.describe(ctx, m)
	case *pgproto3.Execute:
		err = s.execute(ctx, m)
	case *pgproto3.Close:
		s.closeObject(m)
	default:
		err = newPGError(codeFeatureNotSupported, fmt.Sprintf("message %T is not supported", msg))
	}
	if err != nil {
		s.be.Send(errorResponse(err))
		s.failed = true
	}
}

// simpleQuery runs the statements of a simple-protocol message in order,
// stopping at the first error, and always ends with ReadyForQuery.
func (s *session) simpleQuery(ctx context.Context, sql string) {
	defer s.sendReady()
	stmts, err := splitStatements(sql)
	if err != nil {
		s.be.Send(errorResponse(err))
		return
	}
	if len(stmts) == 0 {
		s.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	for _, stmt := range stmts {
		res, err := s.query(ctx, stmt)
		if err == nil {
			if res.rows != nil {
				s.be.Send(rowDescription(res.rows.Columns, nil))
			}
			err = s.sendResult(res, nil)
		}
		if err != nil {
			s.be.Send(errorResponse(err))
			return
		}
	}
}

// query runs one statement, cancellable by a cancel request and bounded
// by the session's statement_timeout.
func (s *session) query(ctx context.Context, sql string) (*result, error) {
	qctx, cancel := context.WithCancel(ctx)
	if d := s.db.timeout(); d > 0 {
		qctx, cancel = context.WithTimeoutCause(ctx, d, errStatementTimeout)
	}
	s.mu.Lock()
	s.running = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
		cancel()
	}()
	res, err := s.srv.engine.exec(qctx, s.db, sql)
	if err != nil {
		if context.Cause(qctx) == errStatementTimeout {
			return nil, newPGError(codeQueryCanceled, "canceling statement due to statement timeout")
		}
		if qctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("query: %w", context.Canceled)
		}
		return nil, err
	}
	return res, nil
}

var errStatementTimeout = errors.New("statement timeout")

// cancelRunning cancels the statement in progress, if any.
func (s *session) cancelRunning() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		s.running()
	}
}

// sendResult sends the notices, every row as DataRow (in the formats
// given) and the command tag, "SELECT n" for a row set without one.
func (s *session) sendResult(res *result, formats []int16) error {
	for _, n := range res.notices {
		s.be.Send(&pgproto3.NoticeResponse{Severity: n.severity, SeverityUnlocalized: n.severity, Code: "00000", Message: n.message})
	}
	tag := res.tag
	if rows := res.rows; rows != nil {
		if err := s.sendRows(rows, formats); err != nil {
			return err
		}
		if tag == "" {
			tag = fmt.Sprintf("SELECT %d", len(rows.Rows))
		}
	}
	s.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return nil
}

// sendRows sends every row as DataRow.
func (s *session) sendRows(rows *query.Rowset, formats []int16) error {
	oids := make([]uint32, len(rows.Columns))
	for i, c := range rows.Columns {
		oids[i] = columnOID(c.Type)
	}
	for _, row := range rows.Rows {
		values := make([][]byte, len(row))
		for i, v := range row {
			b, err := encodeValue(s.types, oids[i], formatFor(formats, i), v)
			if err != nil {
				return newPGError(codeDataException, err.Error())
			}
			values[i] = b
		}
		s.be.Send(&pgproto3.DataRow{Values: values})
	}
	return nil
}

func (s *session) sendReady() {
	status := byte('I')
	if s.db != nil {
		status = s.db.txStatus()
	}
	s.be.Send(&pgproto3.ReadyForQuery{TxStatus: status})
}

// splitStatements splits a simple-protocol message at top-level
// semicolons, dropping empty statements.
func splitStatements(sql string) ([]string, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	var out []string
	start := 0
	for _, t := range append(toks, token{kind: tPunct, text: ";", pos: len(sql)}) {
		if !t.isPunct(";") {
			continue
		}
		if stmt := sql[start:t.pos]; !isBlank(stmt) {
			out = append(out, stmt)
		}
		start = t.end()
	}
	return out, nil
}

// fatal tells the client why the connection ends and returns that as an
// error for the log.
func (s *session) fatal(code, message string) error {
	s.be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: code, Message: message})
	if err := s.be.Flush(); err != nil {
		return fmt.Errorf("%s: %s (%w)", code, message, err)
	}
	return newPGError(code, message)
}

// isBlank reports a statement with nothing but whitespace and semicolons.
func isBlank(sql string) bool {
	return strings.Trim(sql, " \t\r\n;") == ""
}
