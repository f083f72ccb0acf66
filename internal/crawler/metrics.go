package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Summary is what one crawl did to the catalog.
type Summary struct {
	TablesCreated, TablesUpdated, TablesDeleted int64
	PartitionsAdded, PartitionsDeleted          int64
	// ChangesLogged counts changes the SchemaChangePolicy said only to log.
	ChangesLogged int64
}

// json renders the summary as Glue's CrawlerHistory.Summary does: counts
// by entity and action, leaving out what did not happen.
func (s Summary) json() string {
	doc := map[string]map[string]map[string]int64{}
	add := func(entity, action string, n int64) {
		if n == 0 {
			return
		}
		if doc[entity] == nil {
			doc[entity] = map[string]map[string]int64{}
		}
		doc[entity][action] = map[string]int64{"Count": n}
	}
	add("TABLE", "ADD", s.TablesCreated)
	add("TABLE", "UPDATE", s.TablesUpdated)
	add("TABLE", "DELETE", s.TablesDeleted)
	add("PARTITION", "ADD", s.PartitionsAdded)
	add("PARTITION", "DELETE", s.PartitionsDeleted)
	add("CHANGE", "LOG", s.ChangesLogged)
	b, _ := json.Marshal(doc) // maps of strings and ints always encode
	return string(b)
}

// Metrics are GetCrawlerMetrics' figures for one crawler.
type Metrics struct {
	CrawlerName          string
	TimeLeftSeconds      float64
	StillEstimating      bool
	LastRuntimeSeconds   float64
	MedianRuntimeSeconds float64
	TablesCreated        int64
	TablesUpdated        int64
	TablesDeleted        int64
}

// Metrics returns the metrics of the named crawlers, or of all crawlers
// when names is empty, one page at a time. Names that do not exist are
// left out.
func (s *Service) Metrics(ctx context.Context, names []string, p Page) ([]Metrics, string, error) {
	if len(names) == 0 {
		var err error
		if names, err = s.allNames(ctx); err != nil {
			return nil, "", err
		}
	}
	var out []Metrics
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		for _, name := range names {
			if _, err := loadRecord(ctx, tx, name); err != nil {
				continue
			}
			runs, err := listRuns(ctx, tx, name)
			if err != nil {
				return err
			}
			out = append(out, s.metricsOf(name, runs))
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("crawler metrics: %w", err)
	}
	return pageSlice(out, p)
}

func (s *Service) allNames(ctx context.Context) ([]string, error) {
	var names []string
	p := Page{Max: 1000}
	for {
		batch, next, err := s.Names(ctx, nil, p)
		if err != nil {
			return nil, err
		}
		names = append(names, batch...)
		if next == "" {
			return names, nil
		}
		p.Token = next
	}
}

// pageSlice pages an in-memory list; the token is the offset.
func pageSlice[T any](all []T, p Page) ([]T, string, error) {
	start := 0
	if p.Token != "" {
		if _, err := fmt.Sscanf(p.Token, "%d", &start); err != nil || start < 0 || start > len(all) {
			return nil, "", invalidInput("Invalid NextToken.")
		}
	}
	limit := p.Max
	if limit <= 0 {
		limit = 100
	}
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprint(end)
	}
	return all[start:end], next, nil
}

func (s *Service) metricsOf(name string, runs []runRow) Metrics {
	m := Metrics{CrawlerName: name}
	var durations []float64
	for _, r := range runs {
		if r.state == historyRunning {
			continue
		}
		d := float64(r.end-r.start) / 1000
		if len(durations) == 0 {
			m.LastRuntimeSeconds = d
			m.TablesCreated, m.TablesUpdated, m.TablesDeleted = r.counts.TablesCreated, r.counts.TablesUpdated, r.counts.TablesDeleted
		}
		durations = append(durations, d)
	}
	m.MedianRuntimeSeconds = median(durations)
	s.mu.Lock()
	run := s.runs[name]
	s.mu.Unlock()
	if run != nil {
		m.TimeLeftSeconds, m.StillEstimating = run.timeLeft(s.now())
	}
	return m
}

// timeLeft extrapolates the crawl's remaining time from the share of
// objects classified so far; it is an estimate until some are.
func (r *activeRun) timeLeft(now time.Time) (float64, bool) {
	seen, total := r.seen.Load(), r.total.Load()
	if r.listing.Load() || seen == 0 {
		return 0, true
	}
	elapsed := now.Sub(r.start).Seconds()
	return elapsed * float64(max(total-seen, 0)) / float64(seen), false
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// CrawlRun is one run of a crawler (CrawlerHistory).
type CrawlRun struct {
	ID           string
	State        string // RUNNING, COMPLETED, FAILED, STOPPED
	StartTime    time.Time
	EndTime      time.Time // zero while running
	Summary      string
	ErrorMessage string
	LogGroup     string
	LogStream    string
}

// Crawls returns a crawler's crawls, newest first.
func (s *Service) Crawls(ctx context.Context, name string) ([]CrawlRun, error) {
	var runs []runRow
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		if _, err := loadRecord(ctx, tx, name); err != nil {
			return err
		}
		var err error
		runs, err = listRuns(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list crawls of %s: %w", name, err)
	}
	out := make([]CrawlRun, len(runs))
	for i, r := range runs {
		out[i] = CrawlRun{ID: r.id, State: r.state, StartTime: time.UnixMilli(r.start).UTC(), Summary: r.summary,
			ErrorMessage: r.errMsg, LogGroup: logGroup, LogStream: name}
		if r.state != historyRunning {
			out[i].EndTime = time.UnixMilli(r.end).UTC()
		}
	}
	return out, nil
}
