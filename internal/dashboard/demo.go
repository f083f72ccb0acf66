package dashboard

import (
	"fmt"
	"regexp"
)

var plainName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// sqlName writes database.table, quoting parts that are not plain names.
func sqlName(database, table string) string {
	q := func(s string) string {
		if plainName.MatchString(s) {
			return s
		}
		return quoteIdent(s)
	}
	return q(database) + "." + q(table)
}

// StoreInventory is the "Store inventory" dashboard of `shoal demo` over
// the workshop's table (DESIGN.md), with its datasets:
//   - a SPICE snapshot (refreshed every 60 s) of the columns the aggregate
//     charts need, so they are served from the cache between refreshes;
//   - the planning query, live, for the low-stock table;
//   - live stock checks for the KPI, which must follow new data at once.
func StoreInventory(database, table string) ImportDocument {
	src := sqlName(database, table)
	datasets := []Dataset{
		{
			ID: "snapshot", Name: "Inventory snapshot", Database: database, Mode: ModeSPICE, RefreshIntervalSeconds: 60,
			SQL: fmt.Sprintf("SELECT store_id, product_id, product_name, current_stock, is_stock_low, check_timestamp, restock_status FROM %s", src),
		},
		{
			ID: "planning", Name: "Low-stock items to notify", Database: database, Mode: ModeDirect,
			SQL: fmt.Sprintf("SELECT * FROM %s WHERE is_stock_low = true AND notification_sent = false", src),
		},
		{
			ID: "checks", Name: "Stock checks (live)", Database: database, Mode: ModeDirect,
			SQL: fmt.Sprintf("SELECT store_id, product_id, product_name, check_timestamp, CASE WHEN is_stock_low THEN 1 ELSE 0 END AS low_stock FROM %s", src),
		},
	}
	zero := 0
	number := &VisualOptions{Format: &Format{Style: "number", Decimals: &zero}}
	visuals := []Visual{
		{
			ID: "low-kpi", Type: "kpi", Title: "Low-stock items", DatasetID: "checks",
			Measures: []Measure{{Field: "low_stock", Agg: "sum", Label: "Low-stock checks"}},
			Options: &VisualOptions{Format: &Format{Style: "number", Decimals: &zero, Compact: true},
				Comparison: &Comparison{Type: "measure", Measure: &Measure{Agg: "count", Label: "All checks"}}},
			Layout: &Layout{X: 0, Y: 0, W: 3, H: 3},
		},
		{
			ID: "stock-by-store", Type: "bar", Title: "Stock by store", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "store_id"},
			Measures:  []Measure{{Field: "current_stock", Agg: "sum", Label: "Stock"}},
			Sort:      &Sort{By: "dimension", Order: "asc"}, Options: number,
			Layout: &Layout{X: 3, Y: 0, W: 5, H: 3},
		},
		{
			ID: "restock-status", Type: "pie", Title: "Restock status", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "restock_status"},
			Measures:  []Measure{{Agg: "count", Label: "Checks"}},
			Options:   &VisualOptions{Donut: true},
			Layout:    &Layout{X: 8, Y: 0, W: 4, H: 3},
		},
		{
			ID: "stock-over-time", Type: "line", Title: "Stock over time", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "check_timestamp", TimeGrain: "hour"},
			Measures:  []Measure{{Field: "current_stock", Agg: "avg", Label: "Average stock"}},
			Group:     &Group{Field: "product_name"},
			Layout:    &Layout{X: 0, Y: 3, W: 7, H: 4},
		},
		{
			ID: "stock-heatmap", Type: "heatmap", Title: "Stock by store and product", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "store_id"},
			Measures:  []Measure{{Field: "current_stock", Agg: "avg", Label: "Average stock"}},
			Group:     &Group{Field: "product_name"},
			Layout:    &Layout{X: 7, Y: 3, W: 5, H: 4},
		},
		{
			ID: "low-stock-items", Type: "table", Title: "Low-stock items", DatasetID: "planning",
			Columns: []string{"store_id", "product_id", "product_name", "current_stock", "threshold_level", "restock_status"},
			Layout:  &Layout{X: 0, Y: 7, W: 12, H: 5},
		},
	}
	return ImportDocument{
		Format:   ExportFormat,
		Datasets: datasets,
		Dashboard: Dashboard{
			Name:        "Store inventory",
			Description: "Stock levels reported by the stores, live.",
			Live:        true,
			Filters: []Filter{
				{ID: "date", Label: "Date", Field: "check_timestamp", Type: FilterDateRange, TimeUnit: UnitEpochSeconds},
				{ID: "store", Label: "Store", Field: "store_id", Type: FilterValues},
				{ID: "product", Label: "Product", Field: "product_name", Type: FilterValues},
			},
			Visuals: visuals,
		},
	}
}
