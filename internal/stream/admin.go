package stream

import (
	"context"
	"encoding/hex"
	"sort"
	"time"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// MaxTags is how many tags one stream may carry.
const MaxTags = 50

// CreateStreamInput describes a new stream.
type CreateStreamInput struct {
	Name string
	// Mode is ModeProvisioned (default) or ModeOnDemand.
	Mode string
	// ShardCount is required for provisioned streams and must be 0 for
	// on-demand ones, which start with OnDemandShards shards as in Kinesis.
	ShardCount int
	Tags       map[string]string
}

// Summary is what ListStreams reports per stream.
type Summary struct {
	Name, ARN, Status, Mode string
	Created                 time.Time
}

// Description is a stream with its shards.
type Description struct {
	Summary
	RetentionHours int
	// Shards are ordered by id: the open ones and the closed ones whose
	// records retention has not trimmed yet, as Kinesis lists them.
	Shards         []Shard
	OpenShardCount int
}

// Shard describes one shard.
type Shard struct {
	ID                     string
	ParentShardID          string
	AdjacentParentShardID  string
	StartingHashKey        string
	EndingHashKey          string
	StartingSequenceNumber string
	// EndingSequenceNumber is set once a reshard closed the shard.
	EndingSequenceNumber string
	// Created and Closed (zero while open) serve ListShards' time filters.
	Created, Closed time.Time
}

// CreateStream creates a stream and its storage; it is ACTIVE on return.
func (s *Service) CreateStream(ctx context.Context, in CreateStreamInput) error {
	if in.Mode == "" {
		in.Mode = ModeProvisioned
	}
	switch in.Mode {
	case ModeOnDemand:
		if in.ShardCount != 0 {
			return awserr.New(awserr.InvalidArgument, "ShardCount must not be specified for a stream in ON_DEMAND mode.")
		}
		in.ShardCount = OnDemandShards
	case ModeProvisioned:
		if in.ShardCount < 1 {
			return awserr.New(awserr.InvalidArgument, "ShardCount is required for a stream in PROVISIONED mode.")
		}
	default:
		return awserr.New(awserr.InvalidArgument, "Unknown StreamMode %s.", in.Mode)
	}
	if len(in.Tags) > MaxTags {
		return awserr.New(awserr.InvalidArgument, "Failed to create stream %s under account %s because a given stream cannot have more than %d tags associated with it.", in.Name, s.opts.AccountID, MaxTags)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := (*s.byName.Load())[in.Name]; ok {
		return awserr.New(awserr.InUse, "Stream %s under account %s already exists.", in.Name, s.opts.AccountID)
	}
	if err := s.checkShardLimit(in.ShardCount); err != nil {
		return err
	}
	m := &streamMeta{
		ID:             hex.EncodeToString(randomBytes(8)),
		Name:           in.Name,
		Status:         StatusCreating,
		Mode:           in.Mode,
		ShardCount:     in.ShardCount,
		RetentionHours: DefaultRetentionHours,
		Created:        time.Now().UTC().Truncate(time.Millisecond),
		Tags:           map[string]string{},
	}
	for k, v := range in.Tags {
		m.Tags[k] = v
	}
	m.Shards = uniformShards(in.ShardCount, 0, m.Created)
	ds, err := newDataStream(m)
	if err != nil {
		return err
	}
	// Record the intent first so a crash between the steps is finished by Open.
	if err := s.saveMeta(ctx, m); err != nil {
		return err
	}
	if err := s.ensureStorage(ctx, m); err != nil {
		return err
	}
	active := m.clone()
	active.Status = StatusActive
	if err := s.saveMeta(ctx, active); err != nil {
		return err
	}
	ds.meta.Store(active)
	s.publishStream(ds, false)
	s.opts.Logger.Info("data stream created", "stream", in.Name, "shards", in.ShardCount, "mode", in.Mode)
	return nil
}

// DeleteStream deletes a stream and all its records.
func (s *Service) DeleteStream(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds, err := s.lookup(name)
	if err != nil {
		return err
	}
	m := ds.meta.Load().clone()
	m.Status = StatusDeleting
	if err := s.saveMeta(ctx, m); err != nil {
		return err
	}
	ds.meta.Store(m)
	if err := s.dropStorage(ctx, ds); err != nil {
		return err
	}
	s.publishStream(ds, true)
	s.opts.Logger.Info("data stream deleted", "stream", name)
	return nil
}

func (s *Service) summary(m *streamMeta) Summary {
	return Summary{Name: m.Name, ARN: s.ARN(m.Name), Status: m.Status, Mode: m.Mode, Created: m.Created}
}

// DescribeStream returns a stream and all its shards.
func (s *Service) DescribeStream(ctx context.Context, name string) (Description, error) {
	ds, err := s.lookup(name)
	if err != nil {
		return Description{}, err
	}
	m := ds.meta.Load()
	lay := ds.layout.Load()
	d := Description{Summary: s.summary(m), RetentionHours: m.RetentionHours, Shards: make([]Shard, 0, len(lay.all)), OpenShardCount: len(lay.open)}
	expired := s.opts.Now().Add(-time.Duration(m.RetentionHours) * time.Hour).UnixMilli()
	for _, sh := range lay.all {
		closed := sh.closedAt.Load()
		if closed != 0 && closed < expired {
			continue // closed and past retention: Kinesis no longer lists it
		}
		out := Shard{ID: sh.id, ParentShardID: sh.parent, AdjacentParentShardID: sh.adjacent,
			StartingHashKey: sh.startKey, EndingHashKey: sh.endKey, StartingSequenceNumber: sh.startSeq, Created: sh.created}
		if closed != 0 {
			out.EndingSequenceNumber, out.Closed = sh.endSeq(), time.UnixMilli(closed).UTC()
		}
		d.Shards = append(d.Shards, out)
	}
	return d, nil
}

// ListStreams returns every stream ordered by name.
func (s *Service) ListStreams(ctx context.Context) []Summary {
	all := s.sortedStreams()
	out := make([]Summary, len(all))
	for i, ds := range all {
		out[i] = s.summary(ds.meta.Load())
	}
	return out
}

// updateMeta applies change to a copy of the stream's metadata and stores it.
func (s *Service) updateMeta(ctx context.Context, name string, change func(m *streamMeta) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds, err := s.active(name)
	if err != nil {
		return err
	}
	m := ds.meta.Load().clone()
	if err := change(m); err != nil {
		return err
	}
	if err := s.saveMeta(ctx, m); err != nil {
		return err
	}
	ds.meta.Store(m)
	return nil
}

// AddTags adds or overwrites tags.
func (s *Service) AddTags(ctx context.Context, name string, tags map[string]string) error {
	return s.updateMeta(ctx, name, func(m *streamMeta) error {
		n := len(m.Tags)
		for k := range tags {
			if _, ok := m.Tags[k]; !ok {
				n++
			}
		}
		if n > MaxTags {
			return awserr.New(awserr.InvalidArgument, "Failed to add tags to stream %s under account %s because a given stream cannot have more than %d tags associated with it.", name, s.opts.AccountID, MaxTags)
		}
		for k, v := range tags {
			m.Tags[k] = v
		}
		return nil
	})
}

// RemoveTags removes tags; absent keys are ignored as in Kinesis.
func (s *Service) RemoveTags(ctx context.Context, name string, keys []string) error {
	return s.updateMeta(ctx, name, func(m *streamMeta) error {
		for _, k := range keys {
			delete(m.Tags, k)
		}
		return nil
	})
}

// Tag is one stream tag.
type Tag struct{ Key, Value string }

// Tags returns the stream's tags ordered by key.
func (s *Service) Tags(ctx context.Context, name string) ([]Tag, error) {
	ds, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	m := ds.meta.Load()
	out := make([]Tag, 0, len(m.Tags))
	for k, v := range m.Tags {
		out = append(out, Tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// TagMap is the stream's tags for authorization (aws:ResourceTag), nil
// when the stream does not exist. Callers must not modify it.
func (s *Service) TagMap(name string) map[string]string {
	ds, err := s.lookup(name)
	if err != nil {
		return nil
	}
	return ds.meta.Load().Tags
}

// SetRetention changes the retention period; increase tells which API was
// called, since each only moves in its own direction.
func (s *Service) SetRetention(ctx context.Context, name string, hours int, increase bool) error {
	if hours < MinRetentionHours {
		return awserr.New(awserr.InvalidArgument, "Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", MinRetentionHours, hours)
	}
	if hours > MaxRetentionHours {
		return awserr.New(awserr.InvalidArgument, "Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", MaxRetentionHours, hours)
	}
	return s.updateMeta(ctx, name, func(m *streamMeta) error {
		if increase && hours < m.RetentionHours {
			return awserr.New(awserr.InvalidArgument, "Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", hours, name, m.RetentionHours)
		}
		if !increase && hours > m.RetentionHours {
			return awserr.New(awserr.InvalidArgument, "Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", hours, name, m.RetentionHours)
		}
		m.RetentionHours = hours
		// Trimming is JetStream's MaxAge; update it before the metadata.
		return s.ensureStorage(ctx, m)
	})
}

// checkShardLimit fails when adding shards open shards would exceed the
// account's shard quota. Callers hold s.mu.
func (s *Service) checkShardLimit(adding int) error {
	total := 0
	for _, ds := range *s.byName.Load() {
		total += len(ds.layout.Load().open)
	}
	if total+adding > MaxShardsPerAccount {
		return awserr.New(awserr.LimitExceeded, "This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
			s.opts.AccountID, s.opts.Region, total, MaxShardsPerAccount, adding)
	}
	return nil
}

// ListShards filter types as Kinesis names them.
const (
	FilterAfterShardID    = "AFTER_SHARD_ID"
	FilterAtTrimHorizon   = "AT_TRIM_HORIZON"
	FilterFromTrimHorizon = "FROM_TRIM_HORIZON"
	FilterAtLatest        = "AT_LATEST"
	FilterAtTimestamp     = "AT_TIMESTAMP"
	FilterFromTimestamp   = "FROM_TIMESTAMP"
)

// FilterShards applies a ListShards ShardFilter of type typ (ts for the
// timestamp types) to d.Shards at time now. AFTER_SHARD_ID and no filter
// select every listed shard; the caller applies the shard id bound.
func (d *Description) FilterShards(typ string, ts, now time.Time) []Shard {
	// Times before the stream existed mean its first shards.
	horizon := now.Add(-time.Duration(d.RetentionHours) * time.Hour)
	if horizon.Before(d.Created) {
		horizon = d.Created
	}
	if ts.Before(d.Created) {
		ts = d.Created
	}
	keep := func(Shard) bool { return true }
	switch typ {
	case FilterAtLatest:
		keep = func(sh Shard) bool { return sh.Closed.IsZero() }
	case FilterAtTrimHorizon:
		keep = func(sh Shard) bool { return openAt(sh, horizon) }
	case FilterAtTimestamp:
		keep = func(sh Shard) bool { return openAt(sh, ts) }
	case FilterFromTimestamp:
		keep = func(sh Shard) bool { return sh.Closed.IsZero() || !sh.Closed.Before(ts) }
	}
	var out []Shard
	for _, sh := range d.Shards {
		if keep(sh) {
			out = append(out, sh)
		}
	}
	return out
}

// openAt reports whether sh existed and was open at t.
func openAt(sh Shard, t time.Time) bool {
	return !sh.Created.After(t) && (sh.Closed.IsZero() || sh.Closed.After(t))
}
