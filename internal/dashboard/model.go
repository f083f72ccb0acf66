// Package dashboard is the console's QuickSight: datasets (a SQL query over
// the catalog, read live or from a Parquet snapshot), dashboards of visuals
// over them, and the visual queries that feed the charts. Definitions live
// in the metadata store; queries run on the query service.
package dashboard

import (
	"time"
)

// Dataset modes.
const (
	ModeDirect = "DIRECT" // every visual query reads the lake
	ModeSPICE  = "SPICE"  // visuals read a snapshot refreshed on a schedule
)

// Dataset is a named query the visuals read.
type Dataset struct {
	ID                     string    `json:"id"`
	Name                   string    `json:"name"`
	Database               string    `json:"database"`
	SQL                    string    `json:"sql"`
	Mode                   string    `json:"mode"`
	RefreshIntervalSeconds int       `json:"refreshIntervalSeconds"`
	Columns                []Column  `json:"columns"`
	LastRefreshed          time.Time `json:"lastRefreshed,omitzero"`
	SnapshotRows           int64     `json:"snapshotRows"`
	SnapshotError          string    `json:"snapshotError"`
	Owner                  string    `json:"owner,omitempty"`
	Created                time.Time `json:"created,omitzero"`
	Updated                time.Time `json:"updated,omitzero"`
}

// Column is a result column with its Athena type name.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Dashboard is a set of visuals with shared filters.
type Dashboard struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	RefreshSeconds int       `json:"refreshSeconds"`
	Live           bool      `json:"live"`
	Filters        []Filter  `json:"filters"`
	Visuals        []Visual  `json:"visuals"`
	Owner          string    `json:"owner,omitempty"`
	Created        time.Time `json:"created,omitzero"`
	Updated        time.Time `json:"updated,omitzero"`
	Version        int64     `json:"version"`
}

// Summary is a dashboard in the list.
type Summary struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Updated     time.Time `json:"updated"`
}

// Filter types.
const (
	FilterDateRange = "dateRange"
	FilterValues    = "values"
)

// Time units of a dateRange filter's field.
const (
	UnitEpochSeconds = "epoch_seconds"
	UnitTimestamp    = "timestamp"
)

// Filter is a dashboard control that narrows every visual whose dataset has
// the field.
type Filter struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Field    string `json:"field"`
	Type     string `json:"type"`
	TimeUnit string `json:"timeUnit,omitempty"`
}

// FilterValue is the user's current choice for one filter: a time range
// (either end optional) or a list of values (empty: no restriction).
type FilterValue struct {
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Values []any  `json:"values,omitempty"`
}

// Visual is one chart, table or number on a dashboard.
type Visual struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	DatasetID string         `json:"datasetId"`
	Dimension *Dimension     `json:"dimension,omitempty"`
	Measures  []Measure      `json:"measures,omitempty"`
	Group     *Group         `json:"group,omitempty"`
	Columns   []string       `json:"columns,omitempty"`
	Sort      *Sort          `json:"sort,omitempty"`
	TopN      int            `json:"topN,omitempty"`
	Options   *VisualOptions `json:"options,omitempty"`
	Layout    *Layout        `json:"layout,omitempty"`
}

// Dimension is the x axis (or the rows, slices, categories).
type Dimension struct {
	Field     string `json:"field"`
	TimeGrain string `json:"timeGrain,omitempty"`
}

// Measure is an aggregated (or, with agg "none", raw) value.
type Measure struct {
	Field string `json:"field"`
	Agg   string `json:"agg"`
	Label string `json:"label,omitempty"`
}

// Group splits a series by a second field (colour, pivot columns, heat map y).
type Group struct {
	Field string `json:"field"`
}

// Sort orders the result by the dimension or the first measure.
type Sort struct {
	By    string `json:"by"`
	Order string `json:"order"`
}

// VisualOptions are presentation settings; only bins and comparison affect the query.
type VisualOptions struct {
	Orientation string      `json:"orientation,omitempty"`
	Stacked     bool        `json:"stacked,omitempty"`
	Donut       bool        `json:"donut,omitempty"`
	Format      *Format     `json:"format,omitempty"`
	Comparison  *Comparison `json:"comparison,omitempty"`
	Min         *float64    `json:"min,omitempty"`
	Max         *float64    `json:"max,omitempty"`
	Bins        int         `json:"bins,omitempty"`
}

// Format is how numbers are shown.
type Format struct {
	Style    string `json:"style,omitempty"`
	Decimals *int   `json:"decimals,omitempty"`
	Currency string `json:"currency,omitempty"`
	Compact  bool   `json:"compact,omitempty"`
}

// Comparison is a KPI's or gauge's reference: a fixed target or a second measure.
type Comparison struct {
	Type    string   `json:"type"`
	Value   *float64 `json:"value,omitempty"`
	Measure *Measure `json:"measure,omitempty"`
}

// Layout places a visual on the dashboard's grid.
type Layout struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// ExportFormat names the export document's version.
const ExportFormat = "shoal-dashboard/v1"

// ImportDocument is a dashboard with the datasets its visuals read, as
// exported; importing it recreates both under new ids.
type ImportDocument struct {
	Format    string    `json:"format"`
	Dashboard Dashboard `json:"dashboard"`
	Datasets  []Dataset `json:"datasets"`
}

// VisualData is a visual's query result.
type VisualData struct {
	Columns   []Column `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Cached    bool     `json:"cached"`
	ElapsedMs int64    `json:"elapsedMs"`
	Truncated bool     `json:"truncated"`
}
