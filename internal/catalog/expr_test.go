package catalog

import (
	"errors"
	"testing"
)

func strp(s string) *string { return &s }

func TestPartitionFilter(t *testing.T) {
	keys := []Column{
		{Name: "partition_0", Type: strp("string")},
		{Name: "partition_1", Type: strp("string")},
		{Name: "year", Type: strp("int")},
		{Name: "price", Type: strp("decimal(10,2)")},
	}
	type row = []string
	a := row{"2026", "06", "2026", "9.50"}
	b := row{"2026", "05", "999", "10"}
	c := row{"2025", "12", "10000", "100.25"}
	d := row{"it's", "x", "__HIVE_DEFAULT_PARTITION__", "1"}
	rows := []row{a, b, c, d}
	tests := []struct {
		expr string
		want []bool // per row a, b, c, d
	}{
		{"partition_0 = '2026' AND partition_1 >= '06'", []bool{true, false, false, false}},
		{"partition_0 = '2026' and partition_1 < '06'", []bool{false, true, false, false}},
		{"partition_0 <> '2026'", []bool{false, false, true, true}},
		{"partition_0 != '2026'", []bool{false, false, true, true}},
		{"partition_1 IN ('05', '12')", []bool{false, true, true, false}},
		{"partition_1 NOT IN ('05', '12')", []bool{true, false, false, true}},
		{"partition_1 BETWEEN '05' AND '06'", []bool{true, true, false, false}},
		{"partition_1 NOT BETWEEN '05' AND '06'", []bool{false, false, true, true}},
		{"partition_0 LIKE '202%'", []bool{true, true, true, false}},
		{"partition_0 LIKE '202_' AND NOT partition_1 LIKE '0%'", []bool{false, false, true, false}},
		{"partition_0 NOT LIKE '2025'", []bool{true, true, false, true}},
		{"(partition_0 = '2025' OR partition_1 = '05') AND year > 100", []bool{false, true, true, false}},
		{"partition_0 = '2025' OR partition_1 = '05' AND year > 1000", []bool{false, false, true, false}},
		// Numeric keys compare as numbers: 999 < 2026 < 10000 (as strings "999" > "2026").
		{"year < 2026", []bool{false, true, false, false}},
		{"year >= 2026", []bool{true, false, true, false}},
		{"year BETWEEN 1000 AND 5000", []bool{true, false, false, false}},
		{"year IN (999, 10000)", []bool{false, true, true, false}},
		{"year = '2026'", []bool{true, false, false, false}},
		{"price > 9.5", []bool{false, true, true, false}},
		{"price = 10.00", []bool{false, true, false, false}},
		// String keys compare as strings, even against a number literal.
		{"partition_0 > 2025", []bool{true, true, false, true}},
		{"partition_0 = 'it''s'", []bool{false, false, false, true}},
		{"`partition_1` = 'x'", []bool{false, false, false, true}},
		{"PARTITION_1 = 'x'", []bool{false, false, false, true}},
		{"'06' = partition_1", []bool{true, false, false, false}},
		{"NOT (year < 2026)", []bool{true, false, true, true}},
	}
	for _, tt := range tests {
		f, err := ParsePartitionFilter(tt.expr, keys)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		for i, r := range rows {
			if got := f.Match(r); got != tt.want[i] {
				t.Errorf("%s on %v = %v, want %v", tt.expr, r, got, tt.want[i])
			}
		}
	}
}

func TestPartitionFilterErrors(t *testing.T) {
	keys := []Column{{Name: "p", Type: strp("string")}, {Name: "n", Type: strp("bigint")}}
	for _, expr := range []string{
		"p =",
		"p = 'unterminated",
		"nope = '1'",
		"p == '1'",
		"p = '1' AND",
		"(p = '1'",
		"p = '1')",
		"p IN ('1'",
		"p IN '1'",
		"p BETWEEN '1' '2'",
		"p LIKE 1",
		"n = 'abc'",
		"n IN (1, 'x')",
		"p ~ '1'",
		"p",
		"AND p = '1'",
		"p = '1' p = '2'",
	} {
		_, err := ParsePartitionFilter(expr, keys)
		if err == nil {
			t.Errorf("%q: no error", expr)
			continue
		}
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%q: %v is not ErrInvalidInput", expr, err)
		}
	}
}

func TestNamePattern(t *testing.T) {
	tests := []struct {
		pattern string
		name    string
		want    bool
	}{
		{"sales*", "sales_2026", true},
		{"sales*", "old_sales", false},
		{"*sales*", "old_sales_x", true},
		{"sales.*", "sales_x", true},
		{"sales", "sales", true},
		{"sales", "sales2", false},
		{"SALES*", "sales", true},
		{"a|b", "b", true},
		{"orders_20[0-9]{2}", "orders_2026", true},
		{"*", "anything", true},
	}
	for _, tt := range tests {
		re, err := compileNamePattern(tt.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.name); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
	if _, err := compileNamePattern("sales("); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad pattern: %v", err)
	}
}
