package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const planning = `SELECT * FROM conversion_db.conversion_table WHERE is_stock_low = true AND notification_sent = false`

// stockByStore is the expected "sum of stock by store" over recs whose
// check time is in [from, to].
func stockByStore(recs []record, from, to int64) []string {
	sums := map[string]int{}
	for _, r := range recs {
		if r.TS >= from && r.TS <= to {
			sums[r.Store] += r.Stock
		}
	}
	var out []string
	for s, v := range sums {
		out = append(out, fmt.Sprintf("%s|%d", s, v))
	}
	sort.Strings(out)
	return out
}

func countPlanning(recs []record) int {
	n := 0
	for _, r := range recs {
		if r.Low && !r.Sent {
			n++
		}
	}
	return n
}

// The dashboards API end to end on a real server: datasets in both modes,
// a dashboard, visual data with filters, caching, SPICE refresh, optimistic
// concurrency, export and import.
func TestDashboardsEndToEnd(t *testing.T) {
	f := newFixture(t)
	recs := records()

	// Datasets: a SPICE snapshot of the table and the live planning query.
	var spice, live dashboard.Dataset
	f.must(t, "POST", "/api/datasets", map[string]any{"name": "Inventory", "database": "conversion_db",
		"sql": "SELECT * FROM conversion_table -- all checks", "mode": "SPICE", "refreshIntervalSeconds": 3600}, &spice)
	if spice.SnapshotRows != int64(len(recs)) || spice.SnapshotError != "" || spice.LastRefreshed.IsZero() || spice.Owner != principal {
		t.Fatalf("SPICE dataset after create: %+v", spice)
	}
	if spice.Columns[0] != (dashboard.Column{Name: "store_id", Type: "varchar"}) || spice.Columns[3].Type != "integer" {
		t.Fatalf("columns: %+v", spice.Columns)
	}
	f.must(t, "POST", "/api/datasets", map[string]any{"name": "Low stock", "database": "conversion_db", "sql": planning + ";", "mode": "DIRECT"}, &live)
	var preview struct {
		Columns []dashboard.Column
		Rows    [][]any
	}
	f.must(t, "POST", "/api/datasets/preview", map[string]any{"database": "conversion_db", "sql": planning}, &preview)
	if len(preview.Rows) != countPlanning(recs) || len(preview.Columns) != 9 {
		t.Fatalf("preview: %d rows, %d columns", len(preview.Rows), len(preview.Columns))
	}
	f.fail(t, "POST", "/api/datasets", map[string]any{"name": "bad", "sql": "SELECT nope FROM conversion_db.conversion_table"}, 400)
	f.fail(t, "POST", "/api/datasets", map[string]any{"name": " ", "sql": "SELECT 1"}, 400)

	dash := createDashboard(t, f, spice.ID, live.ID)

	// Visual data, unfiltered and filtered.
	bar := f.visualData(t, dash.ID, "by-store", nil)
	if got, want := rowStrings(bar.Rows), stockByStore(recs, 0, 1<<62); !reflect.DeepEqual(got, want) {
		t.Fatalf("stock by store %v, want %v", got, want)
	}
	if bar.Columns[0].Name != "store_id" || bar.Columns[1].Name != "Stock" {
		t.Fatalf("columns %+v", bar.Columns)
	}
	var noBody dashboard.VisualData
	f.must(t, "POST", "/api/dashboards/"+dash.ID+"/visuals/by-store/data", nil, &noBody)
	if len(noBody.Rows) != 3 {
		t.Fatalf("visual data without a body: %v", noBody.Rows)
	}
	from, to := time.Unix(baseTS+3600, 0).UTC(), time.Unix(baseTS+3*3600-1, 0).UTC()
	got := f.visualData(t, dash.ID, "by-store", map[string]any{"date": map[string]any{"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}})
	if want := stockByStore(recs, from.Unix(), to.Unix()); !reflect.DeepEqual(rowStrings(got.Rows), want) {
		t.Fatalf("date-filtered %v, want %v", rowStrings(got.Rows), want)
	}
	got = f.visualData(t, dash.ID, "by-store", map[string]any{"store": map[string]any{"values": []string{"STORE_2"}}})
	if len(got.Rows) != 1 || got.Rows[0][0] != "STORE_2" {
		t.Fatalf("store-filtered %v", got.Rows)
	}
	got = f.visualData(t, dash.ID, "by-store", map[string]any{"product": map[string]any{"values": []string{"Bánh mì 'đặc biệt'", "x') OR 1=1 --"}}})
	if len(got.Rows) != 3 {
		t.Fatalf("product-filtered (with a quote and an injection attempt) %v", got.Rows)
	}
	line := f.visualData(t, dash.ID, "over-time", nil)
	if len(line.Rows) != 8 || line.Rows[0][0] != "2025-07-17 03:00:00.000" || line.Columns[1].Name != "product_name" {
		t.Fatalf("stock over time: %v %+v", line.Rows, line.Columns)
	}
	table := f.visualData(t, dash.ID, "low-table", nil)
	if len(table.Rows) != countPlanning(recs) || table.Truncated || len(table.Columns) != 3 {
		t.Fatalf("low-stock table: %d rows, truncated %v", len(table.Rows), table.Truncated)
	}
	var fv struct{ Values []any }
	f.must(t, "GET", "/api/dashboards/"+dash.ID+"/filters/store/values", nil, &fv)
	if fmt.Sprint(fv.Values) != "[STORE_1 STORE_2 STORE_3]" {
		t.Fatalf("filter values %v", fv.Values)
	}

	checkCaching(t, f, dash.ID, spice.ID, recs)
	checkConcurrency(t, f, dash)
	checkExportImport(t, f, dash.ID)
	checkPreviews(t, f, spice.ID)

	// A dataset a dashboard uses cannot be deleted; an unused one can,
	// with its snapshot.
	f.fail(t, "DELETE", "/api/datasets/"+spice.ID, nil, http.StatusConflict)
	var extra dashboard.Dataset
	f.must(t, "POST", "/api/datasets", map[string]any{"name": "Extra", "database": "conversion_db", "sql": "SELECT store_id FROM conversion_table", "mode": "SPICE"}, &extra)
	if extra.RefreshIntervalSeconds != 300 {
		t.Fatalf("default refresh interval %d", extra.RefreshIntervalSeconds)
	}
	f.must(t, "DELETE", "/api/datasets/"+extra.ID, nil, nil)
	f.fail(t, "GET", "/api/datasets/"+extra.ID, nil, http.StatusNotFound)
	if files := snapshotFiles(t, f, extra.ID); len(files) != 0 {
		t.Fatalf("snapshot files left after delete: %v", files)
	}
}

func createDashboard(t *testing.T, f *fixture, spiceID, liveID string) dashboard.Dashboard {
	t.Helper()
	def := map[string]any{
		"name": "Store inventory", "refreshSeconds": 30, "live": true,
		"filters": []map[string]any{
			{"id": "date", "label": "Date", "field": "check_timestamp", "type": "dateRange", "timeUnit": "epoch_seconds"},
			{"id": "store", "label": "Store", "field": "store_id", "type": "values"},
			{"id": "product", "label": "Product", "field": "product_name", "type": "values"},
		},
		"visuals": []map[string]any{
			{"id": "by-store", "type": "bar", "title": "Stock by store", "datasetId": spiceID,
				"dimension": map[string]any{"field": "store_id"}, "measures": []map[string]any{{"field": "current_stock", "agg": "sum", "label": "Stock"}},
				"sort": map[string]any{"by": "dimension", "order": "asc"}, "layout": map[string]any{"x": 0, "y": 0, "w": 6, "h": 4}},
			{"id": "over-time", "type": "line", "title": "Stock over time", "datasetId": spiceID,
				"dimension": map[string]any{"field": "check_timestamp", "timeGrain": "hour"}, "group": map[string]any{"field": "product_name"},
				"measures": []map[string]any{{"field": "current_stock", "agg": "avg"}}},
			{"id": "low-kpi", "type": "kpi", "title": "Low-stock items", "datasetId": liveID,
				"measures": []map[string]any{{"agg": "count", "label": "Low"}},
				"options":  map[string]any{"comparison": map[string]any{"type": "target", "value": 0}, "format": map[string]any{"style": "number", "decimals": 0}}},
			{"id": "low-table", "type": "table", "title": "Low-stock items", "datasetId": liveID, "columns": []string{"store_id", "product_name", "current_stock"}},
		},
	}
	var dash dashboard.Dashboard
	f.must(t, "POST", "/api/dashboards", def, &dash)
	if dash.Version != 1 || !strings.HasPrefix(dash.ID, "db-") || dash.Owner != principal || len(dash.Visuals) != 4 {
		t.Fatalf("created dashboard %+v", dash)
	}
	var list struct{ Dashboards []dashboard.Summary }
	f.must(t, "GET", "/api/dashboards", nil, &list)
	if len(list.Dashboards) != 1 || list.Dashboards[0].ID != dash.ID {
		t.Fatalf("list %+v", list)
	}
	def["refreshSeconds"] = 3
	if e := f.fail(t, "POST", "/api/dashboards", def, 400); !strings.Contains(e.Error.Message, "refreshSeconds") {
		t.Fatalf("refreshSeconds 3: %+v", e)
	}
	return dash
}

// SPICE visuals come from the cache until a refresh; DIRECT ones until the
// lake changes.
func checkCaching(t *testing.T, f *fixture, dashID, spiceID string, recs []record) {
	if again := f.visualData(t, dashID, "by-store", nil); !again.Cached {
		t.Fatal("second SPICE query not cached")
	}
	kpi := f.visualData(t, dashID, "low-kpi", nil)
	if kpi.Rows[0][0] != float64(countPlanning(recs)) || kpi.Cached {
		t.Fatalf("kpi %v cached %v", kpi.Rows, kpi.Cached)
	}
	if again := f.visualData(t, dashID, "low-kpi", nil); !again.Cached {
		t.Fatal("second DIRECT query on unchanged data not cached")
	}
	more := []record{{Store: "STORE_4", Product: "PRD_1", Name: "Sữa tươi", Stock: 2, Threshold: 6, Low: true, TS: baseTS + 100, Status: "chưa xử lý"}}
	f.put(t, more)
	recs = append(recs, more...)
	if kpi := f.visualData(t, dashID, "low-kpi", nil); kpi.Cached || kpi.Rows[0][0] != float64(countPlanning(recs)) {
		t.Fatalf("kpi after new data %v cached %v", kpi.Rows, kpi.Cached)
	}
	if bar := f.visualData(t, dashID, "by-store", nil); !bar.Cached || len(bar.Rows) != 3 {
		t.Fatalf("SPICE visual changed before its refresh: %v", bar.Rows)
	}
	before := snapshotFiles(t, f, spiceID)
	var ds dashboard.Dataset
	f.must(t, "POST", "/api/datasets/"+spiceID+"/refresh", nil, &ds)
	if ds.SnapshotRows != int64(len(recs)) {
		t.Fatalf("rows after refresh %d", ds.SnapshotRows)
	}
	// The refresh precomputed the dashboard's visuals over the new snapshot.
	bar := f.visualData(t, dashID, "by-store", nil)
	if !bar.Cached || !reflect.DeepEqual(rowStrings(bar.Rows), stockByStore(recs, 0, 1<<62)) {
		t.Fatalf("after refresh: cached %v rows %v", bar.Cached, bar.Rows)
	}
	after := snapshotFiles(t, f, spiceID)
	if len(before) != 1 || len(after) != 1 || before[0] == after[0] {
		t.Fatalf("snapshot files before %v after %v", before, after)
	}
}

func snapshotFiles(t *testing.T, f *fixture, datasetID string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(f.env.DataDir, "console-snapshots", datasetID+"-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A PUT with a stale version is refused with 409; the current one wins.
func checkConcurrency(t *testing.T, f *fixture, dash dashboard.Dashboard) {
	dash.Name = "Renamed"
	var saved dashboard.Dashboard
	f.must(t, "PUT", "/api/dashboards/"+dash.ID, dash, &saved)
	if saved.Version != 2 || saved.Name != "Renamed" || !saved.Created.Equal(dash.Created) {
		t.Fatalf("saved %+v", saved)
	}
	dash.Name = "Lost update"
	if e := f.fail(t, "PUT", "/api/dashboards/"+dash.ID, dash, http.StatusConflict); e.Error.Code != "ConcurrentModification" {
		t.Fatalf("stale PUT: %+v", e)
	}
	var cur dashboard.Dashboard
	f.must(t, "GET", "/api/dashboards/"+dash.ID, nil, &cur)
	if cur.Name != "Renamed" || cur.Version != 2 {
		t.Fatalf("after stale PUT %+v", cur)
	}
	cur.Visuals[0].DatasetID = "ds-missing"
	f.fail(t, "PUT", "/api/dashboards/"+dash.ID, cur, 400)
}

// Export then import gives a new dashboard on the same (name-matched)
// datasets; bad documents are refused with a clear message.
func checkExportImport(t *testing.T, f *fixture, dashID string) {
	var doc map[string]any
	f.must(t, "GET", "/api/dashboards/"+dashID+"/export", nil, &doc)
	if doc["format"] != "shoal-dashboard/v1" || len(doc["datasets"].([]any)) != 2 {
		t.Fatalf("export %v", doc)
	}
	var imported dashboard.Dashboard
	f.must(t, "POST", "/api/dashboards/import", doc, &imported)
	if imported.ID == dashID || imported.Version != 1 || len(imported.Visuals) != 4 {
		t.Fatalf("imported %+v", imported)
	}
	var all struct{ Datasets []dashboard.Dataset }
	f.must(t, "GET", "/api/datasets", nil, &all)
	if len(all.Datasets) != 2 {
		t.Fatalf("import created datasets instead of matching by name: %d", len(all.Datasets))
	}
	if got := f.visualData(t, imported.ID, "by-store", nil); len(got.Rows) != 4 {
		t.Fatalf("imported visual %v", got.Rows)
	}

	doc["surprise"] = true
	if e := f.fail(t, "POST", "/api/dashboards/import", doc, 400); !strings.Contains(e.Error.Message, "surprise") {
		t.Fatalf("unknown field: %+v", e)
	}
	delete(doc, "surprise")
	doc["dashboard"].(map[string]any)["visuals"].([]any)[0].(map[string]any)["type"] = "radar"
	if e := f.fail(t, "POST", "/api/dashboards/import", doc, 400); !strings.Contains(e.Error.Message, `unknown type "radar"`) {
		t.Fatalf("unknown visual type: %+v", e)
	}
}

// Every visual type runs on the engine through the editor's preview, with
// a filter keeping STORE_1 (8 checks) and STORE_4 (1 check).
func checkPreviews(t *testing.T, f *fixture, spiceID string) {
	cases := []struct {
		visual string
		rows   int
	}{
		{`{"type":"pie","dimension":{"field":"restock_status"},"measures":[{"agg":"count"}],"topN":1}`, 1},
		{`{"type":"bar","dimension":{"field":"store_id"},"group":{"field":"product_id"},"measures":[{"field":"current_stock","agg":"sum"}],"topN":1}`, 2},
		{`{"type":"area","dimension":{"field":"check_timestamp","timeGrain":"day"},"measures":[{"field":"product_id","agg":"count_distinct"}]}`, 1},
		{`{"type":"pivot","dimension":{"field":"store_id"},"group":{"field":"product_name"},"measures":[{"field":"current_stock","agg":"max"}]}`, 3},
		{`{"type":"heatmap","dimension":{"field":"store_id"},"group":{"field":"product_name"},"measures":[{"field":"current_stock","agg":"avg"}]}`, 3},
		{`{"type":"scatter","dimension":{"field":"threshold_level"},"measures":[{"field":"current_stock","agg":"none"}]}`, 9},
		{`{"type":"gauge","measures":[{"field":"current_stock","agg":"avg"}],"options":{"min":0,"max":20}}`, 1},
		{`{"type":"table","dimension":{"field":"store_id"},"measures":[{"field":"current_stock","agg":"min"},{"field":"current_stock","agg":"max"}]}`, 2},
		{`{"type":"histogram","measures":[{"field":"current_stock"}],"options":{"bins":4}}`, -1},
	}
	for _, c := range cases {
		body := `{"visual":` + strings.Replace(c.visual, "{", `{"datasetId":"`+spiceID+`",`, 1) +
			`,"filters":{"s":{"values":["STORE_1","STORE_4"]}},"dashboardFilters":[{"id":"s","field":"store_id","type":"values"}]}`
		var out dashboard.VisualData
		f.must(t, "POST", "/api/visuals/data", body, &out)
		if c.rows >= 0 && len(out.Rows) != c.rows {
			t.Errorf("%s: %d rows %v, want %d", c.visual, len(out.Rows), out.Rows, c.rows)
		}
		if c.rows < 0 {
			var total float64
			for _, r := range out.Rows {
				total += r[2].(float64)
			}
			if total != 9 || len(out.Rows) > 4 || out.Columns[0].Name != "binStart" {
				t.Errorf("histogram %v %+v, want 9 checks in at most 4 bins", out.Rows, out.Columns)
			}
		}
	}
}

// The demo dashboard imports and all its visuals draw.
func TestStoreInventoryDemo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dash, err := f.svc.Import(ctx, dashboard.StoreInventory("conversion_db", "conversion_table"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dash.Visuals) < 6 || !dash.Live || len(dash.Filters) != 3 {
		t.Fatalf("demo dashboard %+v", dash)
	}
	for _, v := range dash.Visuals {
		out := f.visualData(t, dash.ID, v.ID, map[string]any{"store": map[string]any{"values": []string{"STORE_1", "STORE_2"}}})
		if len(out.Rows) == 0 {
			t.Errorf("visual %s (%s) has no rows", v.ID, v.Type)
		}
	}
	// The scheduler refreshes the SPICE dataset when its interval passes.
	snap := dash.Visuals[1].DatasetID
	var ds dashboard.Dataset
	f.must(t, "PUT", "/api/datasets/"+snap, map[string]any{"name": "Inventory snapshot", "database": "conversion_db",
		"sql": dashboard.StoreInventory("conversion_db", "conversion_table").Datasets[0].SQL, "mode": "SPICE", "refreshIntervalSeconds": 1}, &ds)
	f.put(t, records())
	testenv.Eventually(t, 15*time.Second, "scheduled refresh", func() bool {
		d, err := f.svc.GetDataset(ctx, snap)
		return err == nil && d.SnapshotRows == int64(2*len(records()))
	})
	// Slow the schedule down again (waiting out a refresh in progress);
	// then only the current snapshot is on disk.
	f.must(t, "PUT", "/api/datasets/"+snap, map[string]any{"name": "Inventory snapshot", "database": "conversion_db",
		"sql": ds.SQL, "mode": "SPICE", "refreshIntervalSeconds": 3600}, &ds)
	if entries, _ := os.ReadDir(filepath.Join(f.env.DataDir, "console-snapshots")); len(entries) != 1 {
		t.Fatalf("snapshot dir holds %d files, want the one current snapshot", len(entries))
	}
}
