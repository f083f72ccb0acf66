package dashboard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/query"
)

// SPICE: a dataset in SPICE mode is materialized to a Parquet snapshot
// that visuals read instead of the lake. A refresh writes a new file
// (<id>-<n>.parquet), swaps it in and deletes the old one once no query
// reads it.

// snapshotRelation is the name visual queries use for the snapshot.
const snapshotRelation = "shoal_snapshot"

// schedulerTick is how often due refreshes are looked for.
const schedulerTick = time.Second

// spiceState is the in-memory side of one dataset's snapshot.
type spiceState struct {
	refresh sync.Mutex   // one refresh (or redefinition) at a time
	mu      sync.RWMutex // queries reading file hold it shared
	loaded  bool         // file has been read from the store
	file    string       // current snapshot path, "" if none
	tried   atomic.Int64 // last refresh attempt, Unix nanoseconds
}

func (s *Service) state(id string) *spiceState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.spice[id]
	if st == nil {
		st = &spiceState{}
		s.spice[id] = st
	}
	return st
}

func (s *Service) forgetState(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.spice, id)
}

// snapshotPath is the file of a snapshot base name.
func (s *Service) snapshotPath(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Join(s.opts.SnapshotDir, name)
}

// readSnapshot returns the current snapshot file of d, held for reading
// until release is called ("" when the dataset has none yet).
func (s *Service) readSnapshot(d *storedDataset) (path string, release func()) {
	st := s.state(d.ID)
	st.mu.Lock()
	if !st.loaded {
		st.loaded, st.file = true, s.snapshotPath(d.Snapshot)
	}
	st.mu.Unlock()
	st.mu.RLock()
	return st.file, st.mu.RUnlock
}

// Refresh re-materializes a SPICE dataset now and returns it; for a
// DIRECT dataset it rediscovers the columns.
func (s *Service) Refresh(ctx context.Context, id string) (*Dataset, error) {
	st := s.state(id)
	st.refresh.Lock()
	defer st.refresh.Unlock()
	return s.refreshLocked(ctx, id, st)
}

// refreshLocked runs a refresh; the caller holds st.refresh.
func (s *Service) refreshLocked(ctx context.Context, id string, st *spiceState) (*Dataset, error) {
	d, err := s.loadDataset(ctx, id)
	if err != nil {
		return nil, err
	}
	st.tried.Store(s.now().UnixNano())
	if d.Mode != ModeSPICE {
		cols, err := s.discoverColumns(ctx, d.Database, d.SQL)
		if err != nil {
			return nil, err
		}
		d.Columns, d.Updated = cols, s.now()
		if err := s.update(ctx, func(tx *meta.Tx) error { return putDataset(ctx, tx, d) }); err != nil {
			return nil, err
		}
		return &d.Dataset, nil
	}
	seq := d.Seq + 1
	name := fmt.Sprintf("%s-%d.parquet", d.ID, seq)
	begin := time.Now()
	rows, qerr := s.opts.Query.Materialize(ctx, query.QueryInput{Query: trimSQL(d.SQL), Database: d.Database}, s.snapshotPath(name))
	if errors.Is(qerr, context.Canceled) {
		return nil, qerr
	}
	var cols []Column
	if qerr == nil {
		cols, qerr = s.snapshotColumns(ctx, s.snapshotPath(name))
	}
	d.Seq = seq
	if qerr != nil {
		os.Remove(s.snapshotPath(name))
		d.SnapshotError = queryFailed(qerr).Error()
		s.log.Warn("dataset refresh failed", "dataset", d.ID, "name", d.Name, "err", qerr)
	} else {
		d.Snapshot, d.SnapshotRows, d.SnapshotError, d.LastRefreshed, d.Columns = name, rows, "", s.now(), cols
		s.log.Debug("dataset refreshed", "dataset", d.ID, "rows", rows, "elapsed", time.Since(begin))
	}
	if err := s.update(ctx, func(tx *meta.Tx) error { return putDataset(ctx, tx, d) }); err != nil {
		if qerr == nil {
			os.Remove(s.snapshotPath(name))
		}
		return nil, err
	}
	if qerr == nil {
		s.swapSnapshot(d.ID, st, s.snapshotPath(name))
		s.warm(ctx, d.ID)
	}
	return &d.Dataset, nil
}

// warm precomputes, into the result cache, the unfiltered results of every
// saved visual reading a fresh snapshot, as SPICE does: a dashboard opened
// after a refresh is then served from the cache. Failures only cost speed.
func (s *Service) warm(ctx context.Context, datasetID string) {
	var all []*Dashboard
	if err := s.view(ctx, func(tx *meta.Tx) (err error) {
		all, err = listDashboards(ctx, tx)
		return err
	}); err != nil {
		s.log.Warn("warm dashboards", "dataset", datasetID, "err", err)
		return
	}
	for _, d := range all {
		for i := range d.Visuals {
			if d.Visuals[i].DatasetID != datasetID {
				continue
			}
			if _, err := s.runVisual(ctx, &d.Visuals[i], activeFilters(d.Filters, nil)); err != nil && ctx.Err() == nil {
				s.log.Debug("warm visual", "dashboard", d.ID, "visual", d.Visuals[i].ID, "err", err)
			}
		}
	}
}

// swapSnapshot makes path current and deletes the previous file once the
// queries reading it have finished.
func (s *Service) swapSnapshot(id string, st *spiceState, path string) {
	st.mu.Lock()
	old := st.file
	st.loaded, st.file = true, path
	st.mu.Unlock()
	s.cache.purge(id)
	if old != "" && old != path {
		if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("cannot remove old snapshot", "file", old, "err", err)
		}
	}
}

// dropSnapshot forgets a dataset's snapshot (deleted, or no longer SPICE).
func (s *Service) dropSnapshot(id string, st *spiceState) {
	s.swapSnapshot(id, st, "")
}

// snapshotColumns reads the column names and types of a snapshot.
func (s *Service) snapshotColumns(ctx context.Context, path string) ([]Column, error) {
	rs, err := s.opts.Query.Query(ctx, query.QueryInput{
		Query:     "SELECT * FROM " + snapshotRelation + " LIMIT 0",
		Relations: map[string]string{snapshotRelation: path},
	})
	if err != nil {
		return nil, err
	}
	return columnsOf(rs), nil
}

// schedule refreshes SPICE datasets as they come due, one at a time so
// snapshots never crowd out interactive queries.
func (s *Service) schedule(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(schedulerTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.refreshDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("dataset refresh scheduler", "err", err)
		}
	}
}

func (s *Service) refreshDue(ctx context.Context) error {
	var all []*storedDataset
	err := s.view(ctx, func(tx *meta.Tx) (err error) {
		all, err = listDatasets(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	for _, d := range all {
		if ctx.Err() != nil {
			return nil
		}
		if d.Mode != ModeSPICE || !s.due(d) {
			continue
		}
		st := s.state(d.ID)
		if !st.refresh.TryLock() {
			continue // a manual refresh is running
		}
		if _, err := s.refreshLocked(ctx, d.ID, st); err != nil && ctx.Err() == nil {
			s.log.Warn("dataset refresh", "dataset", d.ID, "err", err)
		}
		st.refresh.Unlock()
	}
	return nil
}

// due reports whether a dataset's interval has passed since its last
// successful refresh and since the last attempt (failures wait too).
func (s *Service) due(d *storedDataset) bool {
	every := time.Duration(d.RefreshIntervalSeconds) * time.Second
	if every <= 0 {
		return false
	}
	now := s.now()
	st := s.state(d.ID)
	return !now.Before(d.LastRefreshed.Add(every)) && !now.Before(time.Unix(0, st.tried.Load()).Add(every))
}

// trimSQL drops trailing semicolons and space so the query can be nested.
func trimSQL(sql string) string {
	return strings.TrimRight(strings.TrimSpace(sql), "; \t\r\n")
}
