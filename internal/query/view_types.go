package query

import (
	"fmt"
	"strings"
)

// A view's definition names its column types as Trino does
// ("array(varchar)", "row(a integer)"); its catalog columns carry the Hive
// names ("array<string>", "struct<a:int>"). sqlType parses both DuckDB's
// and Trino's spellings so one can be turned into the others.

type sqlType struct {
	name   string   // lower case: varchar, integer, array, row, struct, map, decimal...
	params []string // decimal(p,s), varchar(n), timestamp(3)
	fields []string // row/struct field names, parallel to elems
	elems  []sqlType
}

type sqlTypeParser struct {
	src string
	i   int
}

func parseSQLType(s string) (sqlType, error) {
	p := &sqlTypeParser{src: s}
	t, err := p.parse()
	if err == nil && strings.TrimSpace(p.src[p.i:]) != "" {
		err = fmt.Errorf("type %q: unexpected %q", s, p.src[p.i:])
	}
	return t, err
}

func (p *sqlTypeParser) space() {
	for p.i < len(p.src) && p.src[p.i] == ' ' {
		p.i++
	}
}

func (p *sqlTypeParser) peek(c byte) bool {
	p.space()
	return p.i < len(p.src) && p.src[p.i] == c
}

// word reads an identifier, or a "quoted" one.
func (p *sqlTypeParser) word() string {
	p.space()
	if p.i < len(p.src) && p.src[p.i] == '"' {
		j, ok := scanQuoted(p.src, p.i, '"')
		if !ok {
			return ""
		}
		w := strings.ReplaceAll(p.src[p.i+1:j-1], `""`, `"`)
		p.i = j
		return w
	}
	start := p.i
	for p.i < len(p.src) && isIdentPart(p.src[p.i]) {
		p.i++
	}
	return p.src[start:p.i]
}

func (p *sqlTypeParser) parse() (sqlType, error) {
	t := sqlType{name: strings.ToLower(p.word())}
	if t.name == "" {
		return t, fmt.Errorf("type %q: expected a type name at offset %d", p.src, p.i)
	}
	if p.peek('(') {
		p.i++
		if err := p.args(&t); err != nil {
			return t, err
		}
	}
	// Multi-word names: TIMESTAMP WITH TIME ZONE, DOUBLE PRECISION.
	for _, suffix := range []string{" with time zone", " precision"} {
		if rest := p.src[p.i:]; len(rest) >= len(suffix) && strings.EqualFold(rest[:len(suffix)], suffix) {
			t.name += suffix
			p.i += len(suffix)
		}
	}
	for p.peek('[') { // DuckDB lists: INTEGER[]
		p.i++
		if !p.peek(']') {
			return t, fmt.Errorf("type %q: expected ']'", p.src)
		}
		p.i++
		t = sqlType{name: "array", elems: []sqlType{t}}
	}
	return t, nil
}

func (p *sqlTypeParser) args(t *sqlType) error {
	for {
		switch t.name {
		case "row", "struct":
			f := p.word()
			e, err := p.parse()
			if err != nil {
				return err
			}
			t.fields, t.elems = append(t.fields, f), append(t.elems, e)
		case "array", "map", "list":
			e, err := p.parse()
			if err != nil {
				return err
			}
			t.elems = append(t.elems, e)
		default:
			p.space()
			start := p.i
			for p.i < len(p.src) && p.src[p.i] != ',' && p.src[p.i] != ')' {
				p.i++
			}
			t.params = append(t.params, strings.TrimSpace(p.src[start:p.i]))
		}
		if p.peek(',') {
			p.i++
			continue
		}
		if !p.peek(')') {
			return fmt.Errorf("type %q: expected ')' at offset %d", p.src, p.i)
		}
		p.i++
		return nil
	}
}

// trinoTypeOfDuck names a DuckDB type as Trino does.
func trinoTypeOfDuck(duck string) (string, error) {
	t, err := parseSQLType(duck)
	if err != nil {
		return "", err
	}
	return t.trino()
}

func (t sqlType) trino() (string, error) {
	switch t.name {
	case "array", "list":
		e, err := t.elems[0].trino()
		return "array(" + e + ")", err
	case "map":
		k, err := t.elems[0].trino()
		if err != nil {
			return "", err
		}
		v, err := t.elems[1].trino()
		return "map(" + k + ", " + v + ")", err
	case "struct", "row":
		parts := make([]string, len(t.elems))
		for i, e := range t.elems {
			et, err := e.trino()
			if err != nil {
				return "", err
			}
			parts[i] = t.fields[i] + " " + et
		}
		return "row(" + strings.Join(parts, ", ") + ")", nil
	case "decimal", "numeric":
		return "decimal(" + strings.Join(t.params, ",") + ")", nil
	}
	names := map[string]string{
		"varchar": "varchar", "json": "json", "boolean": "boolean", "tinyint": "tinyint", "smallint": "smallint",
		"integer": "integer", "bigint": "bigint", "hugeint": "bigint", "double": "double", "float": "real", "real": "real",
		"date": "date", "timestamp": "timestamp(3)", "timestamp_ms": "timestamp(3)", "timestamp_ns": "timestamp(3)",
		"timestamp_s": "timestamp(3)", "timestamp with time zone": "timestamp(3) with time zone", "timestamptz": "timestamp(3) with time zone",
		"blob": "varbinary", "time": "time(3)", "interval": "interval day to second", "uuid": "uuid", "null": "unknown", `"null"`: "unknown",
	}
	if n, ok := names[t.name]; ok {
		return n, nil
	}
	return "", fmt.Errorf("type %s cannot be stored in a view", strings.ToUpper(t.name))
}

// hiveTypeOfTrino is the catalog (Hive) type of a Trino type.
func hiveTypeOfTrino(trino string) (string, error) {
	t, err := parseSQLType(trino)
	if err != nil {
		return "", err
	}
	return t.hive()
}

func (t sqlType) hive() (string, error) {
	switch t.name {
	case "array":
		e, err := t.elems[0].hive()
		return "array<" + e + ">", err
	case "map":
		k, err := t.elems[0].hive()
		if err != nil {
			return "", err
		}
		v, err := t.elems[1].hive()
		return "map<" + k + "," + v + ">", err
	case "row", "struct":
		parts := make([]string, len(t.elems))
		for i, e := range t.elems {
			et, err := e.hive()
			if err != nil {
				return "", err
			}
			parts[i] = t.fields[i] + ":" + et
		}
		return "struct<" + strings.Join(parts, ",") + ">", nil
	case "decimal":
		return "decimal(" + strings.Join(t.params, ",") + ")", nil
	case "varchar", "char", "json", "unknown", "uuid", "time", "interval day to second":
		return "string", nil
	case "integer", "int":
		return "int", nil
	case "real", "float":
		return "float", nil
	case "timestamp", "timestamp with time zone":
		return "timestamp", nil
	case "varbinary":
		return "binary", nil
	case "boolean", "tinyint", "smallint", "bigint", "double", "date":
		return t.name, nil
	}
	return "", fmt.Errorf("type %q has no Hive equivalent", t.name)
}
