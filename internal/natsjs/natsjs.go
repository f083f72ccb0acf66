// Package natsjs runs the JetStream server that backs data streams and delivery
// streams: embedded in-process by default, or an external NATS cluster.
package natsjs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Fsync policies for the embedded file store.
const (
	// FsyncInterval writes every acknowledged message to the OS before the ack
	// (so it survives kill -9) and fsyncs on an interval (power loss may lose
	// the last interval).
	FsyncInterval = "interval"
	// FsyncAlways fsyncs every write before it is acknowledged.
	FsyncAlways = "always"
)

// Options configures the JetStream connection.
type Options struct {
	// Dir is the embedded server's store directory.
	Dir string
	// URL of an external NATS server; when set nothing is embedded.
	URL string
	// Fsync is FsyncInterval (default) or FsyncAlways.
	Fsync string
	// FsyncInterval is the sync period for FsyncInterval (default 1s).
	FsyncInterval time.Duration
	// Listen, when non-empty (host:port), exposes the embedded server on the
	// network, for tools such as the nats CLI. Off by default.
	Listen string
	Logger *slog.Logger
}

// Server is a connected JetStream.
type Server struct {
	srv *server.Server // nil when external
	nc  *nats.Conn
	js  jetstream.JetStream
}

// Start embeds (or connects to) JetStream.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Fsync == "" {
		o.Fsync = FsyncInterval
	}
	if o.Fsync != FsyncInterval && o.Fsync != FsyncAlways {
		return nil, fmt.Errorf("fsync policy %q: want %q or %q", o.Fsync, FsyncInterval, FsyncAlways)
	}
	if o.FsyncInterval <= 0 {
		o.FsyncInterval = time.Second
	}
	s := &Server{}
	var err error
	if o.URL != "" {
		s.nc, err = nats.Connect(o.URL, nats.Name("shoal"), nats.MaxReconnects(-1))
		if err != nil {
			return nil, fmt.Errorf("connect to NATS at %s: %w", o.URL, err)
		}
	} else {
		if err := s.embed(o); err != nil {
			return nil, err
		}
	}
	s.js, err = jetstream.New(s.nc)
	if err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return s, nil
}

func (s *Server) embed(o Options) error {
	opts := &server.Options{
		ServerName:         "shoal",
		JetStream:          true,
		StoreDir:           filepath.Join(o.Dir),
		SyncInterval:       o.FsyncInterval,
		SyncAlways:         o.Fsync == FsyncAlways,
		DontListen:         true,
		NoSigs:             true,
		NoLog:              true,
		MaxPayload:         8 << 20,
		JetStreamMaxMemory: 256 << 20,
	}
	if o.Listen != "" {
		host, port, err := splitHostPort(o.Listen)
		if err != nil {
			return err
		}
		opts.DontListen, opts.Host, opts.Port = false, host, port
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return fmt.Errorf("nats server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return errors.New("embedded NATS server did not start within 30s")
	}
	s.srv = srv
	nc, err := nats.Connect("", nats.InProcessServer(srv), nats.Name("shoal"))
	if err != nil {
		srv.Shutdown()
		return fmt.Errorf("connect in-process: %w", err)
	}
	s.nc = nc
	return nil
}

func splitHostPort(addr string) (string, int, error) {
	var host string
	var port int
	i := len(addr) - 1
	for i >= 0 && addr[i] != ':' {
		i--
	}
	if i < 0 {
		return "", 0, fmt.Errorf("nats listen address %q: want host:port", addr)
	}
	host = addr[:i]
	if _, err := fmt.Sscanf(addr[i+1:], "%d", &port); err != nil {
		return "", 0, fmt.Errorf("nats listen address %q: %w", addr, err)
	}
	return host, port, nil
}

// Conn is the client connection.
func (s *Server) Conn() *nats.Conn { return s.nc }

// JetStream is the JetStream context.
func (s *Server) JetStream() jetstream.JetStream { return s.js }

// Close drains the connection and shuts the embedded server down, flushing
// the file store.
func (s *Server) Close(ctx context.Context) error {
	var errs []error
	if s.nc != nil {
		s.nc.Close()
	}
	if s.srv != nil {
		s.srv.Shutdown()
		done := make(chan struct{})
		go func() { s.srv.WaitForShutdown(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("nats shutdown: %w", ctx.Err()))
		}
	}
	return errors.Join(errs...)
}
