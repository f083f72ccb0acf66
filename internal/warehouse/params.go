package warehouse

import (
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// placeholder is one $n outside quotes and comments: its byte span and n.
type placeholder struct {
	start, end, n int
}

// placeholders finds $1, $2... skipping string literals, quoted
// identifiers and comments, where a dollar is just a character.
func placeholders(sql string) []placeholder {
	var out []placeholder
	for i := 0; i < len(sql); {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(sql, i, c)
		case strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(sql)
			}
		case strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(sql)
			}
		case c == '$':
			j := i + 1
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				j++
			}
			if n, err := strconv.Atoi(sql[i+1 : j]); err == nil && n > 0 {
				out = append(out, placeholder{start: i, end: j, n: n})
			}
			i = max(j, i+1)
		default:
			i++
		}
	}
	return out
}

// skipQuoted returns the index after the quoted token starting at i;
// a doubled quote stays inside.
func skipQuoted(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] != q {
			continue
		}
		if j+1 < len(sql) && sql[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return len(sql)
}

// paramCount is the highest $n in sql.
func paramCount(sql string) int {
	n := 0
	for _, p := range placeholders(sql) {
		n = max(n, p.n)
	}
	return n
}

// substitute replaces each $n with literals[n-1].
func substitute(sql string, literals []string) (string, error) {
	var b strings.Builder
	last := 0
	for _, p := range placeholders(sql) {
		if p.n > len(literals) {
			return "", newPGError(codeProtocolViolation, fmt.Sprintf("there is no parameter $%d", p.n))
		}
		b.WriteString(sql[last:p.start])
		b.WriteString(literals[p.n-1])
		last = p.end
	}
	b.WriteString(sql[last:])
	return b.String(), nil
}

// numericLiteral is what a numeric parameter may look like before it is
// pasted into SQL unquoted.
var numericLiteral = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// literal renders one bound parameter as SQL. Values of declared numeric
// or boolean types are validated and go in bare; everything else becomes
// a quoted string literal, so no parameter can change the statement.
func literal(oid uint32, format int16, raw []byte) (string, error) {
	if raw == nil {
		return "NULL", nil
	}
	text, err := paramText(oid, format, raw)
	if err != nil {
		return "", err
	}
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		if !numericLiteral.MatchString(text) {
			return "", newPGError(codeInvalidParameterValue, fmt.Sprintf("invalid input syntax for a number: %q", text))
		}
		// Parenthesised so "x-$1" with -5 cannot become a comment.
		return "(" + text + ")", nil
	case pgtype.BoolOID:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return "", newPGError(codeInvalidParameterValue, fmt.Sprintf("invalid input syntax for type boolean: %q", text))
		}
		return strings.ToUpper(strconv.FormatBool(b)), nil
	}
	return quoteString(text), nil
}

// paramText decodes a parameter to text; binary is accepted for the
// fixed-size numeric types, booleans and strings.
func paramText(oid uint32, format int16, raw []byte) (string, error) {
	if format == 0 {
		return string(raw), nil
	}
	switch {
	case oid == pgtype.BoolOID && len(raw) == 1:
		return strconv.FormatBool(raw[0] != 0), nil
	case oid == pgtype.Int2OID && len(raw) == 2:
		return strconv.Itoa(int(int16(binary.BigEndian.Uint16(raw)))), nil
	case oid == pgtype.Int4OID && len(raw) == 4:
		return strconv.Itoa(int(int32(binary.BigEndian.Uint32(raw)))), nil
	case oid == pgtype.Int8OID && len(raw) == 8:
		return strconv.FormatInt(int64(binary.BigEndian.Uint64(raw)), 10), nil
	case oid == pgtype.Float4OID && len(raw) == 4:
		return strconv.FormatFloat(float64(math.Float32frombits(binary.BigEndian.Uint32(raw))), 'g', -1, 32), nil
	case oid == pgtype.Float8OID && len(raw) == 8:
		return strconv.FormatFloat(math.Float64frombits(binary.BigEndian.Uint64(raw)), 'g', -1, 64), nil
	case oid == pgtype.TextOID || oid == pgtype.VarcharOID || oid == pgtype.BPCharOID || oid == 0:
		return string(raw), nil
	}
	return "", newPGError(codeFeatureNotSupported, fmt.Sprintf("binary parameters of type oid %d are not supported", oid))
}

// quoteString makes a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// sampleLiteral stands for a parameter of the given type while a
// statement is described before binding. Not NULL: the engine types
// some expressions over a NULL constant as integer ('a' || NULL).
func sampleLiteral(oid uint32) string {
	switch oid {
	case pgtype.BoolOID:
		return "FALSE"
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		return "(0)"
	}
	return "''"
}
