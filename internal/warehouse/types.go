package warehouse

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shoal-dev/shoal/internal/query"
)

// athenaOIDs maps the engine's Athena type names to Postgres type OIDs.
// Types without a faithful Postgres twin (arrays, maps, rows, times with
// zones, intervals) travel as text in Athena's own rendering.
var athenaOIDs = map[string]uint32{
	"boolean":   pgtype.BoolOID,
	"tinyint":   pgtype.Int2OID,
	"smallint":  pgtype.Int2OID,
	"integer":   pgtype.Int4OID,
	"int":       pgtype.Int4OID,
	"bigint":    pgtype.Int8OID,
	"real":      pgtype.Float4OID,
	"float":     pgtype.Float4OID,
	"double":    pgtype.Float8OID,
	"decimal":   pgtype.NumericOID,
	"varchar":   pgtype.VarcharOID,
	"char":      pgtype.BPCharOID,
	"string":    pgtype.VarcharOID,
	"date":      pgtype.DateOID,
	"timestamp": pgtype.TimestampOID,
}

// columnOID is the Postgres type of an Athena column type.
func columnOID(athenaType string) uint32 {
	name, _, _ := strings.Cut(strings.ToLower(athenaType), "(")
	if oid, ok := athenaOIDs[strings.TrimSpace(name)]; ok {
		return oid
	}
	return pgtype.TextOID
}

// typeSize is pg_type.typlen, which RowDescription repeats.
func typeSize(oid uint32) int16 {
	switch oid {
	case pgtype.BoolOID:
		return 1
	case pgtype.Int2OID:
		return 2
	case pgtype.Int4OID, pgtype.Float4OID, pgtype.DateOID:
		return 4
	case pgtype.Int8OID, pgtype.Float8OID, pgtype.TimestampOID:
		return 8
	}
	return -1
}

// formatFor picks column i's format from Bind's result format codes:
// none means text, one applies to all, else one per column.
func formatFor(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return pgproto3.TextFormat
	case 1:
		return formats[0]
	}
	if i < len(formats) {
		return formats[i]
	}
	return pgproto3.TextFormat
}

// rowDescription describes cols in the given result formats.
func rowDescription(cols []query.ColumnInfo, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, c := range cols {
		oid := columnOID(c.Type)
		name := c.Label
		if name == "" {
			name = c.Name
		}
		fields[i] = pgproto3.FieldDescription{
			Name:         []byte(name),
			DataTypeOID:  oid,
			DataTypeSize: typeSize(oid),
			TypeModifier: -1,
			Format:       formatFor(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// encodeValue renders one JSON-friendly engine value (nil, bool, int64,
// float64 or string) in the column's wire format.
func encodeValue(m *pgtype.Map, oid uint32, format int16, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if format == pgproto3.TextFormat {
		return []byte(textValue(v)), nil
	}
	gv, err := goValue(oid, v)
	if err != nil {
		return nil, err
	}
	buf, err := m.Encode(oid, pgproto3.BinaryFormat, gv, nil)
	if err != nil {
		return nil, fmt.Errorf("encode %v as binary oid %d: %w", v, oid, err)
	}
	return buf, nil
}

// textValue is Postgres's text output for an engine value.
func textValue(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "t"
		}
		return "f"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// goValue converts an engine value into what pgtype encodes for oid:
// dates and timestamps arrive as Athena's strings, special floats too.
func goValue(oid uint32, v any) (any, error) {
	s, isString := v.(string)
	if !isString {
		return v, nil
	}
	switch oid {
	case pgtype.DateOID:
		return time.Parse(time.DateOnly, s)
	case pgtype.TimestampOID:
		return time.Parse("2006-01-02 15:04:05.999999999", s)
	case pgtype.Float4OID, pgtype.Float8OID:
		return strconv.ParseFloat(s, 64)
	}
	return s, nil
}
