package query

import (
	"fmt"
	"strconv"
	"strings"
)

// hiveType is a parsed Glue/Hive column type.
type hiveType struct {
	name   string // lower case: string, int, array, map, struct, decimal...
	params []int  // decimal(p,s), varchar(n)
	elems  []hiveType
	fields []string // struct field names, parallel to elems
}

// parseHiveType parses Glue type strings such as
// "array<struct<a:int,b:map<string,double>>>" or "decimal(10,2)".
func parseHiveType(s string) (hiveType, error) {
	p := &typeParser{src: strings.TrimSpace(s)}
	t, err := p.parse()
	if err != nil {
		return hiveType{}, err
	}
	p.skipSpace()
	if p.i != len(p.src) {
		return hiveType{}, fmt.Errorf("type %q: unexpected %q", s, p.src[p.i:])
	}
	return t, nil
}

type typeParser struct {
	src string
	i   int
}

func (p *typeParser) skipSpace() {
	for p.i < len(p.src) && p.src[p.i] == ' ' {
		p.i++
	}
}

func (p *typeParser) word() string {
	p.skipSpace()
	start := p.i
	for p.i < len(p.src) && (isIdentPart(p.src[p.i])) {
		p.i++
	}
	return p.src[start:p.i]
}

func (p *typeParser) expect(c byte) error {
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != c {
		return fmt.Errorf("type %q: expected %q at offset %d", p.src, c, p.i)
	}
	p.i++
	return nil
}

func (p *typeParser) peek(c byte) bool {
	p.skipSpace()
	return p.i < len(p.src) && p.src[p.i] == c
}

func (p *typeParser) parse() (hiveType, error) {
	w := strings.ToLower(p.word())
	if w == "" {
		return hiveType{}, fmt.Errorf("type %q: expected a type name at offset %d", p.src, p.i)
	}
	t := hiveType{name: w}
	switch w {
	case "array", "map", "struct":
		if err := p.expect('<'); err != nil {
			return t, err
		}
		for {
			if w == "struct" {
				f := p.word()
				if f == "" {
					return t, fmt.Errorf("type %q: expected a field name at offset %d", p.src, p.i)
				}
				if err := p.expect(':'); err != nil {
					return t, err
				}
				t.fields = append(t.fields, f)
			}
			e, err := p.parse()
			if err != nil {
				return t, err
			}
			t.elems = append(t.elems, e)
			if !p.peek(',') {
				break
			}
			p.i++
		}
		if err := p.expect('>'); err != nil {
			return t, err
		}
		if (w == "array" && len(t.elems) != 1) || (w == "map" && len(t.elems) != 2) {
			return t, fmt.Errorf("type %q: wrong number of element types", p.src)
		}
	default:
		if p.peek('(') {
			p.i++
			for {
				n, err := strconv.Atoi(p.word())
				if err != nil {
					return t, fmt.Errorf("type %q: bad parameter: %w", p.src, err)
				}
				t.params = append(t.params, n)
				if !p.peek(',') {
					break
				}
				p.i++
			}
			if err := p.expect(')'); err != nil {
				return t, err
			}
		}
	}
	return t, nil
}

// duckType renders the DuckDB type for a Hive type.
func (t hiveType) duckType() (string, error) {
	switch t.name {
	case "string", "varchar", "char":
		return "VARCHAR", nil
	case "int", "integer":
		return "INTEGER", nil
	case "bigint":
		return "BIGINT", nil
	case "smallint":
		return "SMALLINT", nil
	case "tinyint":
		return "TINYINT", nil
	case "double":
		return "DOUBLE", nil
	case "float", "real":
		return "FLOAT", nil
	case "boolean":
		return "BOOLEAN", nil
	case "timestamp":
		return "TIMESTAMP", nil
	case "date":
		return "DATE", nil
	case "binary":
		return "BLOB", nil
	case "decimal":
		switch len(t.params) {
		case 0:
			return "DECIMAL(10,0)", nil
		case 1:
			return fmt.Sprintf("DECIMAL(%d,0)", t.params[0]), nil
		default:
			return fmt.Sprintf("DECIMAL(%d,%d)", t.params[0], t.params[1]), nil
		}
	case "array":
		e, err := t.elems[0].duckType()
		return e + "[]", err
	case "map":
		k, err := t.elems[0].duckType()
		if err != nil {
			return "", err
		}
		v, err := t.elems[1].duckType()
		return "MAP(" + k + ", " + v + ")", err
	case "struct":
		parts := make([]string, len(t.elems))
		for i, e := range t.elems {
			d, err := e.duckType()
			if err != nil {
				return "", err
			}
			parts[i] = quoteIdent(t.fields[i]) + " " + d
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")", nil
	}
	return "", fmt.Errorf("column type %q is not supported", t.name)
}

// duckTypeOf parses a Glue type string and renders its DuckDB type.
func duckTypeOf(glueType string) (string, error) {
	t, err := parseHiveType(glueType)
	if err != nil {
		return "", err
	}
	return t.duckType()
}
