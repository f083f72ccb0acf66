package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/query"
)

// Querier runs the SELECTs of datasets and visuals; *query.Service is one.
type Querier interface {
	// Query runs one SELECT synchronously and returns its rows.
	Query(ctx context.Context, in query.QueryInput) (*query.Rowset, error)
	// Materialize writes a SELECT's result to a Parquet file (atomically).
	Materialize(ctx context.Context, in query.QueryInput, path string) (int64, error)
}

// DataVersion is a counter that grows whenever lake data changes.
type DataVersion interface {
	Version() uint64
}

// Options wires the service.
type Options struct {
	Store *meta.Store
	Query Querier
	// SnapshotDir holds SPICE snapshots (created if missing).
	SnapshotDir string
	// Data lets DIRECT results be cached until the lake changes; nil
	// means DIRECT visuals always query.
	Data   DataVersion
	Logger *slog.Logger
	Now    func() time.Time
	// CacheEntries bounds the result cache (default 512).
	CacheEntries int
}

// Service manages datasets and dashboards and answers visual queries.
type Service struct {
	opts   Options
	log    *slog.Logger
	cache  *resultCache
	flight flightGroup
	mux    *http.ServeMux

	mu    sync.Mutex
	spice map[string]*spiceState // by dataset id

	runMu sync.Mutex
	stop  context.CancelFunc
	done  chan struct{}
}

// New builds the service; Start runs its refresh scheduler.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Query == nil {
		return nil, errors.New("dashboard: Store and Query are required")
	}
	if opts.SnapshotDir == "" {
		return nil, errors.New("dashboard: SnapshotDir is required")
	}
	if err := os.MkdirAll(opts.SnapshotDir, 0o700); err != nil {
		return nil, fmt.Errorf("dashboard: snapshot dir: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CacheEntries <= 0 {
		opts.CacheEntries = 512
	}
	s := &Service{
		opts:  opts,
		log:   opts.Logger.With("component", "dashboard"),
		cache: newResultCache(opts.CacheEntries),
		spice: map[string]*spiceState{},
	}
	s.routes()
	return s, nil
}

// Start removes snapshot files no dataset refers to (left by a crash) and
// runs the SPICE refresh scheduler until Close.
func (s *Service) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stop != nil {
		return errors.New("dashboard: already started")
	}
	if err := s.removeOrphanSnapshots(ctx); err != nil {
		s.log.Warn("cannot clean snapshot dir", "dir", s.opts.SnapshotDir, "err", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stop, s.done = cancel, make(chan struct{})
	go s.schedule(runCtx, s.done)
	return nil
}

// Close stops the scheduler (waiting for a running refresh until ctx ends)
// and drops the cache. It is safe without Start and more than once.
func (s *Service) Close(ctx context.Context) error {
	s.runMu.Lock()
	stop, done := s.stop, s.done
	s.stop = nil
	s.runMu.Unlock()
	defer s.cache.clear()
	if stop == nil {
		return nil
	}
	stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("dashboard: close: %w", ctx.Err())
	}
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// removeOrphanSnapshots deletes files in the snapshot dir that are no
// dataset's current snapshot, such as temporaries of an interrupted refresh.
func (s *Service) removeOrphanSnapshots(ctx context.Context) error {
	var keep = map[string]bool{}
	err := s.opts.Store.View(ctx, func(tx *meta.Tx) error {
		ds, err := listDatasets(ctx, tx)
		for _, d := range ds {
			keep[d.Snapshot] = true
		}
		return err
	})
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(s.opts.SnapshotDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || keep[name] || !strings.HasPrefix(name, "ds-") {
			continue
		}
		if err := os.Remove(filepath.Join(s.opts.SnapshotDir, name)); err != nil {
			s.log.Warn("cannot remove stale snapshot", "file", name, "err", err)
		}
	}
	return nil
}

// view and update are the store's transactions.
func (s *Service) view(ctx context.Context, fn func(tx *meta.Tx) error) error {
	return s.opts.Store.View(ctx, fn)
}

func (s *Service) update(ctx context.Context, fn func(tx *meta.Tx) error) error {
	return s.opts.Store.Update(ctx, fn)
}
