package warehouse

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgproto3"
)

// database is the only database, as on a fresh Redshift cluster.
const database = "dev"

// serverVersion is reported as server_version. Redshift says
// "8.0.2", but pgx, psql and most BI drivers switch features on the
// major version and refuse or misbehave below 9; a modern number keeps
// them on their ordinary code paths while the suffix says who answers.
const serverVersion = "15.0 (Shoal)"

// handle runs one connection from startup to termination.
func (s *Server) handle(ctx context.Context, conn net.Conn) {
	defer func() { conn.Close() }()
	startup, be, err := s.startup(&conn)
	if err != nil || startup == nil {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			s.log.Debug("startup failed", "remote", conn.RemoteAddr().String(), "err", err)
		}
		return
	}
	sess := newSession(s, be, startup.Parameters["user"])
	if err := s.register(sess); err != nil {
		return
	}
	defer s.unregister(sess)
	if err := s.authenticate(ctx, sess, startup.Parameters); err != nil {
		s.log.Info("connection refused", "remote", conn.RemoteAddr().String(), "user", sess.user, "err", err)
		return
	}
	if sess.db, err = s.engine.connect(ctx, sess.dbUser(), sess.identity.Root); err != nil {
		s.log.Error("open session", "err", err)
		_ = sess.fatal(codeInternal, "could not open a session")
		return
	}
	defer sess.db.Close()
	sess.sendReady()
	if err := sess.run(ctx); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		s.log.Debug("connection ended", "remote", conn.RemoteAddr().String(), "err", err)
	}
}

// startup reads the first message. An SSL request is answered 'S' and
// the connection upgraded when TLS is configured, else 'N' so the client
// carries on in the clear (GSS encryption always 'N'). A cancel request is
// served and returns a nil message. *conn is replaced by the TLS one.
func (s *Server) startup(conn *net.Conn) (*pgproto3.StartupMessage, *pgproto3.Backend, error) {
	be := pgproto3.NewBackend(*conn, *conn)
	for {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return nil, nil, fmt.Errorf("startup: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if s.opts.TLS == nil {
				if _, err := (*conn).Write([]byte{'N'}); err != nil {
					return nil, nil, fmt.Errorf("startup: %w", err)
				}
				continue
			}
			if _, err := (*conn).Write([]byte{'S'}); err != nil {
				return nil, nil, fmt.Errorf("startup: %w", err)
			}
			*conn = tls.Server(*conn, s.opts.TLS)
			be = pgproto3.NewBackend(*conn, *conn)
		case *pgproto3.GSSEncRequest:
			if _, err := (*conn).Write([]byte{'N'}); err != nil {
				return nil, nil, fmt.Errorf("startup: %w", err)
			}
		case *pgproto3.CancelRequest:
			s.cancel(m.ProcessID, m.SecretKey)
			return nil, nil, nil
		case *pgproto3.StartupMessage:
			return m, be, nil
		default:
			return nil, nil, fmt.Errorf("startup: unexpected %T", msg)
		}
	}
}

// authenticate checks the database, runs SCRAM-SHA-256 and sends the
// post-authentication messages up to (not including) ReadyForQuery.
func (s *Server) authenticate(ctx context.Context, sess *session, params map[string]string) error {
	if sess.user == "" {
		return sess.fatal(codeInvalidAuthorization, "no PostgreSQL user name specified in startup packet")
	}
	db := params["database"]
	if db == "" {
		db = sess.user
	}
	if db != database {
		return sess.fatal(codeInvalidCatalogName, fmt.Sprintf("database %q does not exist", db))
	}
	if err := s.scram(ctx, sess); err != nil {
		return err
	}
	if err := s.authorizeSignIn(ctx, sess); err != nil {
		return err
	}
	be := sess.be
	be.Send(&pgproto3.AuthenticationOk{})
	for _, p := range [][2]string{
		{"server_version", serverVersion},
		{"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"TimeZone", "UTC"},
		{"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"},
		{"is_superuser", onOff(sess.identity.Root)},
		{"session_authorization", sess.user},
		{"application_name", params["application_name"]},
	} {
		be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: sess.pid, SecretKey: sess.secret})
	return nil
}
