package query

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// athenaType maps a DuckDB result type to Athena's type name, precision
// and scale.
func athenaType(duck string) (name string, precision, scale int32) {
	d := strings.ToUpper(duck)
	switch {
	case strings.HasSuffix(d, "[]") || strings.HasPrefix(d, "LIST") || strings.HasSuffix(d, "]"):
		return "array", 0, 0
	case strings.HasPrefix(d, "MAP"):
		return "map", 0, 0
	case strings.HasPrefix(d, "STRUCT"):
		return "row", 0, 0
	case strings.HasPrefix(d, "DECIMAL"):
		p, s := 38, 0
		fmt.Sscanf(strings.TrimPrefix(d, "DECIMAL"), "(%d,%d)", &p, &s)
		return "decimal", int32(p), int32(s)
	}
	switch d {
	case "VARCHAR", "JSON", "ENUM":
		return "varchar", 2147483647, 0
	case "BOOLEAN":
		return "boolean", 0, 0
	case "TINYINT", "UTINYINT":
		return "tinyint", 3, 0
	case "SMALLINT", "USMALLINT":
		return "smallint", 5, 0
	case "INTEGER", "UINTEGER":
		return "integer", 10, 0
	case "BIGINT", "UBIGINT", "HUGEINT", "UHUGEINT":
		// sum(bigint) is HUGEINT in DuckDB, bigint in Trino.
		return "bigint", 19, 0
	case "DOUBLE":
		return "double", 17, 0
	case "FLOAT":
		return "float", 17, 0
	case "DATE":
		return "date", 0, 0
	case "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_S":
		return "timestamp", 3, 0
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return "timestamp with time zone", 3, 0
	case "TIME":
		return "time", 3, 0
	case "INTERVAL":
		return "interval day to second", 0, 0
	case "BLOB":
		return "varbinary", 2147483647, 0
	case "UUID":
		return "uuid", 0, 0
	case "\"NULL\"", "NULL":
		return "unknown", 0, 0
	}
	return strings.ToLower(d), 0, 0
}

// formatValue renders a value as Athena (Trino) prints it in results.
func formatValue(v any, duck string) *string {
	if v == nil {
		return nil
	}
	s := formatNested(v, duck)
	return &s
}

func formatNested(v any, duck string) string {
	upper := strings.ToUpper(duck)
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x)
	case *big.Int:
		return x.String()
	case float64:
		return javaDouble(x, 64)
	case float32:
		return javaDouble(float64(x), 32)
	case duckdb.Decimal:
		return formatDecimal(x)
	case time.Time:
		switch {
		case upper == "DATE":
			return x.Format("2006-01-02")
		case upper == "TIME":
			return x.Format("15:04:05.000")
		case strings.HasPrefix(upper, "TIMESTAMPTZ") || strings.HasPrefix(upper, "TIMESTAMP WITH"):
			return x.UTC().Format("2006-01-02 15:04:05.000") + " UTC"
		default:
			return x.UTC().Format("2006-01-02 15:04:05.000")
		}
	case []byte:
		return hex.EncodeToString(x)
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case duckdb.Interval:
		d := time.Duration(x.Micros) * time.Microsecond
		days := int64(x.Days) + int64(d/(24*time.Hour))
		d %= 24 * time.Hour
		return fmt.Sprintf("%d %02d:%02d:%02d.%03d", days, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, d.Milliseconds()%1000)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatNested(e, elemType(duck))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case duckdb.OrderedMap:
		return formatMap(&x)
	case *duckdb.OrderedMap:
		return formatMap(x)
	case duckdb.Map:
		keys := make([]string, 0, len(x))
		vals := map[string]string{}
		for k, v := range x {
			ks := formatNested(k, "")
			keys = append(keys, ks)
			vals[ks] = formatNested(v, "")
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + vals[k]
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		// Structs: fields in declaration order, from the type.
		names := structFields(duck)
		if len(names) != len(x) {
			names = names[:0]
			for k := range x {
				names = append(names, k)
			}
			sort.Strings(names)
		}
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + "=" + formatNested(x[n], "")
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func formatMap(m *duckdb.OrderedMap) string {
	keys, vals := m.Keys(), m.Values()
	parts := make([]string, len(keys))
	for i := range keys {
		parts[i] = formatNested(keys[i], "") + "=" + formatNested(vals[i], "")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func elemType(duck string) string {
	if strings.HasSuffix(duck, "[]") {
		return strings.TrimSuffix(duck, "[]")
	}
	return ""
}

// structFields extracts the field names of STRUCT("a" INTEGER, b VARCHAR).
func structFields(duck string) []string {
	inner, ok := strings.CutPrefix(duck, "STRUCT(")
	if !ok {
		return nil
	}
	inner = strings.TrimSuffix(inner, ")")
	var names []string
	depth, start := 0, 0
	for i := 0; i <= len(inner); i++ {
		if i < len(inner) {
			switch inner[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				continue
			}
			if inner[i] != ',' || depth != 0 {
				continue
			}
		}
		f := strings.TrimSpace(inner[start:i])
		start = i + 1
		if strings.HasPrefix(f, `"`) {
			if end := strings.Index(f[1:], `"`); end >= 0 {
				names = append(names, f[1:end+1])
				continue
			}
		}
		n, _, _ := strings.Cut(f, " ")
		names = append(names, strings.ToLower(n))
	}
	return names
}

func formatDecimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	s := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + s
	}
	for len(s) <= scale {
		s = "0" + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

// javaDouble formats like Java's Double.toString, which Trino uses:
// "1.0", "0.25", "1.0E10", "1.234E-5".
func javaDouble(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, bits)
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	exp = strings.TrimPrefix(exp, "+")
	if strings.HasPrefix(exp, "-") {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	} else {
		exp = strings.TrimLeft(exp, "0")
	}
	return mant + "E" + exp
}
