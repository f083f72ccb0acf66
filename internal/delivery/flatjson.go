package delivery

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The fast path reads a record once into a flatDoc, which serves both the
// partition-key query and the Parquet row. It handles the common shape, a
// flat JSON object of scalars with plain ASCII keys, and declines (ok =
// false) on anything else: nested values, duplicate keys, odd trailing data,
// invalid JSON. A declined record takes the general path (decodeJSON, gojq,
// converter.row), so every error and corner case keeps its one behaviour.

type valKind uint8

const (
	kNull valKind = iota
	kString
	kInt   // integral and within ±2^53, as normalizeNumbers makes int
	kFloat // any other number, as normalizeNumbers makes float64
	kBool
)

// flatField is one member of a flat object.
type flatField struct {
	key  []byte // raw key: ASCII, no escapes
	kind valKind
	str  []byte // kString: unescaped value; aliases the record or the scratch
	num  int    // kInt value; kBool: 1 for true
	f    float64
}

// flatDoc is a parsed flat object; its slices are reused between records.
type flatDoc struct {
	fields []flatField
	// scratch holds unescaped strings. It only grows during one ingest call,
	// so earlier fields' str slices stay valid until their rows are buffered.
	scratch []byte
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// parse reads data as a flat object; ok is false when the general path must
// decide (which includes every malformed record).
func (d *flatDoc) parse(data []byte) (ok bool) {
	d.fields = d.fields[:0]
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		key, next, ok := plainKey(data, i)
		if !ok {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		f := flatField{key: key}
		if i, ok = d.value(data, i, &f); !ok {
			return false
		}
		d.fields = append(d.fields, f)
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			// Trailing data other than whitespace: let decodeJSON rule on it.
			return skipSpace(data, i+1) == len(data) && d.uniqueKeys()
		default:
			return false
		}
	}
}

// plainKey reads a key made of printable ASCII without escapes, so that
// byte comparison and ASCII lower-casing agree with the general path.
func plainKey(data []byte, i int) ([]byte, int, bool) {
	for j := i + 1; j < len(data); j++ {
		c := data[j]
		switch {
		case c == '"':
			return data[i+1 : j], j + 1, true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// uniqueKeys rejects objects with two keys that are equal ignoring ASCII
// case and dots/underscores: the general path resolves those through map
// iteration, so only it may handle them.
func (d *flatDoc) uniqueKeys() bool {
	for a := 1; a < len(d.fields); a++ {
		for b := 0; b < a; b++ {
			if looseEqual(d.fields[a].key, d.fields[b].key) {
				return false
			}
		}
	}
	return true
}

func looseEqual(x, y []byte) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if normKeyByte(x[i]) != normKeyByte(y[i]) {
			return false
		}
	}
	return true
}

func normKeyByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	if c == '.' {
		return '_'
	}
	return c
}

func (d *flatDoc) value(data []byte, i int, f *flatField) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch c := data[i]; {
	case c == '"':
		return d.str(data, i, f)
	case c == '-' || (c >= '0' && c <= '9'):
		return number(data, i, f)
	case hasLiteral(data, i, "true"):
		f.kind, f.num = kBool, 1
		return i + 4, true
	case hasLiteral(data, i, "false"):
		f.kind = kBool
		return i + 5, true
	case hasLiteral(data, i, "null"):
		f.kind = kNull
		return i + 4, true
	}
	return 0, false // nested values and anything invalid
}

func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// str reads a string value; strings with escapes or invalid UTF-8 are
// decoded by encoding/json itself so they come out exactly as there.
func (d *flatDoc) str(data []byte, i int, f *flatField) (int, bool) {
	simple := true
	j := i + 1
	for ; j < len(data); j++ {
		c := data[j]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return 0, false
		}
		if c == '\\' {
			simple = false
			j++
		} else if c >= 0x80 {
			simple = false
		}
	}
	if j >= len(data) {
		return 0, false
	}
	f.kind = kString
	raw := data[i+1 : j]
	if simple || utf8.Valid(raw) && !hasBackslash(raw) {
		f.str = raw
		return j + 1, true
	}
	var s string
	if err := json.Unmarshal(data[i:j+1], &s); err != nil {
		return 0, false
	}
	start := len(d.scratch)
	d.scratch = append(d.scratch, s...)
	f.str = d.scratch[start:len(d.scratch):len(d.scratch)]
	return j + 1, true
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// number validates JSON number syntax and classifies the value as
// normalizeNumbers does.
func number(data []byte, i int, f *flatField) (int, bool) {
	start := i
	if data[i] == '-' {
		i++
	}
	digits := i
	if i < len(data) && data[i] == '0' {
		i++
	} else {
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	if i == digits {
		return 0, false
	}
	intEnd := i
	if i < len(data) && data[i] == '.' {
		i++
		k := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == k {
			return 0, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		k := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == k {
			return 0, false
		}
	}
	text := data[start:i]
	if i == intEnd && intEnd-digits <= 15 {
		// Up to 15 digits is always within ±2^53: no strconv needed.
		n := 0
		for _, c := range data[digits:intEnd] {
			n = n*10 + int(c-'0')
		}
		if data[start] == '-' {
			n = -n
		}
		f.kind, f.num = kInt, n
		return i, true
	}
	s := string(text)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= -1<<53 && n <= 1<<53 {
		f.kind, f.num = kInt, int(n)
		return i, true
	}
	f.kind = kFloat
	f.f, _ = strconv.ParseFloat(s, 64)
	return i, true
}

// field returns the member whose key is exactly name.
func (d *flatDoc) field(name string) *flatField {
	for k := range d.fields {
		if string(d.fields[k].key) == name {
			return &d.fields[k]
		}
	}
	return nil
}

// toAny is the value as decodeJSON would have produced it.
func (f *flatField) toAny() any {
	switch f.kind {
	case kString:
		return string(f.str)
	case kInt:
		return f.num
	case kFloat:
		return f.f
	case kBool:
		return f.num == 1
	}
	return nil
}
