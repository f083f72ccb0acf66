package delivery

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// convertOptions is a validated DataFormatConversionConfiguration.
type convertOptions struct {
	schemaCfg       SchemaConfiguration
	caseInsensitive bool
	dotsToUnder     bool
	mappings        map[string]string // column -> JSON key
	hive            bool
	tsFormats       []string // Go layouts, or "millis"
	codec           compress.Codec
	pageSize        int
	blockSize       int // row-group size target (Hive's parquet.block.size)
	dict            bool
	pageVersion     int
}

func (p *plan) compileConversionOptions() error {
	dc := p.dest.DataFormatConversionConfiguration
	if dc == nil || !boolVal(dc.Enabled, true) {
		return nil
	}
	sc, in, out := dc.SchemaConfiguration, dc.InputFormatConfiguration, dc.OutputFormatConfiguration
	if sc == nil || in == nil || in.Deserializer == nil || out == nil || out.Serializer == nil {
		return invalidArg("DataFormatConversionConfiguration needs SchemaConfiguration, InputFormatConfiguration and OutputFormatConfiguration when enabled.")
	}
	if sc.DatabaseName == "" || sc.TableName == "" || sc.RoleARN == "" {
		return invalidArg("SchemaConfiguration needs DatabaseName, TableName and RoleARN.")
	}
	if v := sc.VersionId; v != "" && v != "LATEST" {
		if _, err := strconv.Atoi(v); err != nil {
			return invalidArg("SchemaConfiguration.VersionId must be LATEST or a table version number, got %q.", v)
		}
	}
	o := &convertOptions{schemaCfg: *sc, caseInsensitive: true, codec: &parquet.Snappy, pageVersion: 1, blockSize: defaultBlockSize}
	switch ds := in.Deserializer; {
	case ds.OpenXJsonSerDe != nil && ds.HiveJsonSerDe != nil:
		return invalidArg("Deserializer must specify exactly one of OpenXJsonSerDe and HiveJsonSerDe.")
	case ds.OpenXJsonSerDe != nil:
		x := ds.OpenXJsonSerDe
		o.caseInsensitive = boolVal(x.CaseInsensitive, true)
		o.dotsToUnder = boolVal(x.ConvertDotsInJsonKeysToUnderscores, false)
		o.mappings = x.ColumnToJsonKeyMappings
	case ds.HiveJsonSerDe != nil:
		o.hive = true
		for _, f := range ds.HiveJsonSerDe.TimestampFormats {
			if f == "millis" {
				o.tsFormats = append(o.tsFormats, f)
				continue
			}
			layout, err := goLayout(f)
			if err != nil {
				return invalidArg("HiveJsonSerDe TimestampFormats %q: %v", f, err)
			}
			o.tsFormats = append(o.tsFormats, layout)
		}
	default:
		return invalidArg("Deserializer must specify OpenXJsonSerDe or HiveJsonSerDe.")
	}
	ser := out.Serializer
	if len(ser.OrcSerDe) > 0 && string(ser.OrcSerDe) != "null" {
		return invalidArg("OrcSerDe is not supported by Shoal; use ParquetSerDe.")
	}
	ps := ser.ParquetSerDe
	if ps == nil {
		return invalidArg("Serializer must specify ParquetSerDe.")
	}
	switch ps.Compression {
	case "", "SNAPPY":
	case "GZIP":
		o.codec = &parquet.Gzip
	case "UNCOMPRESSED":
		o.codec = &parquet.Uncompressed
	default:
		return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'parquetSerDe.compression' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, SNAPPY]", ps.Compression)
	}
	switch ps.WriterVersion {
	case "", "V1":
	case "V2":
		o.pageVersion = 2
	default:
		return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'parquetSerDe.writerVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1, V2]", ps.WriterVersion)
	}
	if ps.PageSizeBytes != nil {
		if *ps.PageSizeBytes < 64<<10 {
			return invalidArg("ParquetSerDe.PageSizeBytes must be at least 65536.")
		}
		o.pageSize = *ps.PageSizeBytes
	}
	if ps.BlockSizeBytes != nil {
		if *ps.BlockSizeBytes < 64<<20 {
			return invalidArg("ParquetSerDe.BlockSizeBytes must be at least 67108864.")
		}
		o.blockSize = *ps.BlockSizeBytes
	}
	if ps.MaxPaddingBytes != nil {
		if *ps.MaxPaddingBytes < 0 {
			return awserr.New(awserr.Validation, "1 validation error detected: Value '%d' at 'parquetSerDe.maxPaddingBytes' failed to satisfy constraint: Member must have value greater than or equal to 0", *ps.MaxPaddingBytes)
		}
		// Padding would need the writer to know where row groups start
		// within HDFS blocks; parquet-go has no such option, and adding
		// bytes behind its back would corrupt the footer's offsets.
		if *ps.MaxPaddingBytes > 0 {
			return invalidArg("ParquetSerDe.MaxPaddingBytes %d is not supported by Shoal: its Parquet writer cannot pad row groups to block boundaries; omit it or use 0.", *ps.MaxPaddingBytes)
		}
	}
	o.dict = boolVal(ps.EnableDictionaryCompression, false)
	p.convert = o
	return nil
}

// goLayout translates a Joda/Java pattern into a Go time layout.
func goLayout(pattern string) (string, error) {
	toks, err := parseDateTimePattern(pattern)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, t := range toks {
		switch t.field {
		case 0:
			b.WriteString(t.literal)
		case 'y':
			b.WriteString(map[bool]string{true: "06", false: "2006"}[t.width == 2])
		case 'M':
			b.WriteString("01")
		case 'd':
			b.WriteString("02")
		case 'H':
			b.WriteString("15")
		case 'm':
			b.WriteString("04")
		case 's':
			b.WriteString("05")
		case 'S':
			b.WriteString(strings.Repeat("0", t.width))
		}
	}
	return b.String(), nil
}

// defaultBlockSize is Firehose's default ParquetSerDe.BlockSizeBytes.
const defaultBlockSize = 256 << 20

// column is one converted column.
type column struct {
	name string
	key  string // JSON key to read
	typ  *glueType
}

// converter turns JSON documents into Parquet rows for one table schema.
type converter struct {
	opts    *convertOptions
	cols    []column
	flat    *flatLayout // nil unless every column is primitive
	schema  *parquet.Schema
	table   string // db.table, for error records
	version string
}

func newConverter(o *convertOptions, cols []column, table, version string) *converter {
	g := parquet.Group{}
	for _, c := range cols {
		g[c.name] = c.typ.node(o.dict)
	}
	return &converter{opts: o, cols: cols, flat: newFlatLayout(cols), schema: parquet.NewSchema("schema", g), table: table, version: version}
}

// row converts one parsed JSON object.
func (c *converter) row(doc any) (map[string]any, error) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the record is not a JSON object")
	}
	if c.opts.caseInsensitive || c.opts.dotsToUnder {
		obj = c.normalizeKeys(obj)
	}
	out := make(map[string]any, len(c.cols))
	for _, col := range c.cols {
		v, err := c.value(col.typ, obj[col.key])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", col.name, err)
		}
		if v != nil {
			out[col.name] = v
		}
	}
	return out, nil
}

// normalizeKeys applies CaseInsensitive and ConvertDotsInJsonKeysToUnderscores.
// When two members normalize to the same key, the one whose raw key sorts
// last wins (so an exact lower-case key beats its upper-case variants),
// rather than whichever map iteration happens to visit last.
func (c *converter) normalizeKeys(obj map[string]any) map[string]any {
	norm := make(map[string]any, len(obj))
	for k, v := range obj {
		norm[c.normalizeKey(k)] = v
	}
	if len(norm) == len(obj) {
		return norm
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		norm[c.normalizeKey(k)] = obj[k]
	}
	return norm
}

func (c *converter) normalizeKey(k string) string {
	if c.opts.dotsToUnder {
		k = strings.ReplaceAll(k, ".", "_")
	}
	if c.opts.caseInsensitive {
		k = strings.ToLower(k)
	}
	return k
}

// value coerces a JSON value as the OpenX SerDe does: numbers from numeric
// strings, strings from any scalar, nested JSON into string columns as text.
// Scalars are boxed in pointers because parquet-go writes a zero scalar into
// an optional column as null, and 0, false and "" are values.
func (c *converter) value(t *glueType, v any) (any, error) {
	out, err := c.unboxed(t, v)
	if err != nil || out == nil {
		return out, err
	}
	return box(out), nil
}

func box(v any) any {
	switch x := v.(type) {
	case string:
		return &x
	case int32:
		return &x
	case int64:
		return &x
	case float32:
		return &x
	case float64:
		return &x
	case bool:
		return &x
	case time.Time:
		return &x
	case []byte:
		return &x
	}
	return v
}

func (c *converter) unboxed(t *glueType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.kind {
	case "string":
		switch x := v.(type) {
		case string:
			return x, nil
		case int:
			return strconv.Itoa(x), nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		default:
			b, _ := json.Marshal(x)
			return string(b), nil
		}
	case "int", "bigint", "smallint", "tinyint":
		n, err := toInt(v)
		if err != nil {
			return nil, err
		}
		bits := map[string]int{"int": 32, "bigint": 64, "smallint": 16, "tinyint": 8}[t.kind]
		if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
			return nil, fmt.Errorf("value %d out of range for %s", n, t.kind)
		}
		switch bits {
		case 64:
			return n, nil
		default:
			return int32(n), nil
		}
	case "double", "float":
		f, err := toFloat(v)
		if err != nil {
			return nil, err
		}
		if t.kind == "float" {
			return float32(f), nil
		}
		return f, nil
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(strings.ToLower(x)); err == nil {
				return b, nil
			}
		}
		return nil, fmt.Errorf("cannot convert %v to boolean", v)
	case "timestamp":
		return c.timestamp(v)
	case "date":
		s, ok := v.(string)
		if !ok {
			n, err := toInt(v)
			if err != nil {
				return nil, err
			}
			return time.Unix(n*86400, 0).UTC(), nil
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, fmt.Errorf("cannot parse %q as a date", s)
		}
		return d, nil
	case "binary":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("binary values must be strings")
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return b, nil
		}
		return []byte(s), nil
	case "decimal":
		return decimalValue(t, v)
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("expected a JSON array")
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			ev, err := c.value(t.elem, e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected a JSON object")
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			ev, err := c.value(t.elem, e)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case "struct":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected a JSON object")
		}
		out := make(map[string]any, len(t.fields))
		for i, name := range t.fieldNames {
			fv := m[name]
			if fv == nil && c.opts.caseInsensitive {
				for k, x := range m {
					if strings.EqualFold(k, name) {
						fv = x
					}
				}
			}
			ev, err := c.value(&t.fields[i], fv)
			if err != nil {
				return nil, err
			}
			if ev != nil {
				out[name] = ev
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t.kind)
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("value %v is not an integer", x)
		}
		return int64(x), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cannot convert %q to an integer", x)
		}
		return n, nil
	}
	return 0, fmt.Errorf("cannot convert %v to an integer", v)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("cannot convert %q to a number", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("cannot convert %v to a number", v)
}

func decimalValue(t *glueType, v any) (any, error) {
	var s string
	switch x := v.(type) {
	case int:
		s = strconv.Itoa(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		s = strings.TrimSpace(x)
	default:
		return nil, fmt.Errorf("cannot convert %v to a decimal", v)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("cannot convert %q to a decimal", s)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.scale)), nil)))
	unscaled := new(big.Int).Quo(r.Num(), r.Denom())
	if len(unscaled.String()) > t.precision+1 {
		return nil, fmt.Errorf("value %s does not fit decimal(%d,%d)", s, t.precision, t.scale)
	}
	if t.precision <= 18 {
		return unscaled.Int64(), nil
	}
	b := make([]byte, 16)
	unscaled.FillBytes(b) // non-negative only; negatives fall back below
	if unscaled.Sign() < 0 {
		twos := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 128), unscaled)
		twos.FillBytes(b)
	}
	return b, nil
}

func (c *converter) timestamp(v any) (any, error) {
	switch x := v.(type) {
	case int:
		return epochTime(int64(x)), nil
	case float64:
		return epochTime(int64(x)), nil
	case string:
		for _, f := range c.opts.tsFormats {
			if f == "millis" {
				if n, err := strconv.ParseInt(x, 10, 64); err == nil {
					return time.UnixMilli(n).UTC(), nil
				}
				continue
			}
			if t, err := time.Parse(f, x); err == nil {
				return t.UTC(), nil
			}
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC(), nil
			}
		}
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return epochTime(n), nil
		}
	}
	return nil, fmt.Errorf("cannot convert %v to a timestamp", v)
}

// epochTime reads epoch seconds, or milliseconds when the number is too big
// to be seconds (as the OpenX SerDe does).
func epochTime(n int64) time.Time {
	if n > 1e11 || n < -1e11 {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}
