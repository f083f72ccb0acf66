package crawler

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// csvDelimiters are the delimiters the built-in CSV classifier tries, in
// order of preference when several parse equally well.
var csvDelimiters = []rune{',', '\t', '|', ';'}

// csvFormat is what the CSV classifier learned about a file.
type csvFormat struct {
	Delimiter rune
	Header    bool
	Quoted    bool // some field was enclosed in quotes: use OpenCSVSerde
}

// inferCSV detects the delimiter and header of a delimited text sample and
// infers column types. Like Glue's built-in classifier it needs at least two
// columns and two rows, every row with the same number of columns.
func inferCSV(sample []byte) (fields []Field, format csvFormat, records int, ok bool) {
	sample = completeLines(sample)
	var best [][]string
	for _, d := range csvDelimiters {
		rows, err := parseDelimited(sample, d)
		if err != nil || !rectangular(rows) {
			continue
		}
		if best == nil || len(rows[0]) > len(best[0]) {
			best, format.Delimiter = rows, d
		}
	}
	if best == nil {
		return nil, csvFormat{}, 0, false
	}
	format.Quoted = bytes.ContainsRune(sample, '"')
	format.Header = hasHeader(best)
	data := best
	if format.Header {
		data = best[1:]
	}
	return csvFields(best[0], data, format.Header), format, len(data), true
}

// completeLines drops a trailing partial line left by sampling.
func completeLines(sample []byte) []byte {
	if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
		return sample[:i+1]
	}
	return sample
}

func parseDelimited(sample []byte, delim rune) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(sample))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse delimited: %w", err)
	}
	return rows, nil
}

func rectangular(rows [][]string) bool {
	if len(rows) < 2 || len(rows[0]) < 2 {
		return false
	}
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			return false
		}
	}
	return true
}

// hasHeader applies Glue's rule: the first row is a header when all of its
// values are strings and at least one column's data is not string, so the
// first row is "sufficiently different" from the rest.
func hasHeader(rows [][]string) bool {
	for _, v := range rows[0] {
		if k := csvValueKind(v); k != typeString {
			return false
		}
	}
	for col := range rows[0] {
		if columnType(rows[1:], col).Kind != typeString {
			return true
		}
	}
	return false
}

// csvFields names columns from the header or col0..colN and types them.
func csvFields(first []string, data [][]string, header bool) []Field {
	fields := make([]Field, len(first))
	for i := range first {
		name := "col" + strconv.Itoa(i)
		if header {
			name = sanitizeColumn(first[i], i)
		}
		fields[i] = Field{Name: name, Type: columnType(data, i)}
	}
	return fields
}

func columnType(rows [][]string, col int) Type {
	var t Type
	for _, row := range rows {
		t = merge(t, Type{Kind: csvValueKind(row[col])})
	}
	return t
}

// csvValueKind types one field: the CSV classifier reports whole numbers as
// bigint, decimals as double, true/false as boolean, empty as unknown.
func csvValueKind(v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return typeUnknown
	case strings.EqualFold(v, "true") || strings.EqualFold(v, "false"):
		return typeBoolean
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return typeBigint
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "xXnN") {
		return typeDouble // ContainsAny rejects hex floats, NaN and Inf
	}
	return typeString
}

// sanitizeColumn lower-cases a header name and falls back to colN when it is
// empty, as Glue does.
func sanitizeColumn(name string, i int) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return "col" + strconv.Itoa(i)
	}
	return name
}
