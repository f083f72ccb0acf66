package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/meta"
)

// CrawlerHistory states (ListCrawls).
const (
	historyRunning   = "RUNNING"
	historyCompleted = "COMPLETED"
	historyFailed    = "FAILED"
	historyStopped   = "STOPPED"
)

// Where Glue would write a crawler's logs; LastCrawl names them.
const logGroup = "/aws-glue/crawlers"

// activeRun is a crawl in progress.
type activeRun struct {
	id       string
	start    time.Time
	cancel   context.CancelFunc
	stopping atomic.Bool
	listing  atomic.Bool  // still listing objects: the total is not known
	total    atomic.Int64 // objects to classify
	seen     atomic.Int64 // objects classified so far
	done     chan struct{}
}

func (r *activeRun) state() string {
	if r.stopping.Load() {
		return StateStopping
	}
	return StateRunning
}

// StartCrawl starts a crawl of name in the background.
func (s *Service) StartCrawl(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs[name] != nil {
		return newError(ErrRunning, "Crawler with name %s has already started", name)
	}
	if s.base.Err() != nil {
		return errors.New("crawlers: the service is shut down")
	}
	run := &activeRun{id: uuid.NewString(), start: s.now(), done: make(chan struct{})}
	run.listing.Store(true)
	var def Definition
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		r, err := loadRecord(ctx, tx, name)
		if err != nil {
			return err
		}
		def = r.Definition
		return insertRun(ctx, tx, name, runRow{id: run.id, state: historyRunning, start: run.start.UnixMilli(), summary: "{}"})
	})
	if err != nil {
		return fmt.Errorf("start crawler %s: %w", name, err)
	}
	crawlCtx, cancel := context.WithCancel(s.base)
	run.cancel = cancel
	s.runs[name] = run
	s.wg.Add(1)
	go s.runCrawl(crawlCtx, def, run)
	return nil
}

// StopCrawl asks a running crawl to stop; it ends CANCELLED.
func (s *Service) StopCrawl(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.runs[name]
	if run == nil {
		if err := s.store.View(ctx, func(tx *meta.Tx) error { _, err := loadRecord(ctx, tx, name); return err }); err != nil {
			return fmt.Errorf("stop crawler %s: %w", name, err)
		}
		return newError(ErrNotRunning, "Crawler with name %s has not started", name)
	}
	if run.stopping.Swap(true) {
		return newError(ErrStopping, "Crawler with name %s is stopping", name)
	}
	run.cancel()
	return nil
}

// Wait blocks until the running crawl of name, if any, has ended.
func (s *Service) Wait(ctx context.Context, name string) error {
	s.mu.Lock()
	run := s.runs[name]
	s.mu.Unlock()
	if run == nil {
		return nil
	}
	select {
	case <-run.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runCrawl performs one crawl and records how it ended.
func (s *Service) runCrawl(ctx context.Context, def Definition, run *activeRun) {
	defer s.wg.Done()
	defer close(run.done)
	log := s.logger.With("crawler", def.Name, "crawl_id", run.id)
	log.Info("crawl started")
	sum, err := s.crawl(ctx, def, run)
	row := runRow{id: run.id, state: historyCompleted, start: run.start.UnixMilli(), end: s.now().UnixMilli(), counts: sum}
	switch {
	case run.stopping.Load():
		row.state = historyStopped
	case s.base.Err() != nil:
		row.state, row.errMsg = historyStopped, "The crawl was cancelled because the server shut down."
	case err != nil:
		row.state, row.errMsg = historyFailed, err.Error()
	}
	row.summary = sum.json()
	log.Info("crawl finished", "state", row.state, "tables_created", sum.TablesCreated, "tables_updated", sum.TablesUpdated,
		"tables_deleted", sum.TablesDeleted, "partitions_added", sum.PartitionsAdded, "err", err)
	// The crawl's own context may be cancelled; recording its end must not be.
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.store.Update(recordCtx, func(tx *meta.Tx) error { return finishRun(recordCtx, tx, def.Name, row) }); err != nil {
		log.Error("record crawl end", "err", err)
	}
	s.mu.Lock()
	delete(s.runs, def.Name)
	s.mu.Unlock()
	run.cancel()
}

// crawl lists, classifies and applies every target of def.
func (s *Service) crawl(ctx context.Context, def Definition, run *activeRun) (Summary, error) {
	var sum Summary
	if def.DatabaseName == "" {
		return sum, errors.New("the crawler has no DatabaseName to write tables to")
	}
	cfg, err := parseConfig(def.Configuration)
	if err != nil {
		return sum, err
	}
	targets, err := def.libraryTargets()
	if err != nil {
		return sum, err
	}
	var seen map[string]bool
	if def.RecrawlBehavior == CrawlNewFoldersOnly {
		if err := s.store.View(ctx, func(tx *meta.Tx) error { seen, err = loadFolders(ctx, tx, def.Name); return err }); err != nil {
			return sum, fmt.Errorf("load crawled folders: %w", err)
		}
	}
	batches, err := s.listTargets(ctx, def, targets, seen, run)
	if err != nil {
		return sum, err
	}
	a := &applier{s: s, def: def, cfg: cfg, runID: run.id, sum: &sum, now: s.now()}
	if err := a.ensureDatabase(ctx); err != nil {
		return sum, err
	}
	var found []Table
	for i, t := range targets {
		res, err := Crawl(ctx, t, batches[i].objects)
		if err != nil {
			return sum, fmt.Errorf("crawl %s: %w", t.Location(), err)
		}
		found = append(found, res.Tables...)
	}
	if cfg.tableThreshold > 0 && len(found) > cfg.tableThreshold {
		return sum, fmt.Errorf("the crawl found %d tables, more than the TableThreshold of %d", len(found), cfg.tableThreshold)
	}
	if err := a.apply(ctx, targets, found); err != nil {
		return sum, err
	}
	return sum, s.recordFolders(ctx, def, batches)
}

// targetObjects are the objects of one target this crawl classifies.
type targetObjects struct {
	objects []Object
	folders []string // s3:// leaf folders they sit in
}

// listTargets lists every target's objects, dropping the folders earlier
// crawls saw (seen is nil to crawl everything) and sampling SampleSize
// files per folder.
func (s *Service) listTargets(ctx context.Context, def Definition, targets []Target, seen map[string]bool, run *activeRun) ([]targetObjects, error) {
	out := make([]targetObjects, len(targets))
	for i, t := range targets {
		if err := s.authorizeList(ctx, def, t); err != nil {
			return nil, err
		}
		infos, err := s.listObjects(ctx, t)
		if err != nil {
			return nil, err
		}
		ex, err := newExcluder(t.Exclusions)
		if err != nil {
			return nil, err
		}
		perFolder := map[string]int{}
		for _, info := range infos {
			folder := folderOf(t.Bucket, info.Key)
			rel := strings.TrimPrefix(info.Key, t.prefix())
			if seen[folder] || skipKey(rel, info.Size) || ex.excluded(rel) {
				continue
			}
			if perFolder[folder] == 0 {
				out[i].folders = append(out[i].folders, folder)
			}
			perFolder[folder]++
			if n := def.Targets[i].SampleSize; n > 0 && perFolder[folder] > n {
				continue
			}
			if err := s.authorizeGet(ctx, def, t.Bucket, info.Key); err != nil {
				return nil, err
			}
			out[i].objects = append(out[i].objects, &lakeObject{store: s.lake, bucket: t.Bucket, info: info, seen: &run.seen})
		}
		run.total.Add(int64(len(out[i].objects)))
	}
	run.listing.Store(false)
	return out, nil
}

func (s *Service) listObjects(ctx context.Context, t Target) ([]lake.ObjectInfo, error) {
	var out []lake.ObjectInfo
	opts := lake.ListOptions{Prefix: t.prefix(), MaxKeys: lake.MaxListKeys}
	for {
		res, err := s.lake.ListObjects(ctx, t.Bucket, opts)
		if errors.Is(err, lake.ErrNoSuchBucket) {
			return nil, fmt.Errorf("the S3 target %s does not exist: no bucket %s", t.Location(), t.Bucket)
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", t.Location(), err)
		}
		out = append(out, res.Objects...)
		if !res.IsTruncated {
			return out, nil
		}
		opts.StartAfter = res.NextStartAfter
	}
}

func (s *Service) recordFolders(ctx context.Context, def Definition, batches []targetObjects) error {
	if def.RecrawlBehavior != CrawlNewFoldersOnly {
		return nil
	}
	var all []string
	for _, b := range batches {
		all = append(all, b.folders...)
	}
	return s.store.Update(ctx, func(tx *meta.Tx) error { return addFolders(ctx, tx, def.Name, all) })
}

// folderOf is the s3:// folder an object sits in.
func folderOf(bucket, key string) string {
	dir := path.Dir(key)
	if dir == "." {
		return "s3://" + bucket + "/"
	}
	return "s3://" + bucket + "/" + dir + "/"
}

// lakeObject is a lake object for Crawl; opening it counts as progress.
type lakeObject struct {
	store  lake.Store
	bucket string
	info   lake.ObjectInfo
	seen   *atomic.Int64
}

func (o *lakeObject) Key() string { return o.info.Key }
func (o *lakeObject) Size() int64 { return o.info.Size }
func (o *lakeObject) Open(ctx context.Context) (io.ReadCloser, error) {
	rc, _, err := o.store.GetObject(ctx, o.bucket, o.info.Key, nil)
	if err == nil {
		o.seen.Add(1)
	}
	return rc, err
}

// lastCrawlOf is the LastCrawl of a finished crawl.
func lastCrawlOf(crawler string, r runRow) *LastCrawl {
	status := StatusSucceeded
	switch r.state {
	case historyFailed:
		status = StatusFailed
	case historyStopped:
		status = StatusCancelled
	}
	return &LastCrawl{Status: status, ErrorMessage: r.errMsg, LogGroup: logGroup, LogStream: crawler,
		MessagePrefix: r.id, StartTime: time.UnixMilli(r.start).UTC()}
}
