package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/query"
)

// source is where a visual's query reads a dataset from.
type source struct {
	from      string            // FROM item with alias ds
	database  string            // default database of the dataset's query
	relations map[string]string // the snapshot, for SPICE
	version   string            // the data read, for the cache key; "" = do not cache
	datasetID string
}

// openSource resolves a dataset for reading. A SPICE dataset reads its
// snapshot, held until release; one without a snapshot yet (its first
// refresh failed) is read live rather than not at all.
func (s *Service) openSource(d *storedDataset) (*source, func()) {
	src := &source{database: d.Database, datasetID: d.ID}
	if d.Mode == ModeSPICE {
		path, release := s.readSnapshot(d)
		if path != "" {
			src.from = snapshotRelation + " AS ds"
			src.relations = map[string]string{snapshotRelation: path}
			src.version = "snapshot:" + path
			return src, release
		}
		release()
	}
	src.from = "(\n" + trimSQL(d.SQL) + "\n) AS ds"
	if s.opts.Data != nil {
		src.version = fmt.Sprintf("lake:%d", s.opts.Data.Version())
	}
	return src, func() {}
}

// VisualData runs one visual of a saved dashboard with the filter values.
func (s *Service) VisualData(ctx context.Context, dashboardID, visualID string, values map[string]FilterValue) (*VisualData, error) {
	d, err := s.GetDashboard(ctx, dashboardID)
	if err != nil {
		return nil, err
	}
	for i := range d.Visuals {
		if d.Visuals[i].ID == visualID {
			return s.runVisual(ctx, &d.Visuals[i], activeFilters(d.Filters, values))
		}
	}
	return nil, notFound("dashboard %s has no visual %s", dashboardID, visualID)
}

// PreviewVisual runs an unsaved visual (the editor's preview).
func (s *Service) PreviewVisual(ctx context.Context, v Visual, filters []Filter, values map[string]FilterValue) (*VisualData, error) {
	if err := checkFilters(filters); err != nil {
		return nil, err
	}
	if v.DatasetID == "" {
		return nil, invalid("the visual needs a datasetId")
	}
	return s.runVisual(ctx, &v, activeFilters(filters, values))
}

// activeFilters pairs the definitions with the chosen values; filters
// without a value do not apply.
func activeFilters(defs []Filter, values map[string]FilterValue) []activeFilter {
	var out []activeFilter
	for _, f := range defs {
		if v, ok := values[f.ID]; ok {
			out = append(out, activeFilter{Filter: f, Value: v})
		}
	}
	return out
}

func (s *Service) runVisual(ctx context.Context, v *Visual, filters []activeFilter) (*VisualData, error) {
	begin := time.Now()
	d, err := s.loadDataset(ctx, v.DatasetID)
	if err != nil {
		return nil, err
	}
	src, release := s.openSource(d)
	defer release()
	q, err := buildVisualQuery(v, d.Columns, src.from, filters)
	if err != nil {
		return nil, err
	}
	rs, cached, err := s.cachedQuery(ctx, src, q.SQL, q.MaxRows)
	if err != nil {
		return nil, err
	}
	out := &VisualData{Rows: rs.Rows, Cached: cached, Truncated: rs.Truncated, Columns: make([]Column, len(rs.Columns))}
	for i, c := range rs.Columns {
		out.Columns[i] = Column{Name: c.Name, Type: c.Type}
		if i < len(q.Names) {
			out.Columns[i].Name = q.Names[i]
		}
	}
	if out.Rows == nil {
		out.Rows = [][]any{}
	}
	out.ElapsedMs = time.Since(begin).Milliseconds()
	return out, nil
}

// FilterValues lists the distinct values of a dashboard filter's field, read
// from the first visual's dataset that has the field.
func (s *Service) FilterValues(ctx context.Context, dashboardID, filterID string) ([]any, error) {
	dash, err := s.GetDashboard(ctx, dashboardID)
	if err != nil {
		return nil, err
	}
	var f *Filter
	for i := range dash.Filters {
		if dash.Filters[i].ID == filterID {
			f = &dash.Filters[i]
		}
	}
	if f == nil {
		return nil, notFound("dashboard %s has no filter %s", dashboardID, filterID)
	}
	seen := map[string]bool{}
	for _, v := range dash.Visuals {
		if seen[v.DatasetID] {
			continue
		}
		seen[v.DatasetID] = true
		d, err := s.loadDataset(ctx, v.DatasetID)
		if err != nil {
			continue // a visual of a deleted dataset shows its own error
		}
		if _, ok := newColumnSet(d.Columns)[f.Field]; !ok {
			continue
		}
		return s.distinctValues(ctx, d, f.Field)
	}
	return []any{}, nil
}

func (s *Service) distinctValues(ctx context.Context, d *storedDataset, field string) ([]any, error) {
	src, release := s.openSource(d)
	defer release()
	sql, err := distinctValuesQuery(d.Columns, field, src.from)
	if err != nil {
		return nil, err
	}
	rs, _, err := s.cachedQuery(ctx, src, sql, maxFilterValues)
	if err != nil {
		return nil, err
	}
	values := make([]any, 0, len(rs.Rows))
	for _, r := range rs.Rows {
		values = append(values, r[0])
	}
	return values, nil
}

// cachedQuery answers from the cache when the same query already ran on
// the same data, and runs identical concurrent queries once.
func (s *Service) cachedQuery(ctx context.Context, src *source, sql string, maxRows int) (*query.Rowset, bool, error) {
	in := query.QueryInput{Query: sql, Database: src.database, Relations: src.relations, MaxRows: maxRows}
	run := func() (*query.Rowset, error) {
		rs, err := s.opts.Query.Query(ctx, in)
		if err != nil {
			return nil, queryFailed(err)
		}
		return rs, nil
	}
	if src.version == "" {
		rs, err := run()
		return rs, false, err
	}
	key := cacheKey(src, sql, maxRows)
	if rs, ok := s.cache.get(key); ok {
		return rs, true, nil
	}
	rs, shared, err := s.flight.do(key, func() (*query.Rowset, error) {
		rs, err := run()
		if err == nil {
			s.cache.put(key, src.datasetID, rs)
		}
		return rs, err
	})
	if shared && errors.Is(err, context.Canceled) && ctx.Err() == nil {
		// The caller whose run we joined went away; run for ourselves.
		rs, err = run()
		shared = false
	}
	return rs, shared, err
}

func cacheKey(src *source, sql string, maxRows int) string {
	h := sha256.New()
	for _, part := range []string{src.database, src.version, sql, fmt.Sprint(maxRows)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
