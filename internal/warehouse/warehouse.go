// Package warehouse is Shoal's Redshift: a PostgreSQL wire-protocol
// endpoint (pgproto3) that authenticates with access keys over
// SCRAM-SHA-256, so psql, BI tools and Postgres drivers connect as they
// would to a Redshift cluster. Statements run on a DuckDB database file
// holding the local tables; external schemas read Glue catalog tables
// from the lake at query time (the protocol is in session.go,
// extended.go and startup.go; the SQL layer in engine.go and the rest).
package warehouse

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/query"
)

// Options configure a Server.
type Options struct {
	// Credentials resolve the user name (an access key id) to its secret,
	// which is the password.
	Credentials awsapi.CredentialSource
	// Roles, when set, makes external schemas act as their IAM_ROLE
	// (Spectrum): the role must trust redshift.amazonaws.com and be allowed
	// the Glue and S3 reads. AccountID and Region build the ARNs.
	Roles             RoleAuthorizer
	AccountID, Region string
	// Users, when set, lets IAM users sign in with their user name and
	// console password (*iam.Service).
	Users UserPasswords
	// Authorizer, when set, decides whether an IAM user may sign in
	// (redshift:GetClusterCredentials on their dbuser and on the dbname,
	// as Redshift's IAM authentication is authorized). Root keys are the
	// superuser and are not asked about.
	Authorizer awsapi.Authorizer
	// Directory, when set, tells GRANT and REVOKE which users exist.
	Directory UserDirectory
	// Superuser names the superuser (the root access key id) where the
	// catalog shows the owner of what no other user owns.
	Superuser string
	// Dir holds the database file (dev.duckdb).
	Dir string
	// Query resolves external (Glue) tables to lake scans; Catalog holds
	// them; Lake and Paths serve COPY.
	Query   *query.Service
	Catalog *catalog.Service
	Lake    lake.Store
	Paths   query.LocalPaths
	// ReadDirs are the only directories statements may read files from
	// (the lake); DuckDB refuses every other path, so no statement reaches
	// outside the data dir.
	ReadDirs []string
	// MemoryLimit and Threads bound DuckDB (defaults "1GB", one per CPU).
	MemoryLimit string
	Threads     int
	// TLS, when set, is offered to clients that ask for SSL.
	TLS    *tls.Config
	Logger *slog.Logger
}

// UserPasswords gives SCRAM verifiers of IAM users' console passwords.
type UserPasswords interface {
	SCRAMVerifier(ctx context.Context, userName string) (salt []byte, iterations int, salted []byte, id awsapi.Identity, err error)
}

// Server accepts Postgres connections. Serve may be called for several
// listeners; Close ends them all.
type Server struct {
	opts   Options
	log    *slog.Logger
	engine *engine

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	sessions  map[uint32]*session
	nextPID   uint32
	wg        sync.WaitGroup
}

// New opens the database in opts.Dir; nothing listens until Serve.
func New(ctx context.Context, opts Options) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	eng, err := openEngine(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Server{
		opts:      opts,
		engine:    eng,
		log:       log.With("component", "warehouse"),
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]struct{}{},
		sessions:  map[uint32]*session{},
		nextPID:   1000,
	}, nil
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("warehouse: server closed")

// Serve accepts connections on ln until ctx ends or Close is called.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			delete(s.listeners, ln)
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("warehouse: accept: %w", err)
		}
		if !s.track(conn) {
			conn.Close()
			continue
		}
		go func() {
			defer s.untrack(conn)
			s.handle(ctx, conn)
		}()
	}
}

// track records a connection for Close; the WaitGroup is added to under
// the lock so that it cannot race Close's Wait.
func (s *Server) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[conn] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(conn net.Conn) {
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
	s.wg.Done()
}

// Close stops accepting, closes every connection, waits for their
// goroutines until ctx ends and closes the database.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for ln := range s.listeners {
		ln.Close()
	}
	for conn := range s.conns {
		conn.Close()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("warehouse: close: %w", ctx.Err())
	}
	if err := s.engine.close(); err != nil {
		return fmt.Errorf("warehouse: close database: %w", err)
	}
	return nil
}

// register gives a session its backend key data (process id and secret
// key), which cancel requests quote back.
func (s *Server) register(sess *session) error {
	secret := make([]byte, 4)
	rand.Read(secret)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	s.nextPID++
	sess.pid, sess.secret = s.nextPID, secret
	s.sessions[sess.pid] = sess
	return nil
}

func (s *Server) unregister(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess.pid)
}

// cancel interrupts the running query of the session with that key;
// like Postgres it says nothing back either way.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	sess := s.sessions[pid]
	s.mu.Unlock()
	if sess == nil || subtle.ConstantTimeCompare(sess.secret, secret) != 1 {
		s.log.Warn("cancel request for unknown backend", "pid", pid)
		return
	}
	sess.cancelRunning()
}
