package warehouse

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestSubstitute(t *testing.T) {
	tests := []struct {
		name, sql string
		literals  []string
		want      string
		wantCount int
	}{
		{"plain", "SELECT $1, $2", []string{"'a'", "(1)"}, "SELECT 'a', (1)", 2},
		{"reused", "SELECT $1 = $1", []string{"'a'"}, "SELECT 'a' = 'a'", 1},
		{"in string", "SELECT '$1 it''s $2', $1", []string{"'a'"}, "SELECT '$1 it''s $2', 'a'", 1},
		{"in identifier", `SELECT "$1" FROM t WHERE x = $1`, []string{"'a'"}, `SELECT "$1" FROM t WHERE x = 'a'`, 1},
		{"in comments", "SELECT $1 -- $2\n/* $3 */", []string{"'a'"}, "SELECT 'a' -- $2\n/* $3 */", 1},
		{"lone dollar", "SELECT '$' || $1, $", []string{"'a'"}, "SELECT '$' || 'a', $", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := paramCount(tt.sql); n != tt.wantCount {
				t.Errorf("paramCount = %d, want %d", n, tt.wantCount)
			}
			got, err := substitute(tt.sql, tt.literals)
			if err != nil || got != tt.want {
				t.Errorf("substitute = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := substitute("SELECT $2", []string{"'a'"}); err == nil {
		t.Error("missing parameter accepted")
	}
}

func TestLiteral(t *testing.T) {
	tests := []struct {
		name     string
		oid      uint32
		format   int16
		raw      []byte
		want     string
		wantCode string
	}{
		{"null", pgtype.TextOID, 0, nil, "NULL", ""},
		{"text quoted", pgtype.TextOID, 0, []byte("it's"), "'it''s'", ""},
		{"text injection", pgtype.TextOID, 0, []byte("'; DROP TABLE t; --"), "'''; DROP TABLE t; --'", ""},
		{"int text", pgtype.Int8OID, 0, []byte("-42"), "(-42)", ""},
		{"int not a number", pgtype.Int8OID, 0, []byte("1; DROP"), "", codeInvalidParameterValue},
		{"float exponent", pgtype.Float8OID, 0, []byte("2.5e-3"), "(2.5e-3)", ""},
		{"bool", pgtype.BoolOID, 0, []byte("t"), "TRUE", ""},
		{"bool bad", pgtype.BoolOID, 0, []byte("maybe"), "", codeInvalidParameterValue},
		{"int4 binary", pgtype.Int4OID, 1, []byte{0xff, 0xff, 0xff, 0xfe}, "(-2)", ""},
		{"int8 binary", pgtype.Int8OID, 1, []byte{0, 0, 0, 0, 0, 0, 1, 0}, "(256)", ""},
		{"float8 binary", pgtype.Float8OID, 1, []byte{0x40, 0x04, 0, 0, 0, 0, 0, 0}, "(2.5)", ""},
		{"bool binary", pgtype.BoolOID, 1, []byte{1}, "TRUE", ""},
		{"text binary", pgtype.TextOID, 1, []byte("x'y"), "'x''y'", ""},
		{"date binary", pgtype.DateOID, 1, []byte{0, 0, 0, 1}, "", codeFeatureNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := literal(tt.oid, tt.format, tt.raw)
			var pe *pgError
			if tt.wantCode != "" {
				if !errors.As(err, &pe) || pe.code != tt.wantCode {
					t.Fatalf("err = %v, want SQLSTATE %s", err, tt.wantCode)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("literal = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
