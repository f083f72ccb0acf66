package stream

import (
	"context"
	"fmt"
	"time"
)

// applyReshard makes a plan durable and live. Children's storage is created
// first; then, with writers held off, each closing parent's storage stops
// accepting its subject and its last sequence becomes the shard's end; the
// metadata is stored, and the new layout published. Callers hold s.mu.
func (s *Service) applyReshard(ctx context.Context, ds *dataStream, p *planner) error {
	m := ds.meta.Load().clone()
	m.Shards = p.shards
	m.ShardCount = p.openCount()
	m.Status = StatusActive
	if p.scaled {
		m.Scalings = recentScalings(m.Scalings, p.now)
	}
	for _, sm := range p.shards[p.oldCount:] {
		if _, err := s.js.CreateOrUpdateStream(ctx, jsConfig(m, sm)); err != nil {
			return fmt.Errorf("create storage of %s: %w", shardID(sm.Index), err)
		}
	}
	old := ds.layout.Load()
	ds.putMu.Lock()
	defer ds.putMu.Unlock()
	for i := range p.shards[:p.oldCount] {
		sm := &p.shards[i]
		if sm.Closed.IsZero() || old.all[i].closed() {
			continue
		}
		st, err := s.js.CreateOrUpdateStream(ctx, jsConfig(m, *sm))
		if err != nil {
			s.reopen(ctx, ds.meta.Load())
			return fmt.Errorf("close %s: %w", shardID(i), err)
		}
		sm.EndSeq = st.CachedInfo().State.LastSeq
	}
	if err := s.saveMeta(ctx, m); err != nil {
		s.reopen(ctx, ds.meta.Load())
		return err
	}
	all := append(make([]*shard, 0, len(p.shards)), old.all...)
	for i, sm := range p.shards {
		if i >= p.oldCount {
			all = append(all, newShard(m.ID, sm))
			continue
		}
		if sh := all[i]; !sm.Closed.IsZero() && !sh.closed() {
			// A publish that timed out for its caller may still have been
			// stored: the end is what storage holds, not the noted tip.
			sh.noteAppend(sm.EndSeq, sh.lastArrival.Load(), 1)
			sh.endMsgSeq.Store(sm.EndSeq)
			sh.closedAt.Store(sm.Closed.UnixMilli())
		}
	}
	ds.layout.Store(newLayout(all))
	ds.meta.Store(m)
	return nil
}

// reopen restores the storage subjects of m after a failed reshard, so the
// shards it still routes to accept records again.
func (s *Service) reopen(ctx context.Context, m *streamMeta) {
	if err := s.ensureStorage(ctx, m); err != nil {
		s.opts.Logger.Error("restore shard storage after a failed reshard", "stream", m.Name, "err", err)
	}
}

// recentScalings keeps the UpdateShardCount times within the limit's window
// and adds now.
func recentScalings(ts []time.Time, now time.Time) []time.Time {
	var out []time.Time
	for _, t := range ts {
		if now.Sub(t) < scalingWindow {
			out = append(out, t)
		}
	}
	return append(out, now)
}
