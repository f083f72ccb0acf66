package dashboard

import (
	"fmt"
	"strings"
)

// Result caps: a chart never needs more points than these, and a browser
// should not receive more.
const (
	maxRawRows       = 1000  // table with columns
	maxScatterPoints = 5000  // scatter with agg "none"
	maxAggRows       = 10000 // any grouped result
	defaultBins      = 20
	maxBins          = 1000
)

// visualQuery is the SQL of one visual and how to present its result.
type visualQuery struct {
	SQL     string
	Names   []string // display names of the result columns, in order
	MaxRows int
}

// Allowed values of the visual's wells.
var (
	visualTypes = []string{"bar", "line", "area", "pie", "kpi", "table", "pivot", "heatmap", "scatter", "histogram", "gauge"}
	aggs        = map[string]string{"sum": "sum", "avg": "avg", "min": "min", "max": "max", "count": "count", "count_distinct": "count", "none": ""}
	timeGrains  = map[string]bool{"": true, "minute": true, "hour": true, "day": true, "week": true, "month": true, "quarter": true, "year": true}
)

func validType(t string) bool {
	for _, v := range visualTypes {
		if v == t {
			return true
		}
	}
	return false
}

// buildVisualQuery writes the SELECT for visual v over from, a FROM item
// with alias (the dataset's query as a subquery, or its snapshot relation),
// whose columns are cols. Aggregations happen in SQL so that only the
// chart's points leave the engine.
func buildVisualQuery(v *Visual, cols []Column, from string, filters []activeFilter) (*visualQuery, error) {
	if !validType(v.Type) {
		return nil, invalid("visual %s: unknown type %q (valid: %s)", v.ID, v.Type, strings.Join(visualTypes, ", "))
	}
	cs := newColumnSet(cols)
	where, err := whereClause(cs, filters)
	if err != nil {
		return nil, err
	}
	b := &builder{v: v, cs: cs, from: from, where: where}
	var q *visualQuery
	switch {
	case v.Type == "table" && len(v.Columns) > 0:
		q, err = b.rawTable()
	case v.Type == "histogram":
		q, err = b.histogram()
	case v.Type == "kpi" || v.Type == "gauge":
		q, err = b.single()
	case v.Type == "scatter" && len(v.Measures) > 0 && v.Measures[0].Agg == "none":
		q, err = b.points()
	default:
		q, err = b.grouped()
	}
	if err != nil {
		if e, ok := err.(*Error); ok && v.ID != "" && !strings.HasPrefix(e.Message, "visual ") {
			e.Message = "visual " + v.ID + ": " + e.Message
		}
		return nil, err
	}
	return q, nil
}

type builder struct {
	v     *Visual
	cs    columnSet
	from  string
	where string
}

// measure renders an aggregate and names it.
func (b *builder) measure(m Measure, role string) (expr, name string, err error) {
	fn, ok := aggs[m.Agg]
	if !ok {
		return "", "", invalid("%s: unknown aggregation %q (valid: sum, avg, min, max, count, count_distinct, none)", role, m.Agg)
	}
	name = m.Label
	if m.Agg == "count" && (m.Field == "" || m.Field == "*") {
		if name == "" {
			name = "count"
		}
		return "count(*)", name, nil
	}
	col, typ, err := b.cs.field(m.Field, role)
	if err != nil {
		return "", "", err
	}
	if name == "" {
		name = m.Agg + "(" + m.Field + ")"
		if m.Agg == "none" {
			name = m.Field
		}
	}
	switch m.Agg {
	case "none":
		return col, name, nil
	case "sum", "avg":
		if !isNumeric(typ) {
			return "", "", invalid("%s: %s needs a numeric field; %s is %s", role, m.Agg, m.Field, typ)
		}
	case "count_distinct":
		return "count(DISTINCT " + col + ")", name, nil
	}
	return fn + "(" + col + ")", name, nil
}

// dimension renders the dimension, truncated to its time grain. An
// integer field with a grain holds Unix seconds.
func (b *builder) dimension() (string, string, error) {
	d := b.v.Dimension
	if d == nil {
		return "", "", invalid("%s needs a dimension", b.v.Type)
	}
	col, typ, err := b.cs.field(d.Field, "dimension")
	if err != nil {
		return "", "", err
	}
	if !timeGrains[d.TimeGrain] {
		return "", "", invalid("dimension: unknown time grain %q (valid: minute, hour, day, week, month, quarter, year)", d.TimeGrain)
	}
	if d.TimeGrain == "" {
		return col, d.Field, nil
	}
	switch {
	case isIntegral(typ):
		col = "from_unixtime(" + col + ")"
	case isTemporal(typ):
	default:
		return "", "", invalid("dimension: a time grain needs a timestamp, date or integer (Unix seconds) field; %s is %s", d.Field, typ)
	}
	return "date_trunc(" + quoteString(d.TimeGrain) + ", " + col + ")", d.Field, nil
}

// rawTable lists rows of the chosen columns.
func (b *builder) rawTable() (*visualQuery, error) {
	var exprs, names []string
	for _, c := range b.v.Columns {
		col, _, err := b.cs.field(c, "columns")
		if err != nil {
			return nil, err
		}
		exprs = append(exprs, col)
		names = append(names, c)
	}
	order := ""
	if s := b.v.Sort; s != nil && s.By != "dimension" && s.By != "measure" && s.By != "" {
		col, _, err := b.cs.field(s.By, "sort")
		if err != nil {
			return nil, err
		}
		dir, err := direction(s.Order)
		if err != nil {
			return nil, err
		}
		order = " ORDER BY " + col + " " + dir
	}
	limit := maxRawRows
	if n := b.v.TopN; n > 0 && n < limit {
		limit = n
	}
	sql := "SELECT " + strings.Join(exprs, ", ") + " FROM " + b.from + b.where + order + fmt.Sprintf(" LIMIT %d", limit+1)
	return &visualQuery{SQL: sql, Names: names, MaxRows: limit}, nil
}

// single is a KPI or gauge: one aggregate, and a comparison measure if asked.
func (b *builder) single() (*visualQuery, error) {
	if len(b.v.Measures) == 0 {
		return nil, invalid("%s needs a measure", b.v.Type)
	}
	m := b.v.Measures[0]
	if m.Agg == "none" {
		return nil, invalid("%s needs an aggregated measure, not agg none", b.v.Type)
	}
	expr, name, err := b.measure(m, "measure")
	if err != nil {
		return nil, err
	}
	exprs, names := []string{expr + ` AS "m0"`}, []string{name}
	if c := b.v.Options.comparison(); c != nil {
		switch c.Type {
		case "target":
		case "measure":
			if c.Measure == nil || c.Measure.Agg == "none" {
				return nil, invalid("comparison needs an aggregated measure")
			}
			cexpr, cname, err := b.measure(*c.Measure, "comparison")
			if err != nil {
				return nil, err
			}
			exprs, names = append(exprs, cexpr+` AS "m1"`), append(names, cname)
		default:
			return nil, invalid("comparison: unknown type %q (valid: target, measure)", c.Type)
		}
	}
	return &visualQuery{SQL: "SELECT " + strings.Join(exprs, ", ") + " FROM " + b.from + b.where, Names: names, MaxRows: 1}, nil
}

func (o *VisualOptions) comparison() *Comparison {
	if o == nil {
		return nil
	}
	return o.Comparison
}

// points are a scatter's raw (x, y[, series]) pairs.
func (b *builder) points() (*visualQuery, error) {
	x, xname, err := b.dimension()
	if err != nil {
		return nil, err
	}
	y, yname, err := b.measure(b.v.Measures[0], "measure")
	if err != nil {
		return nil, err
	}
	exprs, names := []string{x, y}, []string{xname, yname}
	if g := b.v.Group; g != nil && g.Field != "" {
		col, _, err := b.cs.field(g.Field, "group")
		if err != nil {
			return nil, err
		}
		exprs, names = append(exprs, col), append(names, g.Field)
	}
	sql := "SELECT " + strings.Join(exprs, ", ") + " FROM " + b.from + b.where + fmt.Sprintf(" LIMIT %d", maxScatterPoints+1)
	return &visualQuery{SQL: sql, Names: names, MaxRows: maxScatterPoints}, nil
}

// histogram counts the values of measures[0].field in equal-width bins
// between its minimum and maximum, computed in one pass over the data.
func (b *builder) histogram() (*visualQuery, error) {
	if len(b.v.Measures) == 0 {
		return nil, invalid("histogram needs a measure field")
	}
	f := b.v.Measures[0].Field
	col, typ, err := b.cs.field(f, "measure")
	if err != nil {
		return nil, err
	}
	if !isNumeric(typ) {
		return nil, invalid("histogram needs a numeric field; %s is %s", f, typ)
	}
	bins := defaultBins
	if o := b.v.Options; o != nil && o.Bins != 0 {
		bins = o.Bins
	}
	if bins < 1 || bins > maxBins {
		return nil, invalid("bins must be between 1 and %d", maxBins)
	}
	where := " WHERE " + col + " IS NOT NULL"
	if b.where != "" {
		where = b.where + " AND " + col + " IS NOT NULL"
	}
	n := fmt.Sprint(bins)
	sql := "WITH v AS (SELECT CAST(" + col + " AS DOUBLE) AS x FROM " + b.from + where + "), " +
		"r AS (SELECT min(x) AS lo, max(x) AS hi FROM v), " +
		"h AS (SELECT coalesce(least(CAST(floor((x - lo) / nullif(hi - lo, 0) * " + n + ") AS BIGINT), " + fmt.Sprint(bins-1) + "), 0) AS bin, count(*) AS c FROM v, r GROUP BY 1) " +
		"SELECT lo + (hi - lo) / " + n + " * bin AS bin_start, lo + (hi - lo) / " + n + " * (bin + 1) AS bin_end, c AS n FROM h, r ORDER BY bin"
	return &visualQuery{SQL: sql, Names: []string{"binStart", "binEnd", "count"}, MaxRows: maxBins}, nil
}

// grouped aggregates measures by the dimension (and group): bar, line,
// area, pie, aggregated table, pivot, heat map, aggregated scatter. The
// result is long-form: dimension[, group], measures.
func (b *builder) grouped() (*visualQuery, error) {
	v := b.v
	dim, dimName, err := b.dimension()
	if err != nil {
		return nil, err
	}
	if len(v.Measures) == 0 {
		return nil, invalid("%s needs a measure", v.Type)
	}
	one := v.Type == "pie" || v.Type == "pivot" || v.Type == "heatmap"
	if one && len(v.Measures) > 1 {
		return nil, invalid("%s takes one measure", v.Type)
	}
	exprs, names := []string{dim + ` AS "d"`}, []string{dimName}
	hasGroup := v.Group != nil && v.Group.Field != ""
	if (v.Type == "pivot" || v.Type == "heatmap") && !hasGroup {
		return nil, invalid("%s needs a group field", v.Type)
	}
	if hasGroup {
		if v.Type == "pie" {
			return nil, invalid("pie takes no group")
		}
		col, _, err := b.cs.field(v.Group.Field, "group")
		if err != nil {
			return nil, err
		}
		exprs, names = append(exprs, col+` AS "g"`), append(names, v.Group.Field)
	}
	for i, m := range v.Measures {
		if m.Agg == "none" {
			return nil, invalid("%s: agg none is only for scatter points; choose an aggregation", v.Type)
		}
		expr, name, err := b.measure(m, fmt.Sprintf("measure %d", i+1))
		if err != nil {
			return nil, err
		}
		exprs, names = append(exprs, fmt.Sprintf(`%s AS "m%d"`, expr, i)), append(names, name)
	}
	order, err := b.orderBy(hasGroup)
	if err != nil {
		return nil, err
	}
	groupBy := " GROUP BY 1"
	if hasGroup {
		groupBy = " GROUP BY 1, 2"
	}
	base := "SELECT " + strings.Join(exprs, ", ") + " FROM " + b.from + b.where + groupBy
	limit := fmt.Sprintf(" LIMIT %d", maxAggRows+1)
	if v.TopN < 0 {
		return nil, invalid("topN must not be negative")
	}
	var sql string
	switch {
	case v.TopN == 0:
		sql = base + order + limit
	case !hasGroup:
		// The top N by the first measure, then shown in the asked order.
		sql = fmt.Sprintf(`SELECT * FROM (%s ORDER BY "m0" DESC NULLS LAST, "d" LIMIT %d) AS t`, base, v.TopN) + order
	default:
		// Keep every group of the N dimension values with the largest total.
		sql = "WITH base AS (" + base + "), " +
			fmt.Sprintf(`ranked AS (SELECT "d" AS rd FROM base GROUP BY 1 ORDER BY sum("m0") DESC NULLS LAST, 1 LIMIT %d) `, v.TopN) +
			`SELECT base.* FROM base JOIN ranked ON (base."d" = ranked.rd OR base."d" IS NULL AND ranked.rd IS NULL)` + order + limit
	}
	return &visualQuery{SQL: sql, Names: names, MaxRows: maxAggRows}, nil
}

// orderBy is the visual's sort, or a default that suits its type: along
// the axis for time and continuous charts, largest first otherwise.
func (b *builder) orderBy(hasGroup bool) (string, error) {
	v := b.v
	by, order := "", "asc"
	if v.Sort != nil {
		by, order = v.Sort.By, v.Sort.Order
	}
	if by == "" {
		switch {
		case v.Dimension.TimeGrain != "", v.Type == "line", v.Type == "area", v.Type == "scatter", v.Type == "pivot", v.Type == "heatmap":
			by, order = "dimension", "asc"
		default:
			by, order = "measure", "desc"
		}
	}
	dir, err := direction(order)
	if err != nil {
		return "", err
	}
	var keys []string
	switch by {
	case "dimension":
		keys = append(keys, `"d" `+dir+" NULLS LAST")
	case "measure":
		keys = append(keys, `"m0" `+dir+" NULLS LAST", `"d"`)
	default:
		return "", invalid("sort: by must be dimension or measure, not %q", by)
	}
	if hasGroup {
		keys = append(keys, `"g"`)
	}
	return " ORDER BY " + strings.Join(keys, ", "), nil
}

func direction(order string) (string, error) {
	switch strings.ToLower(order) {
	case "", "asc":
		return "ASC", nil
	case "desc":
		return "DESC", nil
	}
	return "", invalid("sort: order must be asc or desc, not %q", order)
}

// distinctValuesQuery lists a field's values for a filter control.
func distinctValuesQuery(cols []Column, field, from string) (string, error) {
	col, _, err := newColumnSet(cols).field(field, "filter")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT DISTINCT %s FROM %s WHERE %s IS NOT NULL ORDER BY 1 LIMIT %d", col, from, col, maxFilterValues+1), nil
}

const maxFilterValues = 1000
