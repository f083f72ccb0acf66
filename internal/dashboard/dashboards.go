package dashboard

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/shoal-dev/shoal/internal/meta"
)

// ListDashboards summarizes every dashboard.
func (s *Service) ListDashboards(ctx context.Context) ([]Summary, error) {
	var all []*Dashboard
	err := s.view(ctx, func(tx *meta.Tx) (err error) {
		all, err = listDashboards(ctx, tx)
		return err
	})
	out := make([]Summary, 0, len(all))
	for _, d := range all {
		out = append(out, Summary{ID: d.ID, Name: d.Name, Description: d.Description, Updated: d.Updated})
	}
	return out, err
}

// GetDashboard returns one dashboard.
func (s *Service) GetDashboard(ctx context.Context, id string) (d *Dashboard, err error) {
	err = s.view(ctx, func(tx *meta.Tx) error {
		d, err = getDashboard(ctx, tx, id)
		return err
	})
	return d, err
}

// CreateDashboard validates and stores a new dashboard at version 1.
func (s *Service) CreateDashboard(ctx context.Context, in Dashboard, owner string) (*Dashboard, error) {
	d := in
	now := s.now()
	d.ID, d.Owner, d.Created, d.Updated, d.Version = newID("db-"), owner, now, now, 1
	err := s.update(ctx, func(tx *meta.Tx) error {
		if err := validateDashboard(ctx, tx, &d); err != nil {
			return err
		}
		return insertDashboard(ctx, tx, &d)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("dashboard created", "dashboard", d.ID, "name", d.Name, "owner", owner)
	return &d, nil
}

// UpdateDashboard replaces a dashboard's definition. in.Version must be the
// stored version (optimistic concurrency); the result has the next one.
func (s *Service) UpdateDashboard(ctx context.Context, id string, in Dashboard) (*Dashboard, error) {
	d := in
	err := s.update(ctx, func(tx *meta.Tx) error {
		cur, err := getDashboard(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != cur.Version {
			return conflict(CodeConcurrentModification, "dashboard %s is at version %d, not %d: it was changed elsewhere; reload it", id, cur.Version, in.Version)
		}
		d.ID, d.Owner, d.Created, d.Updated, d.Version = id, cur.Owner, cur.Created, s.now(), cur.Version+1
		if err := validateDashboard(ctx, tx, &d); err != nil {
			return err
		}
		return updateDashboard(ctx, tx, &d, cur.Version)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteDashboard removes a dashboard (its datasets stay).
func (s *Service) DeleteDashboard(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *meta.Tx) error { return deleteDashboard(ctx, tx, id) })
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validateDashboard checks a definition, fills defaults (ids, labels,
// empty lists) and builds every visual's query against its dataset, so a
// saved dashboard can always be drawn.
func validateDashboard(ctx context.Context, tx *meta.Tx, d *Dashboard) error {
	if err := checkStructure(d); err != nil {
		return err
	}
	cols := map[string][]Column{}
	for i := range d.Visuals {
		v := &d.Visuals[i]
		if _, ok := cols[v.DatasetID]; !ok {
			ds, err := getDataset(ctx, tx, v.DatasetID)
			if err != nil {
				return invalid("visual %s: dataset %q does not exist", v.ID, v.DatasetID)
			}
			cols[v.DatasetID] = ds.Columns
		}
		if _, err := buildVisualQuery(v, cols[v.DatasetID], "ds", nil); err != nil {
			return err
		}
	}
	return nil
}

// checkStructure validates what needs no dataset: names, ids, types,
// filters, refresh settings.
func checkStructure(d *Dashboard) error {
	d.Name = strings.TrimSpace(d.Name)
	if d.Name == "" {
		return invalid("a dashboard needs a name")
	}
	if len(d.Name) > 256 {
		return invalid("dashboard name is longer than 256 characters")
	}
	if d.RefreshSeconds != 0 && d.RefreshSeconds < 5 {
		return invalid("refreshSeconds must be 0 (off) or at least 5, not %d", d.RefreshSeconds)
	}
	if d.Filters == nil {
		d.Filters = []Filter{}
	}
	if d.Visuals == nil {
		d.Visuals = []Visual{}
	}
	if err := checkFilters(d.Filters); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range d.Visuals {
		v := &d.Visuals[i]
		if v.ID == "" {
			v.ID = freeID("v", i+1, seen, d.Visuals)
		}
		if !idPattern.MatchString(v.ID) {
			return invalid("visual id %q must be 1-64 letters, digits, - or _", v.ID)
		}
		if seen[v.ID] {
			return invalid("two visuals have the id %q", v.ID)
		}
		seen[v.ID] = true
		if !validType(v.Type) {
			return invalid("visual %s: unknown type %q (valid: %s)", v.ID, v.Type, strings.Join(visualTypes, ", "))
		}
		if v.DatasetID == "" {
			return invalid("visual %s needs a datasetId", v.ID)
		}
	}
	return nil
}

func checkFilters(filters []Filter) error {
	seen := map[string]bool{}
	for i := range filters {
		f := &filters[i]
		if f.ID == "" {
			f.ID = fmt.Sprintf("f%d", i+1)
		}
		if !idPattern.MatchString(f.ID) {
			return invalid("filter id %q must be 1-64 letters, digits, - or _", f.ID)
		}
		if seen[f.ID] {
			return invalid("two filters have the id %q", f.ID)
		}
		seen[f.ID] = true
		if f.Field == "" {
			return invalid("filter %s needs a field", f.ID)
		}
		if f.Label == "" {
			f.Label = f.Field
		}
		switch f.Type {
		case FilterValues:
			if f.TimeUnit != "" {
				return invalid("filter %s: timeUnit is only for dateRange filters", f.ID)
			}
		case FilterDateRange:
			if f.TimeUnit != "" && f.TimeUnit != UnitEpochSeconds && f.TimeUnit != UnitTimestamp {
				return invalid("filter %s: timeUnit must be epoch_seconds or timestamp, not %q", f.ID, f.TimeUnit)
			}
		default:
			return invalid("filter %s: type must be dateRange or values, not %q", f.ID, f.Type)
		}
	}
	return nil
}

// freeID picks prefix+n not used by any visual.
func freeID(prefix string, n int, seen map[string]bool, visuals []Visual) string {
	taken := map[string]bool{}
	for k := range seen {
		taken[k] = true
	}
	for _, v := range visuals {
		taken[v.ID] = true
	}
	for ; ; n++ {
		if id := fmt.Sprintf("%s%d", prefix, n); !taken[id] {
			return id
		}
	}
}
