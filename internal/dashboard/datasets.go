package dashboard

import (
	"context"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/query"
)

// defaultRefreshSeconds is a SPICE dataset's refresh interval when none is given.
const defaultRefreshSeconds = 300

const maxPreviewRows = 100

// DatasetInput is what a caller defines; the rest of a Dataset is derived.
type DatasetInput struct {
	Name                   string
	Database               string
	SQL                    string
	Mode                   string
	RefreshIntervalSeconds int
}

func inputOf(d *Dataset) DatasetInput {
	return DatasetInput{Name: d.Name, Database: d.Database, SQL: d.SQL, Mode: d.Mode, RefreshIntervalSeconds: d.RefreshIntervalSeconds}
}

// normalize checks the input and fills defaults.
func (in *DatasetInput) normalize() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return invalid("a dataset needs a name")
	}
	if len(in.Name) > 256 {
		return invalid("dataset name is longer than 256 characters")
	}
	if trimSQL(in.SQL) == "" {
		return invalid("a dataset needs a SQL query")
	}
	in.Mode = strings.ToUpper(strings.TrimSpace(in.Mode))
	switch in.Mode {
	case "":
		in.Mode = ModeDirect
	case ModeDirect, ModeSPICE:
	default:
		return invalid("mode must be DIRECT or SPICE, not %q", in.Mode)
	}
	if in.RefreshIntervalSeconds < 0 {
		return invalid("refreshIntervalSeconds must not be negative")
	}
	if in.Mode == ModeSPICE && in.RefreshIntervalSeconds == 0 {
		in.RefreshIntervalSeconds = defaultRefreshSeconds
	}
	return nil
}

// ListDatasets returns every dataset.
func (s *Service) ListDatasets(ctx context.Context) ([]Dataset, error) {
	var all []*storedDataset
	err := s.view(ctx, func(tx *meta.Tx) (err error) {
		all, err = listDatasets(ctx, tx)
		return err
	})
	out := make([]Dataset, 0, len(all))
	for _, d := range all {
		out = append(out, d.Dataset)
	}
	return out, err
}

// GetDataset returns one dataset.
func (s *Service) GetDataset(ctx context.Context, id string) (*Dataset, error) {
	d, err := s.loadDataset(ctx, id)
	if err != nil {
		return nil, err
	}
	return &d.Dataset, nil
}

func (s *Service) loadDataset(ctx context.Context, id string) (d *storedDataset, err error) {
	err = s.view(ctx, func(tx *meta.Tx) error {
		d, err = getDataset(ctx, tx, id)
		return err
	})
	return d, err
}

// CreateDataset checks the query, records the dataset and, in SPICE mode,
// takes its first snapshot before returning.
func (s *Service) CreateDataset(ctx context.Context, in DatasetInput, owner string) (*Dataset, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	cols, err := s.discoverColumns(ctx, in.Database, in.SQL)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &storedDataset{Dataset: Dataset{
		ID: newID("ds-"), Name: in.Name, Database: in.Database, SQL: in.SQL, Mode: in.Mode,
		RefreshIntervalSeconds: in.RefreshIntervalSeconds, Columns: cols, Owner: owner, Created: now, Updated: now,
	}}
	if err := s.update(ctx, func(tx *meta.Tx) error { return putDataset(ctx, tx, d) }); err != nil {
		return nil, err
	}
	s.log.Info("dataset created", "dataset", d.ID, "name", d.Name, "mode", d.Mode, "owner", owner)
	if d.Mode == ModeSPICE {
		return s.Refresh(ctx, d.ID)
	}
	return &d.Dataset, nil
}

// UpdateDataset redefines a dataset; a SPICE dataset whose query or mode
// changed is snapshotted again before returning.
func (s *Service) UpdateDataset(ctx context.Context, id string, in DatasetInput) (*Dataset, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	st := s.state(id)
	st.refresh.Lock()
	defer st.refresh.Unlock()
	d, err := s.loadDataset(ctx, id)
	if err != nil {
		return nil, err
	}
	redefined := d.SQL != in.SQL || d.Database != in.Database
	if redefined {
		if d.Columns, err = s.discoverColumns(ctx, in.Database, in.SQL); err != nil {
			return nil, err
		}
	}
	resnap := in.Mode == ModeSPICE && (redefined || d.Mode != ModeSPICE)
	wasSPICE := d.Mode == ModeSPICE
	d.Name, d.Database, d.SQL, d.Mode, d.RefreshIntervalSeconds = in.Name, in.Database, in.SQL, in.Mode, in.RefreshIntervalSeconds
	d.Updated = s.now()
	if d.Mode != ModeSPICE {
		d.Snapshot, d.SnapshotRows, d.SnapshotError, d.LastRefreshed = "", 0, "", time.Time{}
	}
	if err := s.update(ctx, func(tx *meta.Tx) error { return putDataset(ctx, tx, d) }); err != nil {
		return nil, err
	}
	s.cache.purge(id)
	if wasSPICE && d.Mode != ModeSPICE {
		s.dropSnapshot(id, st)
	}
	if resnap {
		return s.refreshLocked(ctx, id, st)
	}
	return &d.Dataset, nil
}

// DeleteDataset removes a dataset no dashboard uses, with its snapshot.
func (s *Service) DeleteDataset(ctx context.Context, id string) error {
	st := s.state(id)
	st.refresh.Lock()
	defer st.refresh.Unlock()
	err := s.update(ctx, func(tx *meta.Tx) error {
		if _, err := getDataset(ctx, tx, id); err != nil {
			return err
		}
		dashes, err := listDashboards(ctx, tx)
		if err != nil {
			return err
		}
		var users []string
		for _, db := range dashes {
			for _, v := range db.Visuals {
				if v.DatasetID == id {
					users = append(users, db.Name)
					break
				}
			}
		}
		if len(users) > 0 {
			return conflict(CodeResourceInUse, "dataset %s is used by dashboards: %s", id, strings.Join(users, ", "))
		}
		return deleteDataset(ctx, tx, id)
	})
	if err != nil {
		return err
	}
	s.dropSnapshot(id, st)
	s.forgetState(id)
	s.log.Info("dataset deleted", "dataset", id)
	return nil
}

// Preview runs a dataset query and returns its first rows.
func (s *Service) Preview(ctx context.Context, database, sql string) ([]Column, [][]any, error) {
	if trimSQL(sql) == "" {
		return nil, nil, invalid("a SQL query is required")
	}
	rs, err := s.opts.Query.Query(ctx, query.QueryInput{Query: wrapped(sql) + " LIMIT 100", Database: database, MaxRows: maxPreviewRows})
	if err != nil {
		return nil, nil, queryFailed(err)
	}
	rows := rs.Rows
	if rows == nil {
		rows = [][]any{}
	}
	return columnsOf(rs), rows, nil
}

// discoverColumns plans the dataset's query without reading data.
func (s *Service) discoverColumns(ctx context.Context, database, sql string) ([]Column, error) {
	rs, err := s.opts.Query.Query(ctx, query.QueryInput{Query: wrapped(sql) + " LIMIT 0", Database: database})
	if err != nil {
		return nil, queryFailed(err)
	}
	cols := columnsOf(rs)
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			return nil, invalid("the query returns two columns named %q; give them distinct aliases", c.Name)
		}
		seen[c.Name] = true
	}
	return cols, nil
}

// wrapped is the dataset query as a subquery; the newlines keep a trailing
// line comment from swallowing the closing parenthesis.
func wrapped(sql string) string {
	return "SELECT * FROM (\n" + trimSQL(sql) + "\n) AS ds"
}

func columnsOf(rs *query.Rowset) []Column {
	cols := make([]Column, len(rs.Columns))
	for i, c := range rs.Columns {
		cols[i] = Column{Name: c.Name, Type: c.Type}
	}
	return cols
}
