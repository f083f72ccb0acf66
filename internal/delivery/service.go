// Package delivery is the delivery-stream service (the Kinesis Data Firehose
// role). Each delivery stream has one JetStream stream holding its accepted
// records (many per message) and one worker that buffers them per partition,
// processes and converts them, and writes objects into the lake, recording
// per-partition progress durably so that a crash and replay rewrite the same
// objects instead of duplicating records (see worker.go).
//
// Configuration and progress live in JetStream KV buckets next to the data,
// so a delivery stream's whole state moves with JetStream (embedded or an
// external cluster) and no migration touches the shared metadata database.
package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/stream"
)

const (
	configBucket   = "shoal_delivery"
	progressBucket = "shoal_delivery_progress"
	// MaxDeliveryStreams bounds what one server holds, like the regional quota.
	MaxDeliveryStreams = 5000
)

// SchemaSource reads catalog tables for format conversion.
type SchemaSource interface {
	GetTableVersion(ctx context.Context, db, name, versionID string) (*catalog.Table, error)
}

var _ SchemaSource = (*catalog.Service)(nil)

// Options configures the service.
type Options struct {
	AccountID string
	Region    string
	Logger    *slog.Logger
	Streams   *stream.Service // for KinesisStreamAsSource; may be nil
	Lake      lake.Store
	Catalog   SchemaSource
	// TickInterval is how often workers check buffer deadlines (default 100ms).
	TickInterval time.Duration
	// Roles authorizes what delivery does as the stream's IAM roles; nil
	// allows everything.
	Roles RoleAuthorizer
	// RetryBackoff is the first wait before a failed delivery is retried
	// (default DefaultRetryBackoff); it doubles per attempt up to 16 times it.
	RetryBackoff time.Duration
}

// Service manages delivery streams.
type Service struct {
	opts     Options
	js       jetstream.JetStream
	kv       jetstream.KeyValue
	progress jetstream.KeyValue

	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	streams map[string]*entry
}

type entry struct {
	cfg    *Config // replaced, never mutated, under Service.mu
	worker *worker
	source *sourceReader
	stats  *counters // outlive worker restarts (see stats.go)
}

// Open loads delivery streams, finishes interrupted creations and deletions
// and starts their workers.
func Open(ctx context.Context, js jetstream.JetStream, o Options) (*Service, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.TickInterval <= 0 {
		o.TickInterval = 100 * time.Millisecond
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = DefaultRetryBackoff
	}
	s := &Service{opts: o, js: js, streams: map[string]*entry{}}
	var err error
	if s.kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: configBucket, Storage: jetstream.FileStorage, History: 1}); err != nil {
		return nil, fmt.Errorf("delivery config bucket: %w", err)
	}
	if s.progress, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: progressBucket, Storage: jetstream.FileStorage, History: 1}); err != nil {
		return nil, fmt.Errorf("delivery progress bucket: %w", err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(ctx); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

func (s *Service) load(ctx context.Context) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("list delivery streams: %w", err)
	}
	var names []string
	for k := range lister.Keys() {
		names = append(names, k)
	}
	for _, name := range names {
		cfg, err := s.loadConfig(ctx, name)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return err
		}
		switch cfg.Status {
		case StatusDeleting:
			if err := s.dropStorage(ctx, cfg); err != nil {
				return err
			}
			continue
		case StatusCreating:
			if err := s.ensureStorage(ctx, cfg); err != nil {
				return err
			}
			cfg.Status = StatusActive
			if err := s.saveConfig(ctx, cfg); err != nil {
				return err
			}
		}
		e := &entry{cfg: cfg}
		s.streams[name] = e
		s.startLocked(e)
	}
	return nil
}

// Close stops every worker; nothing unacknowledged is flushed, because
// replay after the next Open rewrites the same objects.
func (s *Service) Close(ctx context.Context) error {
	s.cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.streams {
		s.stopLocked(e)
	}
	return nil
}

// ARN returns the delivery stream's ARN.
func (s *Service) ARN(name string) string {
	return fmt.Sprintf("arn:aws:firehose:%s:%s:deliverystream/%s", s.opts.Region, s.opts.AccountID, name)
}

func jsName(id string) string     { return "FH_" + id }
func putSubject(id string) string { return "shoal.fh." + id + ".put" }

func (s *Service) loadConfig(ctx context.Context, name string) (*Config, error) {
	kve, err := s.kv.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(kve.Value(), &cfg); err != nil {
		return nil, fmt.Errorf("decode delivery stream %s: %w", name, err)
	}
	return &cfg, nil
}

func (s *Service) saveConfig(ctx context.Context, cfg *Config) error {
	b, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode delivery stream %s: %w", cfg.Name, err)
	}
	if _, err := s.kv.Put(ctx, cfg.Name, b); err != nil {
		return fmt.Errorf("save delivery stream %s: %w", cfg.Name, err)
	}
	return nil
}

func (s *Service) ensureStorage(ctx context.Context, cfg *Config) error {
	_, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        jsName(cfg.ID),
		Subjects:    []string{"shoal.fh." + cfg.ID + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		AllowDirect: true,
	})
	if err != nil {
		return fmt.Errorf("create storage of delivery stream %s: %w", cfg.Name, err)
	}
	return nil
}

func (s *Service) dropStorage(ctx context.Context, cfg *Config) error {
	if err := s.js.DeleteStream(ctx, jsName(cfg.ID)); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete storage of delivery stream %s: %w", cfg.Name, err)
	}
	if err := s.progress.Purge(ctx, cfg.ID); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete progress of delivery stream %s: %w", cfg.Name, err)
	}
	if err := s.dropCheckpoints(ctx, cfg); err != nil {
		return err
	}
	if err := s.kv.Purge(ctx, cfg.Name); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete delivery stream %s: %w", cfg.Name, err)
	}
	return nil
}

func (s *Service) startLocked(e *entry) {
	if e.stats == nil {
		e.stats = &counters{}
	}
	e.worker = startWorker(s, e.cfg, e.stats)
	if e.cfg.Type == KinesisStreamAsSource {
		e.source = startSource(s, e.cfg, e.stats)
	}
}

func (s *Service) stopLocked(e *entry) {
	if e.source != nil {
		e.source.stop()
		e.source = nil
	}
	if e.worker != nil {
		e.worker.stop()
		e.worker = nil
	}
}

func (s *Service) notFound(name string) *awserr.Error {
	return awserr.New(awserr.NotFound, "Firehose %s under account %s not found.", name, s.opts.AccountID)
}

// Create creates a delivery stream; it is ACTIVE on return.
func (s *Service) Create(ctx context.Context, in CreateInput) (string, error) {
	if err := validateName(in.Name); err != nil {
		return "", err
	}
	if err := checkSourceType(in.Type, in.Source); err != nil {
		return "", err
	}
	if in.Type == "" {
		in.Type = DirectPut
	}
	dest := in.Destination
	if _, err := validateDestination(&dest, true); err != nil {
		return "", err
	}
	if err := validateTags(in.Tags); err != nil {
		return "", err
	}
	if in.Type == KinesisStreamAsSource {
		if err := s.checkSource(ctx, in.Source); err != nil {
			return "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.streams[in.Name]; ok {
		return "", awserr.New(awserr.InUse, "Firehose %s under accountId %s already exists", in.Name, s.opts.AccountID)
	}
	if len(s.streams) >= MaxDeliveryStreams {
		return "", awserr.New(awserr.LimitExceeded, "You have already consumed your firehose quota of %d hoses. Firehose names: ...", MaxDeliveryStreams)
	}
	idb := make([]byte, 8)
	_, _ = rand.Read(idb)
	now := time.Now().UTC()
	cfg := &Config{Name: in.Name, ID: hex.EncodeToString(idb), Type: in.Type, Status: StatusCreating, Version: 1,
		Source: in.Source, Destination: dest, Tags: in.Tags, Created: now, Updated: now}
	if in.Type == KinesisStreamAsSource {
		cfg.SourceStarted = now
	}
	if err := s.saveConfig(ctx, cfg); err != nil {
		return "", err
	}
	if err := s.ensureStorage(ctx, cfg); err != nil {
		return "", err
	}
	cfg.Status = StatusActive
	if err := s.saveConfig(ctx, cfg); err != nil {
		return "", err
	}
	e := &entry{cfg: cfg}
	s.streams[in.Name] = e
	s.startLocked(e)
	s.opts.Logger.Info("delivery stream created", "name", in.Name, "type", in.Type)
	return s.ARN(in.Name), nil
}

// Describe returns a snapshot of a delivery stream's configuration.
func (s *Service) Describe(ctx context.Context, name string) (*Config, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.streams[name]
	if !ok {
		return nil, s.notFound(name)
	}
	cfg := e.cfg.clone()
	cfg.Failure = e.stats.currentFailure()
	return cfg, nil
}

// TagMap is the delivery stream's tags for authorization
// (aws:ResourceTag), nil when it does not exist.
func (s *Service) TagMap(name string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.streams[name]
	if !ok || len(e.cfg.Tags) == 0 {
		return nil
	}
	tags := make(map[string]string, len(e.cfg.Tags))
	for _, t := range e.cfg.Tags {
		tags[t.Key] = ""
		if t.Value != nil {
			tags[t.Key] = *t.Value
		}
	}
	return tags
}

// List returns delivery stream names in order, after exclusiveStart, of the
// given type ("" for all), at most limit, and whether more follow.
func (s *Service) List(ctx context.Context, typ, exclusiveStart string, limit int) ([]string, bool) {
	s.mu.Lock()
	var names []string
	for n, e := range s.streams {
		if (typ == "" || e.cfg.Type == typ) && n > exclusiveStart {
			names = append(names, n)
		}
	}
	s.mu.Unlock()
	sort.Strings(names)
	if limit > 0 && len(names) > limit {
		return names[:limit], true
	}
	return names, false
}

// Delete stops delivery and removes the stream with its undelivered records.
func (s *Service) Delete(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.streams[name]
	if !ok {
		return s.notFound(name)
	}
	cfg := e.cfg.clone()
	cfg.Status = StatusDeleting
	if err := s.saveConfig(ctx, cfg); err != nil {
		return err
	}
	s.stopLocked(e)
	delete(s.streams, name)
	if err := s.dropStorage(ctx, cfg); err != nil {
		// Open finishes the deletion.
		s.opts.Logger.Error("delete delivery stream storage", "name", name, "err", err)
	}
	s.opts.Logger.Info("delivery stream deleted", "name", name)
	return nil
}

// UpdateDestination replaces destination settings (only the members set in
// update), checking the caller's version; the worker restarts on the new
// version from its durable progress, so no record is lost or repeated.
func (s *Service) UpdateDestination(ctx context.Context, name, currentVersion, destinationID string, update func(d *S3Destination) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.streams[name]
	if !ok {
		return s.notFound(name)
	}
	if destinationID != "destinationId-000000000001" {
		return invalidArg("Destination %s not found for delivery stream %s.", destinationID, name)
	}
	if currentVersion != fmt.Sprint(e.cfg.Version) {
		return awserr.New(awserr.ConcurrentModification, "Cannot update firehose: %s since the current version id: %d and the specified version id: %s do not match", name, e.cfg.Version, currentVersion)
	}
	cfg := e.cfg.clone()
	wasDynamic := cfg.Destination.DynamicPartitioningConfiguration != nil && boolVal(cfg.Destination.DynamicPartitioningConfiguration.Enabled, false)
	if err := update(&cfg.Destination); err != nil {
		return err
	}
	isDynamic := cfg.Destination.DynamicPartitioningConfiguration != nil && boolVal(cfg.Destination.DynamicPartitioningConfiguration.Enabled, false)
	if wasDynamic != isDynamic {
		return invalidArg("Dynamic partitioning can only be enabled when the delivery stream is created and cannot be changed.")
	}
	if _, err := validateDestination(&cfg.Destination, false); err != nil {
		return err
	}
	cfg.Version++
	cfg.Updated = time.Now().UTC()
	// Stop first: the old worker records progress after each object, so once
	// it stopped no object of the old version is unrecorded, and a replay
	// under the new version (a new object name) cannot duplicate records.
	s.stopLocked(e)
	if err := s.saveConfig(ctx, cfg); err != nil {
		s.startLocked(e)
		return err
	}
	e.cfg = cfg
	s.startLocked(e)
	return nil
}

func (s *Service) checkSource(ctx context.Context, src *KinesisSource) error {
	if s.opts.Streams == nil {
		return invalidArg("KinesisStreamAsSource is not available on this server.")
	}
	name, err := s.opts.Streams.ResolveName("", src.KinesisStreamARN)
	if err != nil {
		return invalidArg("KinesisStreamARN %s is invalid: %v", src.KinesisStreamARN, err)
	}
	if _, err := s.opts.Streams.DescribeStream(ctx, name); err != nil {
		var se *awserr.Error
		if errors.As(err, &se) && se.Code == awserr.NotFound {
			return invalidArg("Kinesis stream %s does not exist.", src.KinesisStreamARN)
		}
		return err
	}
	return nil
}
