package delivery

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// glueType is a parsed Hive/Glue column type.
type glueType struct {
	kind       string // string, int, bigint, smallint, tinyint, double, float, boolean, timestamp, date, decimal, binary, array, map, struct
	precision  int
	scale      int
	elem       *glueType  // array element, map value
	key        *glueType  // map key
	fields     []glueType // struct fields
	fieldNames []string
}

// parseGlueType parses e.g. "array<struct<a:int,b:string>>".
func parseGlueType(s string) (*glueType, error) {
	p := &typeParser{s: strings.ToLower(strings.TrimSpace(s))}
	t, err := p.parse()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q after type in %q", p.s[p.i:], s)
	}
	return t, nil
}

type typeParser struct {
	s string
	i int
}

func (p *typeParser) ident() string {
	p.skip()
	j := p.i
	for p.i < len(p.s) && (isIdent(p.s[p.i])) {
		p.i++
	}
	return p.s[j:p.i]
}

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
}

func (p *typeParser) skip() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *typeParser) expect(c byte) error {
	p.skip()
	if p.i >= len(p.s) || p.s[p.i] != c {
		return fmt.Errorf("expected %q at offset %d of %q", c, p.i, p.s)
	}
	p.i++
	return nil
}

func (p *typeParser) peek(c byte) bool {
	p.skip()
	return p.i < len(p.s) && p.s[p.i] == c
}

func (p *typeParser) args() ([]int, error) {
	if !p.peek('(') {
		return nil, nil
	}
	p.i++
	end := strings.IndexByte(p.s[p.i:], ')')
	if end < 0 {
		return nil, fmt.Errorf("unterminated parameters in %q", p.s)
	}
	var out []int
	for _, a := range strings.Split(p.s[p.i:p.i+end], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("bad type parameter %q in %q", a, p.s)
		}
		out = append(out, n)
	}
	p.i += end + 1
	return out, nil
}

func (p *typeParser) parse() (*glueType, error) {
	name := p.ident()
	switch name {
	case "string", "int", "integer", "bigint", "smallint", "tinyint", "double", "float", "boolean", "timestamp", "date", "binary":
		if name == "integer" {
			name = "int"
		}
		return &glueType{kind: name}, nil
	case "varchar", "char":
		if _, err := p.args(); err != nil {
			return nil, err
		}
		return &glueType{kind: "string"}, nil
	case "decimal":
		a, err := p.args()
		if err != nil {
			return nil, err
		}
		t := &glueType{kind: "decimal", precision: 10}
		if len(a) > 0 {
			t.precision = a[0]
		}
		if len(a) > 1 {
			t.scale = a[1]
		}
		if t.precision < 1 || t.precision > 38 || t.scale > t.precision {
			return nil, fmt.Errorf("invalid decimal(%d,%d)", t.precision, t.scale)
		}
		return t, nil
	case "array":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		e, err := p.parse()
		if err != nil {
			return nil, err
		}
		return &glueType{kind: "array", elem: e}, p.expect('>')
	case "map":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		k, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		v, err := p.parse()
		if err != nil {
			return nil, err
		}
		return &glueType{kind: "map", key: k, elem: v}, p.expect('>')
	case "struct":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		t := &glueType{kind: "struct"}
		for {
			f := p.ident()
			if f == "" {
				return nil, fmt.Errorf("expected a field name in %q", p.s)
			}
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			ft, err := p.parse()
			if err != nil {
				return nil, err
			}
			t.fields = append(t.fields, *ft)
			t.fieldNames = append(t.fieldNames, f)
			if p.peek(',') {
				p.i++
				continue
			}
			return t, p.expect('>')
		}
	}
	return nil, fmt.Errorf("unsupported column type %q", p.s)
}

// node returns the Parquet node for the type; every value is optional, as
// Hive columns are nullable.
func (t *glueType) node(dict bool) parquet.Node { return parquet.Optional(t.base(dict)) }

func (t *glueType) base(dict bool) parquet.Node {
	var n parquet.Node
	switch t.kind {
	case "string":
		n = parquet.String()
		if dict {
			n = parquet.Encoded(n, &parquet.RLEDictionary)
		}
	case "int":
		n = parquet.Int(32)
	case "bigint":
		n = parquet.Int(64)
	case "smallint":
		n = parquet.Int(16)
	case "tinyint":
		n = parquet.Int(8)
	case "double":
		n = parquet.Leaf(parquet.DoubleType)
	case "float":
		n = parquet.Leaf(parquet.FloatType)
	case "boolean":
		n = parquet.Leaf(parquet.BooleanType)
	case "timestamp":
		n = parquet.Timestamp(parquet.Millisecond)
	case "date":
		n = parquet.Date()
	case "binary":
		n = parquet.Leaf(parquet.ByteArrayType)
	case "decimal":
		if t.precision <= 18 {
			n = parquet.Decimal(t.scale, t.precision, parquet.Int64Type)
		} else {
			n = parquet.Decimal(t.scale, t.precision, parquet.FixedLenByteArrayType(16))
		}
	case "array":
		n = parquet.List(t.elem.node(dict))
	case "map":
		n = parquet.Map(t.key.base(dict), t.elem.node(dict))
	case "struct":
		g := parquet.Group{}
		for i := range t.fields {
			g[t.fieldNames[i]] = t.fields[i].node(dict)
		}
		n = g
	}
	return n
}
