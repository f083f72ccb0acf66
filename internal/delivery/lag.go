package delivery

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// LagWarnThreshold is how far behind its source shard a delivery stream may
// fall before it logs a warning (and again when it has caught up).
const LagWarnThreshold = time.Minute

// maxLossEvents bounds the data-loss events Stats keeps.
const maxLossEvents = 20

// SourceShard is one shard of a Kinesis source as the reader sees it.
type SourceShard struct {
	ShardID string
	// MillisBehindLatest is from the reader's last GetRecords.
	MillisBehindLatest int64
	// Finished is set once a closed shard is drained (its children read).
	Finished bool
}

// SourceLoss is data the source stream's retention trimmed before the
// delivery stream read it: it resumed at the oldest record still there.
type SourceLoss struct {
	ShardID string
	// RecordsAtLeast is a lower bound: trimmed stored messages each held
	// one record or more.
	RecordsAtLeast int64
	// From and To bound the arrival times of the lost records.
	From, To time.Time
	Detected time.Time
}

// sourceState is a Kinesis source's live figures, part of counters.
type sourceState struct {
	mu     sync.Mutex
	shards map[string]*SourceShard
	lagged map[string]bool // shards over LagWarnThreshold, for log hysteresis
	losses []SourceLoss
	lost   int64
}

// noteLag records a shard's MillisBehindLatest, logging when it crosses
// the warning threshold either way.
func (c *counters) noteLag(log *slog.Logger, shardID string, ms int64) {
	if c == nil {
		return
	}
	st := &c.source
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.shards == nil {
		st.shards, st.lagged = map[string]*SourceShard{}, map[string]bool{}
	}
	sh := st.shards[shardID]
	if sh == nil {
		sh = &SourceShard{ShardID: shardID}
		st.shards[shardID] = sh
	}
	sh.MillisBehindLatest = ms
	over := ms > LagWarnThreshold.Milliseconds()
	switch {
	case over && !st.lagged[shardID]:
		log.Warn("delivery stream is behind its source shard", "shard", shardID, "millis_behind_latest", ms)
	case !over && st.lagged[shardID]:
		log.Info("delivery stream caught up with its source shard", "shard", shardID)
	}
	st.lagged[shardID] = over
}

// noteFinished marks a drained closed shard.
func (c *counters) noteFinished(shardID string) {
	if c == nil {
		return
	}
	c.noteLag(slog.New(slog.DiscardHandler), shardID, 0)
	c.source.mu.Lock()
	c.source.shards[shardID].Finished = true
	c.source.mu.Unlock()
}

// noteLoss records trimmed source data as an error: never silently.
func (c *counters) noteLoss(log *slog.Logger, l SourceLoss) {
	log.Error("source records expired before delivery; resumed at the oldest record still in the stream",
		"shard", l.ShardID, "records_at_least", l.RecordsAtLeast, "from", l.From, "to", l.To)
	if c == nil {
		return
	}
	c.source.mu.Lock()
	c.source.losses = append(c.source.losses, l)
	if len(c.source.losses) > maxLossEvents {
		c.source.losses = c.source.losses[1:]
	}
	c.source.lost += l.RecordsAtLeast
	c.source.mu.Unlock()
	c.failures.Add(1)
	c.setError(fmt.Sprintf("Kinesis.SourceDataExpired: at least %d records of %s that arrived between %s and %s expired from the source stream before delivery",
		l.RecordsAtLeast, l.ShardID, l.From.Format(time.RFC3339), l.To.Format(time.RFC3339)))
}

// fillSource copies the source figures into st.
func (c *counters) fillSource(st *Stats) {
	c.source.mu.Lock()
	defer c.source.mu.Unlock()
	for _, sh := range c.source.shards {
		st.SourceShards = append(st.SourceShards, *sh)
		st.MillisBehindLatest = max(st.MillisBehindLatest, sh.MillisBehindLatest)
	}
	sort.Slice(st.SourceShards, func(i, j int) bool { return st.SourceShards[i].ShardID < st.SourceShards[j].ShardID })
	st.SourceDataLoss = append([]SourceLoss(nil), c.source.losses...)
	st.SourceRecordsLost = c.source.lost
}
