package crawler

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Service runs Glue crawlers: their definitions live in the metadata
// store, crawls read the lake and write the catalog.
type Service struct {
	store   *meta.Store
	catalog *catalog.Service
	lake    lake.Store
	logger  *slog.Logger
	now     func() time.Time

	roles             RoleAuthorizer // nil: crawls may do everything
	accountID, region string         // of the catalog's ARNs

	// mu serialises the operations that check and change whether a
	// crawler runs (start, stop, update, delete) and guards runs.
	mu   sync.Mutex
	runs map[string]*activeRun

	base    context.Context // cancelled by Close; parent of every crawl
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	wake    chan struct{} // schedules changed
	started bool
}

// Options configures a Service.
type Options struct {
	Store   *meta.Store
	Catalog *catalog.Service
	Lake    lake.Store
	Logger  *slog.Logger
	// Now is the clock (tests pin it); time.Now by default.
	Now func() time.Time
	// Roles authorizes what crawls do as their Role; nil allows everything.
	// AccountID and Region (defaults 000000000000, us-east-1) name the
	// resources it is asked about.
	Roles     RoleAuthorizer
	AccountID string
	Region    string
}

// New returns the service. Start recovers interrupted crawls and runs the
// scheduler.
func New(opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	base, cancel := context.WithCancel(context.Background())
	return &Service{
		store: opts.Store, catalog: opts.Catalog, lake: opts.Lake, logger: opts.Logger, now: opts.Now,
		roles: opts.Roles, accountID: opts.AccountID, region: opts.Region,
		runs: map[string]*activeRun{}, base: base, cancel: cancel, wake: make(chan struct{}, 1),
	}
}

// Start ends crawls a previous process left running (as FAILED) and starts
// the scheduler.
func (s *Service) Start(ctx context.Context) error {
	var n int64
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		var err error
		n, err = closeInterrupted(ctx, tx, s.now().UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("crawlers: close interrupted crawls: %w", err)
	}
	if n > 0 {
		s.logger.Warn("crawlers: crawls interrupted by the last shutdown marked FAILED", "count", n)
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.wg.Add(1)
	go s.schedule()
	return nil
}

// Close stops the scheduler and the running crawls (they end CANCELLED)
// and waits for them, until ctx ends.
func (s *Service) Close(ctx context.Context) error {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("crawlers: close: %w", ctx.Err())
	}
}

// Page asks for one page of a listing: Token from the previous page's
// NextToken ("" for the first), Max results (0 for the default).
type Page struct {
	Token string
	Max   int
}

func (p Page) after() (string, error) {
	if p.Token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Token)
	if err != nil {
		return "", invalidInput("Invalid NextToken.")
	}
	return string(b), nil
}

func nextToken(last string) string { return base64.RawURLEncoding.EncodeToString([]byte(last)) }

// Create adds a crawler.
func (s *Service) Create(ctx context.Context, def Definition, tags map[string]string) error {
	if err := def.normalize(); err != nil {
		return err
	}
	now := s.now().UnixMilli()
	r := &record{spec: spec{Definition: def, Version: 1, LastUpdated: now}, tags: tags, created: now}
	if r.tags == nil {
		r.tags = map[string]string{}
	}
	if def.Schedule != "" {
		r.ScheduleState = ScheduleScheduled
	}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		if _, err := loadRecord(ctx, tx, def.Name); err == nil {
			return newError(ErrAlreadyExists, "Crawler with name %s has already been created", def.Name)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return insertRecord(ctx, tx, r)
	})
	if err != nil {
		return fmt.Errorf("create crawler %s: %w", def.Name, err)
	}
	s.poke()
	return nil
}

// Get returns a crawler with its state and last crawl.
func (s *Service) Get(ctx context.Context, name string) (*Crawler, error) {
	var r *record
	var runs []runRow
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		var err error
		if r, err = loadRecord(ctx, tx, name); err != nil {
			return err
		}
		runs, err = listRuns(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get crawler %s: %w", name, err)
	}
	return s.withState(r, runs), nil
}

// withState adds the running state and last crawl to a stored crawler.
func (s *Service) withState(r *record, runs []runRow) *Crawler {
	c := r.crawler()
	for _, run := range runs {
		if run.state != historyRunning {
			c.LastCrawl = lastCrawlOf(c.Name, run)
			break
		}
	}
	s.mu.Lock()
	active := s.runs[c.Name]
	s.mu.Unlock()
	if active != nil {
		c.State = active.state()
		c.CrawlElapsed = s.now().Sub(active.start)
	}
	return c
}

// List returns a page of crawlers in name order.
func (s *Service) List(ctx context.Context, p Page) ([]Crawler, string, error) {
	recs, next, err := s.page(ctx, p, nil)
	if err != nil {
		return nil, "", err
	}
	out := make([]Crawler, 0, len(recs))
	for _, r := range recs {
		var runs []runRow
		err := s.store.View(ctx, func(tx *meta.Tx) error {
			var err error
			runs, err = listRuns(ctx, tx, r.Definition.Name)
			return err
		})
		if err != nil {
			return nil, "", fmt.Errorf("list crawlers: %w", err)
		}
		out = append(out, *s.withState(r, runs))
	}
	return out, next, nil
}

// Names returns a page of crawler names, only those carrying every one of
// tags when tags is not empty.
func (s *Service) Names(ctx context.Context, tags map[string]string, p Page) ([]string, string, error) {
	recs, next, err := s.page(ctx, p, tags)
	if err != nil {
		return nil, "", err
	}
	names := make([]string, len(recs))
	for i, r := range recs {
		names[i] = r.Definition.Name
	}
	return names, next, nil
}

// page reads one page of records matching tags.
func (s *Service) page(ctx context.Context, p Page, tags map[string]string) ([]*record, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	limit := p.Max
	if limit <= 0 {
		limit = 100
	}
	var out []*record
	err = s.store.View(ctx, func(tx *meta.Tx) error {
		for len(out) <= limit {
			batch, err := listRecords(ctx, tx, after, limit+1)
			if err != nil || len(batch) == 0 {
				return err
			}
			for _, r := range batch {
				if hasTags(r.tags, tags) {
					out = append(out, r)
				}
			}
			after = batch[len(batch)-1].Definition.Name
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list crawlers: %w", err)
	}
	if len(out) > limit {
		return out[:limit], nextToken(out[limit-1].Definition.Name), nil
	}
	return out, "", nil
}

func hasTags(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Update changes a crawler's definition with fn (which sees the current
// one), as UpdateCrawler does: refused while the crawler runs.
func (s *Service) Update(ctx context.Context, name string, fn func(*Definition) error) error {
	return s.change(ctx, name, func(r *record) error {
		old := r.Definition.Schedule
		if err := fn(&r.Definition); err != nil {
			return err
		}
		r.Definition.Name = name
		if err := r.Definition.normalize(); err != nil {
			return err
		}
		r.setSchedule(old)
		return nil
	})
}

// setSchedule fixes the schedule state after the expression changed from old.
func (r *record) setSchedule(old string) {
	switch {
	case r.Definition.Schedule == "":
		r.ScheduleState = ""
	case old == "" || r.ScheduleState == "":
		r.ScheduleState = ScheduleScheduled
	}
}

// change applies fn to a stored crawler that is not running, bumping its
// version.
func (s *Service) change(ctx context.Context, name string, fn func(*record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs[name] != nil {
		return newError(ErrRunning, "Cannot update Crawler while running. Please stop crawl or wait until it completes to update.")
	}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		r, err := loadRecord(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		r.Version++
		r.LastUpdated = s.now().UnixMilli()
		return saveSpec(ctx, tx, r)
	})
	if err != nil {
		return fmt.Errorf("update crawler %s: %w", name, err)
	}
	s.poke()
	return nil
}

// Delete removes a crawler and its history. The tables it made stay.
func (s *Service) Delete(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs[name] != nil {
		return newError(ErrRunning, "Crawler with name %s is running and cannot be deleted.", name)
	}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		if _, err := loadRecord(ctx, tx, name); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM crawlers WHERE name = ?`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete crawler %s: %w", name, err)
	}
	return nil
}

// Tags returns a crawler's tags.
func (s *Service) Tags(ctx context.Context, name string) (map[string]string, error) {
	var tags map[string]string
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		r, err := loadRecord(ctx, tx, name)
		if err == nil {
			tags = maps.Clone(r.tags)
		}
		return err
	})
	return tags, err
}

// poke wakes the scheduler to re-read schedules.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
