package dashboard

import "fmt"

// OrdersDashboard is the name of the order-history dashboard of `shoal demo`.
const OrdersDashboard = "Order history"

// Orders is the order-history dashboard over the crawled order lines
// (DESIGN.md, "A second flow"): revenue and lines live, the rest from a
// SPICE snapshot refreshed every minute. InvoiceDate is the dataset's
// "12/1/2010 8:26" text, parsed once in the dataset's SQL.
func Orders(database, table string) ImportDocument {
	src := sqlName(database, table)
	cols := "invoiceno, stockcode, description, quantity, unitprice, quantity * unitprice AS revenue, customer, country, " +
		"date_parse(invoicedate, '%c/%e/%Y %k:%i') AS invoice_time"
	datasets := []Dataset{
		{ID: "lines", Name: "Order lines (live)", Database: database, Mode: ModeDirect,
			SQL: fmt.Sprintf("SELECT %s FROM %s", cols, src)},
		{ID: "snapshot", Name: "Order lines snapshot", Database: database, Mode: ModeSPICE, RefreshIntervalSeconds: 60,
			SQL: fmt.Sprintf("SELECT %s FROM %s", cols, src)},
		// The France query, live.
		{ID: "france", Name: "French order lines", Database: database, Mode: ModeDirect,
			SQL: fmt.Sprintf("SELECT %s FROM %s WHERE country = 'France'", cols, src)},
	}
	zero, two := 0, 2
	count := &VisualOptions{Format: &Format{Style: "number", Decimals: &zero, Compact: true}}
	money := &VisualOptions{Format: &Format{Style: "currency", Currency: "GBP", Decimals: &two, Compact: true}}
	visuals := []Visual{
		{ID: "revenue", Type: "kpi", Title: "Revenue", DatasetID: "lines",
			Measures: []Measure{{Field: "revenue", Agg: "sum", Label: "Revenue"}}, Options: money,
			Layout: &Layout{X: 0, Y: 0, W: 3, H: 3}},
		{ID: "invoices", Type: "kpi", Title: "Invoices", DatasetID: "lines",
			Measures: []Measure{{Field: "invoiceno", Agg: "count_distinct", Label: "Invoices"}}, Options: count,
			Layout: &Layout{X: 3, Y: 0, W: 3, H: 3}},
		{ID: "by-country", Type: "bar", Title: "Revenue by country", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "country"},
			Measures:  []Measure{{Field: "revenue", Agg: "sum", Label: "Revenue"}},
			Sort:      &Sort{By: "measure", Order: "desc"}, TopN: 10, Options: money,
			Layout: &Layout{X: 6, Y: 0, W: 6, H: 3}},
		{ID: "over-time", Type: "line", Title: "Order lines per hour", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "invoice_time", TimeGrain: "hour"},
			Measures:  []Measure{{Agg: "count", Label: "Lines"}}, Options: count,
			Layout: &Layout{X: 0, Y: 3, W: 7, H: 4}},
		{ID: "top-products", Type: "bar", Title: "Top products by quantity", DatasetID: "snapshot",
			Dimension: &Dimension{Field: "description"},
			Measures:  []Measure{{Field: "quantity", Agg: "sum", Label: "Quantity"}},
			Sort:      &Sort{By: "measure", Order: "desc"}, TopN: 10,
			Options: &VisualOptions{Orientation: "horizontal", Format: count.Format},
			Layout:  &Layout{X: 7, Y: 3, W: 5, H: 4}},
		{ID: "france", Type: "table", Title: "France: lines by product", DatasetID: "france",
			Dimension: &Dimension{Field: "description"},
			Measures:  []Measure{{Agg: "count", Label: "count"}},
			Sort:      &Sort{By: "measure", Order: "desc"}, TopN: 20,
			Layout: &Layout{X: 0, Y: 7, W: 12, H: 4}},
	}
	return ImportDocument{
		Format:   ExportFormat,
		Datasets: datasets,
		Dashboard: Dashboard{
			Name:        OrdersDashboard,
			Description: "Order lines from the CadabraOrders stream, as the crawler catalogued them.",
			Live:        true,
			Filters: []Filter{
				{ID: "date", Label: "Invoice date", Field: "invoice_time", Type: FilterDateRange, TimeUnit: UnitTimestamp},
				{ID: "country", Label: "Country", Field: "country", Type: FilterValues},
			},
			Visuals: visuals,
		},
	}
}
