package stream

import (
	"context"
	"encoding/hex"
	"sort"
	"time"
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
	Shards         []Shard
}

// Shard describes one shard; all shards are open (no resharding).
type Shard struct {
	ID                     string
	StartingHashKey        string
	EndingHashKey          string
	StartingSequenceNumber string
}

// CreateStream creates a stream and its storage; it is ACTIVE on return.
func (s *Service) CreateStream(ctx context.Context, in CreateStreamInput) error {
	if in.Mode == "" {
		in.Mode = ModeProvisioned
	}
	switch in.Mode {
	case ModeOnDemand:
		if in.ShardCount != 0 {
			return errorf(KindInvalidArgument, "ShardCount must not be specified for a stream in ON_DEMAND mode.")
		}
		in.ShardCount = OnDemandShards
	case ModeProvisioned:
		if in.ShardCount < 1 {
			return errorf(KindInvalidArgument, "ShardCount is required for a stream in PROVISIONED mode.")
		}
	default:
		return errorf(KindInvalidArgument, "Unknown StreamMode %s.", in.Mode)
	}
	if len(in.Tags) > MaxTags {
		return errorf(KindInvalidArgument, "Failed to create stream %s under account %s because a given stream cannot have more than %d tags associated with it.", in.Name, s.opts.AccountID, MaxTags)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := (*s.byName.Load())[in.Name]; ok {
		return errorf(KindInUse, "Stream %s under account %s already exists.", in.Name, s.opts.AccountID)
	}
	total := 0
	for _, ds := range *s.byName.Load() {
		total += len(ds.shards)
	}
	if total+in.ShardCount > MaxShardsPerAccount {
		return errorf(KindLimitExceeded, "This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
			s.opts.AccountID, s.opts.Region, total, MaxShardsPerAccount, in.ShardCount)
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
	d := Description{Summary: s.summary(m), RetentionHours: m.RetentionHours, Shards: make([]Shard, len(ds.shards))}
	for i, sh := range ds.shards {
		d.Shards[i] = Shard{ID: sh.id, StartingHashKey: sh.startKey, EndingHashKey: sh.endKey, StartingSequenceNumber: sh.startSeq}
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
			return errorf(KindInvalidArgument, "Failed to add tags to stream %s under account %s because a given stream cannot have more than %d tags associated with it.", name, s.opts.AccountID, MaxTags)
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

// SetRetention changes the retention period; increase tells which API was
// called, since each only moves in its own direction.
func (s *Service) SetRetention(ctx context.Context, name string, hours int, increase bool) error {
	if hours < MinRetentionHours {
		return errorf(KindInvalidArgument, "Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", MinRetentionHours, hours)
	}
	if hours > MaxRetentionHours {
		return errorf(KindInvalidArgument, "Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", MaxRetentionHours, hours)
	}
	return s.updateMeta(ctx, name, func(m *streamMeta) error {
		if increase && hours < m.RetentionHours {
			return errorf(KindInvalidArgument, "Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", hours, name, m.RetentionHours)
		}
		if !increase && hours > m.RetentionHours {
			return errorf(KindInvalidArgument, "Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", hours, name, m.RetentionHours)
		}
		m.RetentionHours = hours
		// Trimming is JetStream's MaxAge; update it before the metadata.
		return s.ensureStorage(ctx, m)
	})
}
