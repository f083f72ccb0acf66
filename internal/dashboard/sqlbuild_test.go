package dashboard

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/visual_sql.golden")

// inventory are the workshop's columns as the query service reports them,
// plus one awkward name.
var inventory = []Column{
	{"store_id", "varchar"}, {"product_id", "varchar"}, {"product_name", "varchar"},
	{"current_stock", "integer"}, {"threshold_level", "integer"}, {"is_stock_low", "boolean"},
	{"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "varchar"},
	{"checked_at", "timestamp"}, {`we"ird`, "double"},
}

type sqlCase struct {
	name    string
	visual  string // JSON
	filters []activeFilter
}

func values(field string, vs ...any) activeFilter {
	return activeFilter{Filter: Filter{ID: "f-" + field, Field: field, Type: FilterValues}, Value: FilterValue{Values: vs}}
}

func dateRange(field, from, to string) activeFilter {
	return activeFilter{Filter: Filter{ID: "f-" + field, Field: field, Type: FilterDateRange}, Value: FilterValue{From: from, To: to}}
}

var sqlCases = []sqlCase{
	{name: "bar sum by store", visual: `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"current_stock","agg":"sum"}]}`},
	{name: "bar two measures sorted by dimension", visual: `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"current_stock","agg":"avg"},{"field":"product_id","agg":"count_distinct"}],"sort":{"by":"dimension","order":"desc"}}`},
	{name: "line hour grain on epoch seconds with group", visual: `{"type":"line","dimension":{"field":"check_timestamp","timeGrain":"hour"},"measures":[{"field":"current_stock","agg":"avg"}],"group":{"field":"product_name"}}`},
	{name: "area day grain on timestamp", visual: `{"type":"area","dimension":{"field":"checked_at","timeGrain":"day"},"measures":[{"agg":"count"}]}`},
	{name: "pie top 3", visual: `{"type":"pie","dimension":{"field":"restock_status"},"measures":[{"agg":"count"}],"topN":3}`},
	{name: "bar top 2 stores with groups", visual: `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"current_stock","agg":"sum"}],"group":{"field":"product_id"},"topN":2}`},
	{name: "kpi with measure comparison", visual: `{"type":"kpi","measures":[{"field":"is_stock_low","agg":"count","label":"Low"}],"options":{"comparison":{"type":"measure","measure":{"field":"","agg":"count"}}}}`},
	{name: "gauge with target", visual: `{"type":"gauge","measures":[{"field":"current_stock","agg":"max"}],"options":{"comparison":{"type":"target","value":100},"min":0,"max":100}}`},
	{name: "raw table", visual: `{"type":"table","columns":["store_id","product_name","current_stock"],"sort":{"by":"current_stock","order":"desc"}}`},
	{name: "aggregated table", visual: `{"type":"table","dimension":{"field":"product_name"},"measures":[{"field":"current_stock","agg":"min"},{"field":"current_stock","agg":"max"}]}`},
	{name: "pivot", visual: `{"type":"pivot","dimension":{"field":"store_id"},"group":{"field":"product_name"},"measures":[{"field":"current_stock","agg":"sum"}]}`},
	{name: "heatmap", visual: `{"type":"heatmap","dimension":{"field":"store_id"},"group":{"field":"product_name"},"measures":[{"field":"current_stock","agg":"avg"}]}`},
	{name: "scatter points", visual: `{"type":"scatter","dimension":{"field":"threshold_level"},"measures":[{"field":"current_stock","agg":"none"}]}`},
	{name: "scatter aggregated", visual: `{"type":"scatter","dimension":{"field":"threshold_level"},"measures":[{"field":"current_stock","agg":"avg"}]}`},
	{name: "histogram 10 bins", visual: `{"type":"histogram","measures":[{"field":"current_stock"}],"options":{"bins":10}}`},
	{name: "awkward column name", visual: `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"we\"ird","agg":"sum"}]}`},
	{name: "filters", visual: `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"agg":"count"}]}`, filters: []activeFilter{
		dateRange("check_timestamp", "2025-07-17T03:00:00Z", "2025-07-17T05:00:00Z"),
		dateRange("checked_at", "2025-07-17T03:00:00Z", ""),
		values("store_id", "STORE_1", "STORE_2"),
		values("current_stock", json.Number("4"), 5.5),
		values("is_stock_low", true),
		values("restock_status", "chưa xử lý", nil),
		values("not_in_dataset", "ignored"),
		values("product_id"),
	}},
	{name: "injection in filter values is quoted", visual: `{"type":"kpi","measures":[{"agg":"count"}]}`, filters: []activeFilter{
		values("store_id", "STORE_1') OR 1=1 --", `x"; DROP TABLE t; --`),
		values("product_name", "a''b\\'"),
	}},
}

// TestVisualSQL compares the generated SQL with testdata/visual_sql.golden
// (go test -run TestVisualSQL -update rewrites it).
func TestVisualSQL(t *testing.T) {
	var b strings.Builder
	for _, c := range sqlCases {
		var v Visual
		if err := json.Unmarshal([]byte(c.visual), &v); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		v.ID = "v1"
		q, err := buildVisualQuery(&v, inventory, "src AS ds", c.filters)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b.WriteString("-- " + c.name + " " + strings.Join(q.Names, " | ") + "\n" + q.SQL + "\n\n")
	}
	golden := filepath.Join("testdata", "visual_sql.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("generated SQL differs from %s (run with -update after checking):\n%s", golden, got)
	}
}

// Every way a user could smuggle SQL through a field name or a value of
// the wrong type is rejected before any SQL is written.
func TestVisualSQLRejects(t *testing.T) {
	cases := []struct {
		name, visual, want string
		filters            []activeFilter
	}{
		{"field name injection", `{"type":"bar","dimension":{"field":"store_id\" FROM x; DROP TABLE y; --"},"measures":[{"agg":"count"}]}`, "no column", nil},
		{"measure field injection", `{"type":"kpi","measures":[{"field":"1); DROP TABLE y; --","agg":"sum"}]}`, "no column", nil},
		{"aggregation injection", `{"type":"kpi","measures":[{"field":"current_stock","agg":"sum(current_stock)) FROM x; --"}]}`, "unknown aggregation", nil},
		{"time grain injection", `{"type":"line","dimension":{"field":"check_timestamp","timeGrain":"hour', x) --"},"measures":[{"agg":"count"}]}`, "unknown time grain", nil},
		{"columns injection", `{"type":"table","columns":["store_id","* FROM secrets --"]}`, "no column", nil},
		{"sort injection", `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"agg":"count"}],"sort":{"by":"measure","order":"desc; DROP TABLE y"}}`, "order must be", nil},
		{"numeric filter injection", `{"type":"kpi","measures":[{"agg":"count"}]}`, "not a number", []activeFilter{values("current_stock", "1 OR 1=1")}},
		{"boolean filter injection", `{"type":"kpi","measures":[{"agg":"count"}]}`, "not a boolean", []activeFilter{values("is_stock_low", "true OR 1=1")}},
		{"date filter injection", `{"type":"kpi","measures":[{"agg":"count"}]}`, "RFC 3339", []activeFilter{dateRange("check_timestamp", "2025-01-01' OR '1'='1", "")}},
		{"NUL in value", `{"type":"kpi","measures":[{"agg":"count"}]}`, "NUL", []activeFilter{values("store_id", "a\x00b")}},
		{"object value", `{"type":"kpi","measures":[{"agg":"count"}]}`, "not a string", []activeFilter{values("store_id", map[string]any{"a": 1})}},
		{"unknown type", `{"type":"radar","dimension":{"field":"store_id"},"measures":[{"agg":"count"}]}`, "unknown type", nil},
		{"sum of text", `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"product_name","agg":"sum"}]}`, "numeric", nil},
		{"grain on text", `{"type":"line","dimension":{"field":"store_id","timeGrain":"day"},"measures":[{"agg":"count"}]}`, "time grain needs", nil},
		{"agg none in bar", `{"type":"bar","dimension":{"field":"store_id"},"measures":[{"field":"current_stock","agg":"none"}]}`, "agg none", nil},
		{"pivot without group", `{"type":"pivot","dimension":{"field":"store_id"},"measures":[{"agg":"count"}]}`, "group", nil},
		{"missing dimension", `{"type":"bar","measures":[{"agg":"count"}]}`, "dimension", nil},
		{"too many bins", `{"type":"histogram","measures":[{"field":"current_stock"}],"options":{"bins":100000}}`, "bins", nil},
	}
	for _, c := range cases {
		var v Visual
		if err := json.Unmarshal([]byte(c.visual), &v); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		v.ID = "v1"
		q, err := buildVisualQuery(&v, inventory, "src AS ds", c.filters)
		if err == nil {
			t.Errorf("%s: accepted:\n%s", c.name, q.SQL)
			continue
		}
		if e, ok := err.(*Error); !ok || e.Status != 400 || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: error %v, want a 400 mentioning %q", c.name, err, c.want)
		}
	}
}

func TestLiteralQuoting(t *testing.T) {
	for in, want := range map[string]string{
		`O'Brien`:       `'O''Brien'`,
		`'; DROP --`:    `'''; DROP --'`,
		`back\slash'`:   `'back\slash'''`,
		`Sữa tươi "1L"`: `'Sữa tươi "1L"'`,
	} {
		if got, err := literal(in, "varchar"); err != nil || got != want {
			t.Errorf("literal(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if got := quoteIdent(`a"b`); got != `"a""b"` {
		t.Errorf("quoteIdent: %s", got)
	}
}
