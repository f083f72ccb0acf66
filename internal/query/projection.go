package query

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// Partition projection (Athena's projection.* table properties): when it
// is enabled the catalog's partitions are ignored and the partitions are
// computed from the properties and the query's predicates on the
// partition keys, so no MSCK REPAIR or ADD PARTITION is ever needed.

// maxProjectedPartitions is how many partitions one table scan may
// project before the query fails, as Athena's engine limits it.
const maxProjectedPartitions = 1000000

// projectedKey is the projection of one partition key.
type projectedKey struct {
	name, kind string // kind: enum, integer, date, injected
	numeric    bool   // the key's catalog type is numeric
	values     []string
	// integer
	lo, hi, step int64
	digits       int
	// date
	format       *javaFormat
	dlo, dhi     time.Time
	dstep        int
	dunit        string
	orderedTexts bool
}

// projection is a table's enabled partition projection.
type projection struct {
	table    *catalog.Table
	keys     []projectedKey // in partition key order
	template string         // storage.location.template, "" for LOCATION/k=v/
}

func projectionError(format string, args ...any) error {
	return userError("INVALID_TABLE_PROPERTY", format, args...)
}

// projectionOf reads t's projection; nil when it is not enabled.
func projectionOf(t *catalog.Table, now time.Time) (*projection, error) {
	params := map[string]string{}
	for k, v := range t.Parameters {
		params[strings.ToLower(k)] = v
	}
	if !strings.EqualFold(strings.TrimSpace(params["projection.enabled"]), "true") || len(t.PartitionKeys) == 0 {
		return nil, nil
	}
	p := &projection{table: t, template: strings.TrimSpace(params["storage.location.template"])}
	for _, k := range t.PartitionKeys {
		pk, err := projectKey(k, params, now)
		if err != nil {
			return nil, err
		}
		if p.template != "" && !strings.Contains(p.template, "${"+k.Name+"}") {
			return nil, projectionError("Partition projection of table %s.%s: storage.location.template %q does not use partition key ${%s}", t.DatabaseName, t.Name, p.template, k.Name)
		}
		p.keys = append(p.keys, pk)
	}
	return p, nil
}

// projectKey reads projection.<key>.* for one partition key.
func projectKey(k catalog.Column, params map[string]string, now time.Time) (projectedKey, error) {
	name := strings.ToLower(k.Name)
	prop := func(p string) string { return params["projection."+name+"."+p] }
	need := func(p string) (string, error) {
		v := prop(p)
		if strings.TrimSpace(v) == "" {
			return "", projectionError("Column projection for column '%s' failed. Missing required property: 'projection.%s.%s'", name, name, p)
		}
		return v, nil
	}
	pk := projectedKey{name: name, kind: strings.ToLower(strings.TrimSpace(prop("type")))}
	pk.numeric = k.Type != nil && isNumericHiveType(*k.Type)
	switch pk.kind {
	case "enum":
		v, err := need("values")
		if err != nil {
			return pk, err
		}
		pk.values = strings.Split(v, ",")
	case "integer":
		return integerKey(pk, need, prop)
	case "date":
		return dateKey(pk, need, prop, now)
	case "injected":
	case "":
		return pk, projectionError("Partition projection is enabled but partition key '%s' has no projection.%s.type (enum, integer, date or injected)", name, name)
	default:
		return pk, projectionError("Column projection for column '%s' failed. Unsupported projection type '%s' (enum, integer, date and injected are)", name, prop("type"))
	}
	return pk, nil
}

func isNumericHiveType(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "tinyint", "smallint", "int", "integer", "bigint", "float", "double", "real":
		return true
	}
	return strings.HasPrefix(strings.ToLower(t), "decimal")
}

func integerKey(pk projectedKey, need func(string) (string, error), prop func(string) string) (projectedKey, error) {
	r, err := need("range")
	if err != nil {
		return pk, err
	}
	lo, hi, ok := strings.Cut(r, ",")
	var e1, e2 error
	pk.lo, e1 = strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
	pk.hi, e2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
	if !ok || e1 != nil || e2 != nil || pk.lo > pk.hi {
		return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.range' must be two integers 'min,max', not '%s'", pk.name, pk.name, r)
	}
	pk.step = 1
	if v := strings.TrimSpace(prop("interval")); v != "" {
		if pk.step, err = strconv.ParseInt(v, 10, 64); err != nil || pk.step <= 0 {
			return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.interval' must be a positive integer, not '%s'", pk.name, pk.name, v)
		}
	}
	if v := strings.TrimSpace(prop("digits")); v != "" {
		if pk.digits, err = strconv.Atoi(v); err != nil || pk.digits <= 0 {
			return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.digits' must be a positive integer, not '%s'", pk.name, pk.name, v)
		}
	}
	return pk, nil
}

func dateKey(pk projectedKey, need func(string) (string, error), prop func(string) string, now time.Time) (projectedKey, error) {
	f, err := need("format")
	if err != nil {
		return pk, err
	}
	if pk.format, err = compileJavaFormat(f); err != nil {
		return pk, projectionError("Column projection for column '%s' failed. %v", pk.name, err)
	}
	pk.orderedTexts = pk.format.ordered && !pk.numeric
	r, err := need("range")
	if err != nil {
		return pk, err
	}
	lo, hi, ok := strings.Cut(r, ",")
	var e1, e2 error
	pk.dlo, e1 = pk.format.parseDateBound(lo, now)
	pk.dhi, e2 = pk.format.parseDateBound(hi, now)
	if !ok || e1 != nil || e2 != nil {
		return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.range' must be 'min,max' in format '%s' or NOW[+-N UNIT], not '%s'", pk.name, pk.name, f, r)
	}
	pk.dstep, pk.dunit = 1, strings.ToUpper(strings.TrimSpace(prop("interval.unit")))
	if v := strings.TrimSpace(prop("interval")); v != "" {
		if pk.dstep, err = strconv.Atoi(v); err != nil || pk.dstep <= 0 {
			return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.interval' must be a positive integer, not '%s'", pk.name, pk.name, v)
		}
	}
	if pk.dunit == "" {
		if pk.format.unit != "DAYS" && pk.format.unit != "MONTHS" && pk.format.unit != "YEARS" {
			return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.interval.unit' is required when format '%s' is more precise than a day", pk.name, pk.name, f)
		}
		pk.dunit = pk.format.unit
		if pk.dunit == "YEARS" {
			pk.dunit = "MONTHS" // Athena defaults to days or months
			pk.dstep *= 12
		}
	}
	if _, ok := unitRank[pk.dunit]; !ok {
		return pk, projectionError("Column projection for column '%s' failed. Property 'projection.%s.interval.unit' must be one of YEARS, MONTHS, WEEKS, DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS, not '%s'", pk.name, pk.name, prop("interval.unit"))
	}
	return pk, nil
}

// resolveProjected builds the source of table t for an Athena query:
// its projected partitions when projection is enabled, else the
// catalog's (resolveTable).
func (s *Service) resolveProjected(ctx context.Context, t *catalog.Table, filter string) (*source, error) {
	p, err := projectionOf(t, s.now())
	if err != nil || p == nil {
		if err != nil {
			return nil, err
		}
		return s.resolveTable(ctx, t, filter)
	}
	if t.StorageDescriptor == nil || (p.template == "" && (t.StorageDescriptor.Location == nil || *t.StorageDescriptor.Location == "")) {
		return nil, userError(ErrInvalidTable, "Table %s.%s has no LOCATION", t.DatabaseName, t.Name)
	}
	format, err := tableFormat(t)
	if err != nil {
		return nil, err
	}
	parts, err := s.projectedPartitions(ctx, p, filter)
	if err != nil {
		return nil, err
	}
	return buildSource(ctx, s.engine, t, format, parts)
}

// projectedPartitions computes the partitions a query reads: each key's values
// narrowed by its predicates in filter, their combinations filtered by the
// whole filter, then listed at their locations.
func (s *Service) projectedPartitions(ctx context.Context, p *projection, filter string) ([]partitionFiles, error) {
	t := p.table
	perKey := make([][]string, len(p.keys))
	total := 1
	for i, k := range p.keys {
		vals, err := k.candidates(keyPredicates(filter, k.name))
		if errors.As(err, new(tooManyValues)) {
			return nil, tooManyPartitions(t)
		}
		if err != nil {
			return nil, err
		}
		if vals, err = filterSingleKey(vals, filter, t.PartitionKeys[i]); err != nil {
			return nil, err
		}
		perKey[i] = vals
		if total *= len(vals); total > maxProjectedPartitions {
			return nil, tooManyPartitions(t)
		}
	}
	var match *catalog.PartitionFilter
	if filter != "" {
		match, _ = catalog.ParsePartitionFilter(filter, t.PartitionKeys)
	}
	var combos [][]string
	forEachCombination(perKey, func(values []string) {
		if match == nil || match.Match(values) {
			combos = append(combos, append([]string(nil), values...))
		}
	})
	locs := make([]string, len(combos))
	for i, values := range combos {
		locs[i] = p.location(values)
	}
	files, err := s.listLocations(ctx, locs)
	if err != nil {
		return nil, err
	}
	out := make([]partitionFiles, len(combos))
	for i := range combos {
		out[i] = partitionFiles{values: combos[i], files: files[i]}
	}
	return out, nil
}

func tooManyPartitions(t *catalog.Table) error {
	return userError("HIVE_EXCEEDED_PARTITION_LIMIT", "Query over table '%s.%s' can potentially read more than %d partitions", t.DatabaseName, t.Name, maxProjectedPartitions)
}

// filterSingleKey keeps the values that pass the filter's conjuncts that
// constrain only this key.
func filterSingleKey(vals []string, filter string, key catalog.Column) ([]string, error) {
	conj := filterConjuncts(filter)
	var fs []*catalog.PartitionFilter
	for _, c := range conj {
		if f, err := catalog.ParsePartitionFilter(render(c), []catalog.Column{key}); err == nil {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return vals, nil
	}
	out := vals[:0:0]
	for _, v := range vals {
		ok := true
		for _, f := range fs {
			ok = ok && f.Match([]string{v})
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// forEachCombination calls fn with every combination of one value per key.
func forEachCombination(perKey [][]string, fn func([]string)) {
	cur := make([]string, len(perKey))
	var rec func(i int)
	rec = func(i int) {
		if i == len(perKey) {
			fn(cur)
			return
		}
		for _, v := range perKey[i] {
			cur[i] = v
			rec(i + 1)
		}
	}
	rec(0)
}

// location is where a projected partition's objects are: the template
// with ${key} replaced, else LOCATION/k1=v1/k2=v2/.
func (p *projection) location(values []string) string {
	if p.template == "" {
		return dirPrefixURI(*p.table.StorageDescriptor.Location) + partitionDir(p.table.PartitionKeys, values) + "/"
	}
	loc := p.template
	for i, k := range p.keys {
		loc = strings.ReplaceAll(loc, "${"+k.name+"}", values[i])
		if k.name != p.table.PartitionKeys[i].Name {
			loc = strings.ReplaceAll(loc, "${"+p.table.PartitionKeys[i].Name+"}", values[i])
		}
	}
	return dirPrefixURI(loc)
}

// canonical spells partition values as the projection writes them
// (hour 5 with digits 2 is "05"), so written rows land where reads look.
func (p *projection) canonical(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v
		if m, ok := p.keys[i].member(v); ok {
			out[i] = m
		}
	}
	return out
}

// listLocations lists the files under each location: one listing each
// when there are few, else one listing of their common prefix whose
// files are assigned to the locations they fall under (others are never
// read).
func (s *Service) listLocations(ctx context.Context, locs []string) ([][]objectFile, error) {
	out := make([][]objectFile, len(locs))
	if len(locs) == 0 {
		return out, nil
	}
	prefix := commonDir(locs)
	if _, _, err := parseS3(prefix); err != nil || len(locs) <= 16 {
		for i, l := range locs {
			files, err := s.listFiles(ctx, l)
			if err != nil {
				return nil, err
			}
			out[i] = files
		}
		return out, nil
	}
	index := make(map[string]int, len(locs))
	for i, l := range locs {
		index[l] = i
	}
	files, err := s.listFiles(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		full := prefix + f.key
		for dir := full; ; {
			cut := strings.LastIndexByte(dir[:len(dir)-1], '/')
			if cut < len(prefix)-1 {
				break
			}
			dir = dir[:cut+1]
			if i, ok := index[dir]; ok {
				f.key = strings.TrimPrefix(full, dir)
				out[i] = append(out[i], f)
				break
			}
		}
	}
	return out, nil
}

// commonDir is the longest common "directory" prefix of the locations.
func commonDir(locs []string) string {
	p := locs[0]
	for _, l := range locs[1:] {
		for !strings.HasPrefix(l, p) {
			p = p[:len(p)-1]
		}
	}
	return p[:strings.LastIndexByte(p, '/')+1]
}
