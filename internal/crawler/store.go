package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// spec is the stored JSON document of a crawler.
type spec struct {
	Definition    Definition
	ScheduleState string
	Version       int64
	LastUpdated   int64 // Unix ms
}

// record is a crawler row.
type record struct {
	spec
	tags    map[string]string
	created int64
}

func (r *record) crawler() *Crawler {
	return &Crawler{
		Definition:    r.Definition,
		ScheduleState: r.ScheduleState,
		Version:       r.Version,
		CreationTime:  time.UnixMilli(r.created).UTC(),
		LastUpdated:   time.UnixMilli(r.LastUpdated).UTC(),
		State:         StateReady,
	}
}

func insertRecord(ctx context.Context, tx *meta.Tx, r *record) error {
	sp, err := json.Marshal(r.spec)
	if err != nil {
		return fmt.Errorf("encode crawler: %w", err)
	}
	tags, err := json.Marshal(r.tags)
	if err != nil {
		return fmt.Errorf("encode tags: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO crawlers (name, spec, tags, create_time) VALUES (?, ?, ?, ?)`,
		r.Definition.Name, string(sp), string(tags), r.created)
	return err
}

func saveSpec(ctx context.Context, tx *meta.Tx, r *record) error {
	sp, err := json.Marshal(r.spec)
	if err != nil {
		return fmt.Errorf("encode crawler: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE crawlers SET spec = ? WHERE name = ?`, string(sp), r.Definition.Name)
	return err
}

func scanRecord(sc interface{ Scan(...any) error }) (*record, error) {
	var sp, tags string
	r := &record{}
	if err := sc.Scan(&sp, &tags, &r.created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sp), &r.spec); err != nil {
		return nil, fmt.Errorf("decode stored crawler: %w", err)
	}
	if err := json.Unmarshal([]byte(tags), &r.tags); err != nil {
		return nil, fmt.Errorf("decode stored crawler tags: %w", err)
	}
	return r, nil
}

func loadRecord(ctx context.Context, tx *meta.Tx, name string) (*record, error) {
	r, err := scanRecord(tx.QueryRow(ctx, `SELECT spec, tags, create_time FROM crawlers WHERE name = ?`, name))
	if meta.IsNoRows(err) {
		return nil, crawlerNotFound(name)
	}
	return r, err
}

// listRecords returns up to limit crawlers named after after, by name.
func listRecords(ctx context.Context, tx *meta.Tx, after string, limit int) ([]*record, error) {
	rows, err := tx.Query(ctx, `SELECT spec, tags, create_time FROM crawlers WHERE name > ? ORDER BY name LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// runRow is one crawl.
type runRow struct {
	id         string
	state      string // CrawlerHistory state
	start, end int64
	errMsg     string
	summary    string
	counts     Summary
}

const runColumns = `crawl_id, state, start_time, end_time, error_message, summary, tables_created, tables_updated, tables_deleted`

func scanRun(sc interface{ Scan(...any) error }) (runRow, error) {
	var r runRow
	err := sc.Scan(&r.id, &r.state, &r.start, &r.end, &r.errMsg, &r.summary,
		&r.counts.TablesCreated, &r.counts.TablesUpdated, &r.counts.TablesDeleted)
	return r, err
}

func insertRun(ctx context.Context, tx *meta.Tx, crawler string, r runRow) error {
	_, err := tx.Exec(ctx, `INSERT INTO crawler_runs (crawler_name, `+runColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		crawler, r.id, r.state, r.start, r.end, r.errMsg, r.summary, r.counts.TablesCreated, r.counts.TablesUpdated, r.counts.TablesDeleted)
	return err
}

func finishRun(ctx context.Context, tx *meta.Tx, crawler string, r runRow) error {
	_, err := tx.Exec(ctx, `UPDATE crawler_runs SET state = ?, end_time = ?, error_message = ?, summary = ?,
		tables_created = ?, tables_updated = ?, tables_deleted = ? WHERE crawler_name = ? AND crawl_id = ?`,
		r.state, r.end, r.errMsg, r.summary, r.counts.TablesCreated, r.counts.TablesUpdated, r.counts.TablesDeleted, crawler, r.id)
	return err
}

// listRuns returns a crawler's crawls, newest first.
func listRuns(ctx context.Context, tx *meta.Tx, crawler string) ([]runRow, error) {
	rows, err := tx.Query(ctx, `SELECT `+runColumns+` FROM crawler_runs WHERE crawler_name = ? ORDER BY start_time DESC, crawl_id DESC`, crawler)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []runRow
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func lastRun(ctx context.Context, tx *meta.Tx, crawler string) (*runRow, error) {
	r, err := scanRun(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM crawler_runs WHERE crawler_name = ? ORDER BY start_time DESC, crawl_id DESC LIMIT 1`, crawler))
	if meta.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// closeInterrupted ends crawls a previous process left RUNNING.
func closeInterrupted(ctx context.Context, tx *meta.Tx, now int64) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE crawler_runs SET state = ?, end_time = ?, error_message = ? WHERE state = ?`,
		historyFailed, now, errInterruptedByRestart, historyRunning)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func loadFolders(ctx context.Context, tx *meta.Tx, crawler string) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT location FROM crawler_folders WHERE crawler_name = ?`, crawler)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var loc string
		if err := rows.Scan(&loc); err != nil {
			return nil, err
		}
		seen[loc] = true
	}
	return seen, rows.Err()
}

func addFolders(ctx context.Context, tx *meta.Tx, crawler string, folders []string) error {
	for _, f := range folders {
		if _, err := tx.Exec(ctx, `INSERT INTO crawler_folders (crawler_name, location) VALUES (?, ?) ON CONFLICT DO NOTHING`, crawler, f); err != nil {
			return err
		}
	}
	return nil
}
