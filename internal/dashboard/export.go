package dashboard

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Export returns a dashboard with the definitions of the datasets its
// visuals read, in the order the visuals first use them.
func (s *Service) Export(ctx context.Context, id string) (*ImportDocument, error) {
	doc := &ImportDocument{Format: ExportFormat, Datasets: []Dataset{}}
	err := s.view(ctx, func(tx *meta.Tx) error {
		d, err := getDashboard(ctx, tx, id)
		if err != nil {
			return err
		}
		doc.Dashboard = *d
		doc.Dashboard.Owner = ""
		seen := map[string]bool{}
		for _, v := range d.Visuals {
			if seen[v.DatasetID] {
				continue
			}
			seen[v.DatasetID] = true
			ds, err := getDataset(ctx, tx, v.DatasetID)
			if err != nil {
				return err
			}
			doc.Datasets = append(doc.Datasets, Dataset{
				ID: ds.ID, Name: ds.Name, Database: ds.Database, SQL: ds.SQL, Mode: ds.Mode,
				RefreshIntervalSeconds: ds.RefreshIntervalSeconds, Columns: ds.Columns,
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// Import recreates an exported dashboard under new ids, owned by no one in
// particular (for `shoal demo`); see ImportAs.
func (s *Service) Import(ctx context.Context, doc ImportDocument) (*Dashboard, error) {
	return s.ImportAs(ctx, doc, "")
}

// ImportAs recreates an exported dashboard: each dataset is matched by name
// to an existing one or created (taking its first snapshot in SPICE mode),
// and the dashboard is created with its visuals pointing at them.
func (s *Service) ImportAs(ctx context.Context, doc ImportDocument, owner string) (*Dashboard, error) {
	if doc.Format != ExportFormat {
		return nil, invalid("format must be %q, not %q", ExportFormat, doc.Format)
	}
	dash := doc.Dashboard
	dash.Visuals = append([]Visual(nil), dash.Visuals...)
	// Everything that needs no dataset is checked first, so a bad document
	// creates nothing.
	if err := checkStructure(&dash); err != nil {
		return nil, err
	}
	byID := map[string]*Dataset{}
	for i := range doc.Datasets {
		d := &doc.Datasets[i]
		in := inputOf(d)
		if err := in.normalize(); err != nil {
			return nil, invalid("dataset %q: %v", d.Name, err)
		}
		if d.ID == "" {
			return nil, invalid("dataset %q needs the id its visuals refer to", d.Name)
		}
		byID[d.ID] = d
	}
	for _, v := range dash.Visuals {
		if byID[v.DatasetID] == nil {
			return nil, invalid("visual %s: dataset %q is not in the document", v.ID, v.DatasetID)
		}
	}
	newIDs, err := s.matchOrCreate(ctx, doc.Datasets, owner)
	if err != nil {
		return nil, err
	}
	for i := range dash.Visuals {
		dash.Visuals[i].DatasetID = newIDs[dash.Visuals[i].DatasetID]
	}
	dash.Created, dash.Updated = time.Time{}, time.Time{}
	return s.CreateDashboard(ctx, dash, owner)
}

// matchOrCreate maps each document dataset id to an existing dataset of the
// same name, or to a new dataset.
func (s *Service) matchOrCreate(ctx context.Context, docs []Dataset, owner string) (map[string]string, error) {
	existing, err := s.ListDatasets(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, d := range existing {
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = d.ID
		}
	}
	ids := map[string]string{}
	for _, d := range docs {
		if id, ok := byName[d.Name]; ok {
			ids[d.ID] = id
			continue
		}
		created, err := s.CreateDataset(ctx, inputOf(&d), owner)
		if err != nil {
			return nil, err
		}
		byName[created.Name] = created.ID
		ids[d.ID] = created.ID
	}
	return ids, nil
}
