// Package query is the Athena service: query executions over the lake with
// an in-process DuckDB engine, Athena (Trino) SQL translated to DuckDB,
// Hive DDL written through the catalog service, workgroups, named queries
// and prepared statements kept in the metadata store. The Athena API
// (internal/awsapi/athenaapi) is a thin adapter over it.
package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Options configures the service.
type Options struct {
	Engine EngineOptions
	// MaxConcurrent bounds queries running in DuckDB at once; more wait
	// in QUEUED (default 4).
	MaxConcurrent int
	Logger        *slog.Logger
	Now           func() time.Time
}

// Service runs Athena query executions.
type Service struct {
	store   *meta.Store
	catalog *catalog.Service
	lake    lake.Store
	paths   LocalPaths
	engine  *engine
	logger  *slog.Logger
	now     func() time.Time
	slots   chan struct{}
	tmpDir  string // spill files of large results

	// base is cancelled by Close; every execution's context derives from it.
	base    context.Context
	stopAll context.CancelFunc
	wg      sync.WaitGroup

	mu     sync.Mutex
	active map[string]*running
}

// running is an execution in progress; exec is guarded by Service.mu.
type running struct {
	exec   *Execution
	cancel context.CancelFunc
	// stopped is set by StopQueryExecution, so the failure the
	// cancellation causes is recorded as CANCELLED.
	stopped bool
	// access authorizes the execution's reads and writes (nil: unchecked).
	access Access
}

// Open starts the engine and marks executions a previous run left
// unfinished as failed.
func Open(ctx context.Context, store *meta.Store, cat *catalog.Service, lk lake.Store, paths LocalPaths, opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 4
	}
	if opts.Engine.TempDir != "" {
		if err := os.MkdirAll(opts.Engine.TempDir, 0o700); err != nil {
			return nil, fmt.Errorf("query temp dir: %w", err)
		}
	}
	eng, err := openEngine(ctx, opts.Engine)
	if err != nil {
		return nil, err
	}
	base, stop := context.WithCancel(context.Background())
	s := &Service{
		store: store, catalog: cat, lake: lk, paths: paths, engine: eng,
		logger: opts.Logger, now: opts.Now, slots: make(chan struct{}, opts.MaxConcurrent),
		base: base, stopAll: stop, active: map[string]*running{}, tmpDir: opts.Engine.TempDir,
	}
	if err := s.ensurePrimary(ctx); err != nil {
		s.Close(ctx)
		return nil, err
	}
	if err := s.failInterrupted(ctx); err != nil {
		s.Close(ctx)
		return nil, err
	}
	return s, nil
}

func (s *Service) newWriter(csv bool) *resultWriter {
	return &resultWriter{csv: csv, spillDir: s.tmpDir}
}

// TempDir is the conventional DuckDB spill directory under a data dir.
func TempDir(dataDir string) string { return filepath.Join(dataDir, "query-tmp") }

// Close cancels running executions, waits for them to record their end,
// and closes the engine.
func (s *Service) Close(ctx context.Context) error {
	s.stopAll()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("close query service: %w", ctx.Err())
	}
	if err := s.engine.close(); err != nil {
		return fmt.Errorf("close duckdb: %w", err)
	}
	return nil
}

func (s *Service) ensurePrimary(ctx context.Context) error {
	_, err := s.loadWorkGroup(ctx, PrimaryWorkGroup)
	var re *RequestError
	if errors.As(err, &re) {
		wg := &WorkGroup{Name: PrimaryWorkGroup, State: "ENABLED", EngineVersion: EngineVersion, Created: s.now().UTC(), PublishMetrics: true}
		return s.saveWorkGroup(ctx, wg, true)
	}
	return err
}
