package warehouse

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shoal-dev/shoal/internal/query"
)

// defaultDatabase is the catalog database unqualified table names resolve
// in, as Athena's default.
const defaultDatabase = "default"

// session is one authenticated connection.
type session struct {
	srv    *Server
	be     *pgproto3.Backend
	user   string
	pid    uint32
	secret []byte
	types  *pgtype.Map

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
		err = s.parse(m)
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

// simpleQuery runs one statement of the simple protocol and always ends
// with ReadyForQuery.
func (s *session) simpleQuery(ctx context.Context, sql string) {
	defer s.sendReady()
	if isBlank(sql) {
		s.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	tag, rows, local := utility(sql)
	if local && rows == nil {
		s.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
		return
	}
	if !local {
		var err error
		if rows, err = s.query(ctx, sql, 0); err != nil {
			s.be.Send(errorResponse(err))
			return
		}
	}
	s.be.Send(rowDescription(rows.Columns, nil))
	if err := s.sendRows(rows, nil, tag); err != nil {
		s.be.Send(errorResponse(err))
	}
}

// query runs sql through the engine, cancellable by a cancel request.
func (s *session) query(ctx context.Context, sql string, maxRows int) (*query.Rowset, error) {
	qctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.running = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
		cancel()
	}()
	rows, err := s.srv.opts.Query.Query(qctx, query.QueryInput{Query: sql, Database: defaultDatabase, MaxRows: maxRows})
	if err != nil {
		if qctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("query: %w", context.Canceled)
		}
		return nil, fmt.Errorf("query: %w", err)
	}
	return rows, nil
}

// cancelRunning cancels the statement in progress, if any.
func (s *session) cancelRunning() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		s.running()
	}
}

// sendRows sends every row as DataRow and the command tag, "SELECT n"
// unless tag says otherwise.
func (s *session) sendRows(rows *query.Rowset, formats []int16, tag string) error {
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
	if tag == "" {
		tag = fmt.Sprintf("SELECT %d", len(rows.Rows))
	}
	s.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return nil
}

func (s *session) sendReady() {
	s.be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
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
