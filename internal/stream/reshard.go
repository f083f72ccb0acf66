package stream

import (
	"context"
	"math/big"
	"sort"
	"time"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Resharding limits as in Kinesis.
const (
	MaxShardsPerStream     = 10000
	MaxScalingsPerDay      = 10
	UniformScaling         = "UNIFORM_SCALING"
	scalingWindow          = 24 * time.Hour
	notEligibleForReshard  = "Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting."
	shardNotFoundInReshard = "Could not find shard %s in stream %s under account %s."
)

// planner computes a reshard on a copy of the stream's shard list: closed
// parents get a close time, children are appended with the next numbers.
type planner struct {
	stream, account string
	now             time.Time
	shards          []shardMeta
	oldCount        int  // shards that existed before the reshard
	scaled          bool // an UpdateShardCount, which counts toward its daily limit
}

// openShard returns the number of the open shard id names.
func (p *planner) openShard(id string) (int, error) {
	i, ok := parseShardID(id)
	if !ok || i >= len(p.shards) {
		return 0, awserr.New(awserr.NotFound, shardNotFoundInReshard, id, p.stream, p.account)
	}
	if !p.shards[i].Closed.IsZero() {
		return 0, awserr.New(awserr.InvalidArgument, notEligibleForReshard, shardID(i), p.stream, p.account)
	}
	return i, nil
}

func (p *planner) openCount() int {
	n := 0
	for _, sm := range p.shards {
		if sm.Closed.IsZero() {
			n++
		}
	}
	return n
}

func bigKey(s string) *big.Int {
	k, _ := new(big.Int).SetString(s, 10) // stored keys are valid decimals
	return k
}

func (p *planner) child(start, end string, parent, adjacent int) {
	c := shardMeta{Index: len(p.shards), Start: start, End: end, Parent: shardID(parent), Created: p.now}
	if adjacent >= 0 {
		c.Adjacent = shardID(adjacent)
	}
	p.shards = append(p.shards, c)
}

// split closes open shard i; key starts the upper child.
func (p *planner) split(i int, key *big.Int) {
	parent := p.shards[i]
	p.shards[i].Closed = p.now
	p.child(parent.Start, new(big.Int).Sub(key, big.NewInt(1)).String(), i, -1)
	p.child(key.String(), parent.End, i, -1)
}

// merge closes open shards a and b, which must be adjacent.
func (p *planner) merge(a, b int) {
	lo, hi := a, b
	if bigKey(p.shards[b].Start).Cmp(bigKey(p.shards[a].Start)) < 0 {
		lo, hi = b, a
	}
	p.shards[a].Closed, p.shards[b].Closed = p.now, p.now
	p.child(p.shards[lo].Start, p.shards[hi].End, a, b)
}

func (p *planner) adjacent(a, b int) bool {
	one := big.NewInt(1)
	endA, endB := bigKey(p.shards[a].End), bigKey(p.shards[b].End)
	return new(big.Int).Add(endA, one).Cmp(bigKey(p.shards[b].Start)) == 0 ||
		new(big.Int).Add(endB, one).Cmp(bigKey(p.shards[a].Start)) == 0
}

// openCovering returns the open shard whose range holds key.
func (p *planner) openCovering(key *big.Int) int {
	for i, sm := range p.shards {
		if sm.Closed.IsZero() && bigKey(sm.Start).Cmp(key) <= 0 && key.Cmp(bigKey(sm.End)) <= 0 {
			return i
		}
	}
	return -1 // open shards always cover the key space
}

// scaleUniform reaches target equal open shards the way Kinesis does, by
// splits and merges (which may leave short-lived intermediate shards):
// first split so that every target boundary is a shard boundary, then merge
// the shards inside each target range pairwise.
func (p *planner) scaleUniform(target int) {
	ranges := uniformShards(target, 0, p.now)
	for _, r := range ranges[1:] {
		b := bigKey(r.Start)
		if i := p.openCovering(b); bigKey(p.shards[i].Start).Cmp(b) != 0 {
			p.split(i, b)
		}
	}
	for _, r := range ranges {
		lo, hi := bigKey(r.Start), bigKey(r.End)
		for {
			var inside []int
			for i, sm := range p.shards {
				if sm.Closed.IsZero() && bigKey(sm.Start).Cmp(lo) >= 0 && bigKey(sm.End).Cmp(hi) <= 0 {
					inside = append(inside, i)
				}
			}
			if len(inside) < 2 {
				break
			}
			sort.Slice(inside, func(x, y int) bool {
				return bigKey(p.shards[inside[x]].Start).Cmp(bigKey(p.shards[inside[y]].Start)) < 0
			})
			p.merge(inside[0], inside[1])
		}
	}
}

// SplitShard splits an open shard at newStartingHashKey: the parent closes
// and two children take its lower and upper hash key ranges.
func (s *Service) SplitShard(ctx context.Context, name, shardToSplit, newStartingHashKey string) error {
	return s.reshard(ctx, name, func(p *planner) error {
		i, err := p.openShard(shardToSplit)
		if err != nil {
			return err
		}
		if err := s.checkShardLimit(1); err != nil {
			return err
		}
		key, ok := new(big.Int).SetString(newStartingHashKey, 10)
		sm := p.shards[i]
		start, end := bigKey(sm.Start), bigKey(sm.End)
		if !ok || key.Cmp(new(big.Int).Add(start, big.NewInt(1))) <= 0 || key.Cmp(end) >= 0 {
			return awserr.New(awserr.InvalidArgument, "NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
				newStartingHashKey, shardID(i), name, s.opts.AccountID, sm.Start, sm.End)
		}
		p.split(i, key)
		return nil
	})
}

// MergeShards merges two open shards with adjacent hash key ranges into one.
func (s *Service) MergeShards(ctx context.Context, name, shardToMerge, adjacentShardToMerge string) error {
	return s.reshard(ctx, name, func(p *planner) error {
		a, err := p.openShard(shardToMerge)
		if err != nil {
			return err
		}
		b, err := p.openShard(adjacentShardToMerge)
		if err != nil {
			return err
		}
		if a == b || !p.adjacent(a, b) {
			return awserr.New(awserr.InvalidArgument, "Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
				shardID(a), shardID(b), name, s.opts.AccountID)
		}
		p.merge(a, b)
		return nil
	})
}

// UpdateShardCount scales the stream to target shards of equal size and
// returns the open shard count before the update.
func (s *Service) UpdateShardCount(ctx context.Context, name string, target int) (current int, err error) {
	err = s.reshard(ctx, name, func(p *planner) error {
		current = p.openCount()
		if err := s.checkScaling(p, name, current, target); err != nil {
			return err
		}
		p.scaleUniform(target)
		p.scaled = true
		return nil
	})
	return current, err
}

func (s *Service) checkScaling(p *planner, name string, current, target int) error {
	ds, _ := s.lookup(name)
	m := ds.meta.Load()
	if m.Mode == ModeOnDemand {
		return awserr.New(awserr.Validation, "UpdateShardCount is not supported for stream %s under account %s because it is in ON_DEMAND capacity mode.", name, s.opts.AccountID)
	}
	recent := 0
	for _, t := range m.Scalings {
		if p.now.Sub(t) < scalingWindow {
			recent++
		}
	}
	switch {
	case recent >= MaxScalingsPerDay:
		return awserr.New(awserr.LimitExceeded, "Exceeded the number of allowed UpdateShardCount operations (%d) in a rolling 24 hour period for stream %s under account %s.", MaxScalingsPerDay, name, s.opts.AccountID)
	case target > 2*current:
		return awserr.New(awserr.LimitExceeded, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: %d Target shard count: %d", current, target)
	case 2*target < current:
		return awserr.New(awserr.LimitExceeded, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: %d Target shard count: %d", current, target)
	case target > MaxShardsPerStream:
		return awserr.New(awserr.LimitExceeded, "UpdateShardCount cannot scale up over %d shards in stream %s under account %s. Target shard count: %d", MaxShardsPerStream, name, s.opts.AccountID, target)
	case target > current:
		return s.checkShardLimit(target - current)
	}
	return nil
}

// reshard plans a change with the stream ACTIVE, marks it UPDATING (so a
// concurrent reshard is refused), applies the plan and makes it ACTIVE
// again. It returns once the new layout is durable and in use.
func (s *Service) reshard(ctx context.Context, name string, plan func(p *planner) error) error {
	s.mu.Lock()
	ds, err := s.lookup(name)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	m := ds.meta.Load()
	p := &planner{stream: name, account: s.opts.AccountID, now: s.opts.Now().UTC().Truncate(time.Millisecond),
		shards: append([]shardMeta(nil), m.Shards...), oldCount: len(m.Shards)}
	if err := plan(p); err != nil {
		s.mu.Unlock()
		return err
	}
	if m.Status != StatusActive {
		s.mu.Unlock()
		return awserr.New(awserr.InUse, "Stream %s under account %s not ACTIVE, instead in state %s", name, s.opts.AccountID, m.Status)
	}
	updating := m.clone()
	updating.Status = StatusUpdating
	if err := s.saveMeta(ctx, updating); err != nil {
		s.mu.Unlock()
		return err
	}
	ds.meta.Store(updating)
	s.mu.Unlock()
	if s.opts.ReshardDelay > 0 {
		time.Sleep(s.opts.ReshardDelay) // tests observe UPDATING
	}
	// The request was accepted: finish even if the caller goes away.
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if (*s.byName.Load())[name] != ds {
		return s.streamNotFound(name) // deleted meanwhile
	}
	err = s.applyReshard(ctx, ds, p)
	if err != nil {
		active := ds.meta.Load().clone()
		active.Status = StatusActive
		if serr := s.saveMeta(ctx, active); serr == nil {
			ds.meta.Store(active)
		}
		return err
	}
	s.opts.Logger.Info("data stream resharded", "stream", name, "open_shards", p.openCount(), "shards", len(p.shards))
	return nil
}
