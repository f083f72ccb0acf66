package dashboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Persistence: datasets and dashboards are JSON documents in the tables of
// migrations/0004_dashboard.sql.

// storedDataset is a dataset with its snapshot bookkeeping.
type storedDataset struct {
	Dataset
	Snapshot string // base name of the current snapshot file, "" if none
	Seq      int64  // last snapshot sequence number used
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func getDataset(ctx context.Context, tx *meta.Tx, id string) (*storedDataset, error) {
	var spec string
	d := &storedDataset{}
	err := tx.QueryRow(ctx, `SELECT spec, snapshot, snapshot_seq FROM dashboard_datasets WHERE id = ?`, id).Scan(&spec, &d.Snapshot, &d.Seq)
	if meta.IsNoRows(err) {
		return nil, notFound("dataset %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read dataset %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(spec), &d.Dataset); err != nil {
		return nil, fmt.Errorf("decode dataset %s: %w", id, err)
	}
	return d, nil
}

func listDatasets(ctx context.Context, tx *meta.Tx) ([]*storedDataset, error) {
	rows, err := tx.Query(ctx, `SELECT spec, snapshot, snapshot_seq FROM dashboard_datasets ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	defer rows.Close()
	var out []*storedDataset
	for rows.Next() {
		var spec string
		d := &storedDataset{}
		if err := rows.Scan(&spec, &d.Snapshot, &d.Seq); err != nil {
			return nil, fmt.Errorf("list datasets: %w", err)
		}
		if err := json.Unmarshal([]byte(spec), &d.Dataset); err != nil {
			return nil, fmt.Errorf("decode dataset: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	return out, nil
}

// putDataset inserts or replaces a dataset row.
func putDataset(ctx context.Context, tx *meta.Tx, d *storedDataset) error {
	spec, err := json.Marshal(&d.Dataset)
	if err != nil {
		return fmt.Errorf("encode dataset: %w", err)
	}
	res, err := tx.Exec(ctx, `UPDATE dashboard_datasets SET name = ?, spec = ?, snapshot = ?, snapshot_seq = ? WHERE id = ?`,
		d.Name, string(spec), d.Snapshot, d.Seq, d.ID)
	if err != nil {
		return fmt.Errorf("write dataset %s: %w", d.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO dashboard_datasets (id, name, spec, snapshot, snapshot_seq, created) VALUES (?, ?, ?, ?, ?, ?)`,
		d.ID, d.Name, string(spec), d.Snapshot, d.Seq, d.Created.UnixMilli())
	if err != nil {
		return fmt.Errorf("write dataset %s: %w", d.ID, err)
	}
	return nil
}

func deleteDataset(ctx context.Context, tx *meta.Tx, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM dashboard_datasets WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete dataset %s: %w", id, err)
	}
	return nil
}

func getDashboard(ctx context.Context, tx *meta.Tx, id string) (*Dashboard, error) {
	var spec string
	err := tx.QueryRow(ctx, `SELECT spec FROM dashboard_dashboards WHERE id = ?`, id).Scan(&spec)
	if meta.IsNoRows(err) {
		return nil, notFound("dashboard %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read dashboard %s: %w", id, err)
	}
	d := &Dashboard{}
	if err := json.Unmarshal([]byte(spec), d); err != nil {
		return nil, fmt.Errorf("decode dashboard %s: %w", id, err)
	}
	return d, nil
}

func listDashboards(ctx context.Context, tx *meta.Tx) ([]*Dashboard, error) {
	rows, err := tx.Query(ctx, `SELECT spec FROM dashboard_dashboards ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list dashboards: %w", err)
	}
	defer rows.Close()
	var out []*Dashboard
	for rows.Next() {
		var spec string
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("list dashboards: %w", err)
		}
		d := &Dashboard{}
		if err := json.Unmarshal([]byte(spec), d); err != nil {
			return nil, fmt.Errorf("decode dashboard: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list dashboards: %w", err)
	}
	return out, nil
}

func insertDashboard(ctx context.Context, tx *meta.Tx, d *Dashboard) error {
	spec, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode dashboard: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO dashboard_dashboards (id, name, version, spec, created) VALUES (?, ?, ?, ?, ?)`,
		d.ID, d.Name, d.Version, string(spec), d.Created.UnixMilli())
	if err != nil {
		return fmt.Errorf("write dashboard %s: %w", d.ID, err)
	}
	return nil
}

// updateDashboard replaces a dashboard whose stored version is prev.
func updateDashboard(ctx context.Context, tx *meta.Tx, d *Dashboard, prev int64) error {
	spec, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode dashboard: %w", err)
	}
	res, err := tx.Exec(ctx, `UPDATE dashboard_dashboards SET name = ?, version = ?, spec = ? WHERE id = ? AND version = ?`,
		d.Name, d.Version, string(spec), d.ID, prev)
	if err != nil {
		return fmt.Errorf("write dashboard %s: %w", d.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return conflict(CodeConcurrentModification, "dashboard %s was changed by someone else (version %d is not current); reload it", d.ID, prev)
	}
	return nil
}

func deleteDashboard(ctx context.Context, tx *meta.Tx, id string) error {
	res, err := tx.Exec(ctx, `DELETE FROM dashboard_dashboards WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete dashboard %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("dashboard %s not found", id)
	}
	return nil
}
