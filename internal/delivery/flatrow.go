package delivery

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Schemas whose columns are all primitive (the common case, and the
// workshop's) are converted into flat rows instead of map[string]any: one
// uint64 cell per column plus a presence mask, strings in a byte arena. The
// buffers hold no pointers, so buffered rows cost the GC nothing, and they
// become parquet.Values only while an object is written.

// cellKind is how a column's values are stored and written.
type cellKind uint8

const (
	cellBytes  cellKind = iota // string, binary: offset<<32 | length into the arena
	cellFixed                  // decimal(p > 18): 16 bytes in the arena
	cellInt32                  // int, smallint, tinyint, date
	cellInt64                  // bigint, timestamp (ms), decimal(p <= 18)
	cellFloat                  // float: Float32bits
	cellDouble                 // double: Float64bits
	cellBool                   // boolean: 0 or 1
)

const maxFlatColumns = 63 // the presence mask is one uint64

// flatKind returns the cell kind of a primitive type.
func flatKind(t *glueType) (cellKind, bool) {
	switch t.kind {
	case "string", "binary":
		return cellBytes, true
	case "int", "smallint", "tinyint", "date":
		return cellInt32, true
	case "bigint", "timestamp":
		return cellInt64, true
	case "double":
		return cellDouble, true
	case "float":
		return cellFloat, true
	case "boolean":
		return cellBool, true
	case "decimal":
		if t.precision <= 18 {
			return cellInt64, true
		}
		return cellFixed, true
	}
	return 0, false
}

// flatLayout is a converter's flat-row plan; nil when a column is nested.
type flatLayout struct {
	kinds []cellKind
	order []int // column indexes in Parquet leaf order (parquet.Group sorts by name)
}

func newFlatLayout(cols []column) *flatLayout {
	if len(cols) > maxFlatColumns {
		return nil
	}
	l := &flatLayout{}
	for _, c := range cols {
		k, ok := flatKind(c.typ)
		if !ok {
			return nil
		}
		l.kinds = append(l.kinds, k)
		l.order = append(l.order, len(l.order))
	}
	slices.SortStableFunc(l.order, func(a, b int) int { return strings.Compare(cols[a].name, cols[b].name) })
	for i := 1; i < len(l.order); i++ {
		if cols[l.order[i]].name == cols[l.order[i-1]].name {
			return nil // duplicate names collapse into one map field
		}
	}
	return l
}

// rowBuf holds flat rows in chunks, so a growing buffer never copies
// what it holds: per row, a presence mask then one cell per column.
type rowBuf struct {
	chunks []rowChunk
}

// rowChunk holds whole rows: their byte cells point into its own strs.
type rowChunk struct {
	width int // cells per row
	cells []uint64
	strs  []byte
}

const (
	chunkRows  = 4096
	chunkBytes = 256 << 10
)

func (b *rowBuf) len() int {
	n := 0
	for _, c := range b.chunks {
		n += len(c.cells) / c.width
	}
	return n
}

// appendRow appends a row whose byte cells point into strs.
func (b *rowBuf) appendRow(kinds []cellKind, row []uint64, strs []byte) {
	need := 0
	mask := row[0]
	for i, k := range kinds {
		if mask&(1<<i) != 0 && (k == cellBytes || k == cellFixed) {
			need += int(row[1+i] & math.MaxUint32)
		}
	}
	var c *rowChunk
	if n := len(b.chunks); n > 0 {
		c = &b.chunks[n-1]
	}
	if c == nil || cap(c.cells)-len(c.cells) < len(row) || cap(c.strs)-len(c.strs) < need {
		// Chunks start small (many partitions hold few rows) and double.
		rows, strs := 16, 2<<10
		if c != nil {
			rows, strs = min(2*cap(c.cells)/c.width, chunkRows), min(2*cap(c.strs), chunkBytes)
		}
		b.chunks = append(b.chunks, rowChunk{width: len(row), cells: make([]uint64, 0, rows*len(row)), strs: make([]byte, 0, max(strs, need))})
		c = &b.chunks[len(b.chunks)-1]
	}
	start := len(c.cells)
	c.cells = append(c.cells, row...)
	for i, k := range kinds {
		if mask&(1<<i) == 0 || (k != cellBytes && k != cellFixed) {
			continue
		}
		off, n := row[1+i]>>32, row[1+i]&math.MaxUint32
		c.cells[start+1+i] = uint64(len(c.strs))<<32 | n
		c.strs = append(c.strs, strs[off:off+n]...)
	}
}

// rowBuilder fills one flat row into a goroutine's scratch slabs.
type rowBuilder struct {
	cells []uint64
	strs  []byte
}

func (rb *rowBuilder) reset() { rb.cells, rb.strs = rb.cells[:0], rb.strs[:0] }

func (rb *rowBuilder) bytesCell(s []byte) uint64 {
	off := len(rb.strs)
	rb.strs = append(rb.strs, s...)
	return uint64(off)<<32 | uint64(len(s))
}

// flatRow converts a flatDoc; ok is false when the general path must decide
// (a value it would reject, or one it coerces in a way not mirrored here).
func (c *converter) flatRow(d *flatDoc, rb *rowBuilder) ([]uint64, bool) {
	start := len(rb.cells)
	rb.cells = append(rb.cells, 0)
	var mask uint64
	for i := range c.cols {
		f := c.lookup(d, c.cols[i].key)
		if f == nil || f.kind == kNull {
			rb.cells = append(rb.cells, 0)
			continue
		}
		cell, ok := c.flatCell(i, f, rb)
		if !ok {
			rb.cells = rb.cells[:start]
			return nil, false
		}
		mask |= 1 << i
		rb.cells = append(rb.cells, cell)
	}
	rb.cells[start] = mask
	return rb.cells[start:len(rb.cells):len(rb.cells)], true
}

// lookup finds a column's member as converter.row does after normalizing
// keys (lower-case when case-insensitive, dots to underscores if asked).
// flatDoc keys are ASCII and unique after normalization, so at most one
// member matches.
func (c *converter) lookup(d *flatDoc, key string) *flatField {
	for k := range d.fields {
		f := &d.fields[k]
		if len(f.key) == len(key) && c.keyMatches(f.key, key) {
			return f
		}
	}
	return nil
}

func (c *converter) keyMatches(raw []byte, key string) bool {
	for i, ch := range raw {
		if ch == '.' && c.opts.dotsToUnder {
			ch = '_'
		} else if ch >= 'A' && ch <= 'Z' && c.opts.caseInsensitive {
			ch += 'a' - 'A'
		}
		if ch != key[i] {
			return false
		}
	}
	return true
}

// flatCell mirrors converter.unboxed for the common scalar cases and hands
// the rest to it.
func (c *converter) flatCell(i int, f *flatField, rb *rowBuilder) (uint64, bool) {
	t := c.cols[i].typ
	switch t.kind {
	case "string":
		switch f.kind {
		case kString:
			return rb.bytesCell(f.str), true
		case kInt:
			return rb.bytesCell(strconv.AppendInt(rb.strs[len(rb.strs):], int64(f.num), 10)), true
		}
	case "int", "bigint", "smallint", "tinyint":
		if f.kind != kInt {
			break
		}
		n := int64(f.num)
		switch t.kind {
		case "bigint":
			return uint64(n), true
		case "int":
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return uint64(uint32(int32(n))), true
			}
		}
	case "double":
		switch f.kind {
		case kInt:
			return math.Float64bits(float64(f.num)), true
		case kFloat:
			return math.Float64bits(f.f), true
		}
	case "boolean":
		if f.kind == kBool {
			return uint64(f.num), true
		}
	}
	// Everything else goes through the general coercion, boxed.
	v, err := c.unboxed(t, f.toAny())
	if err != nil || v == nil {
		return 0, false
	}
	return goCell(c.flat.kinds[i], t, v, rb)
}

// goCell stores a value as converter.unboxed returns it.
func goCell(k cellKind, t *glueType, v any, rb *rowBuilder) (uint64, bool) {
	switch x := v.(type) {
	case string:
		return rb.bytesCell([]byte(x)), k == cellBytes
	case []byte:
		return rb.bytesCell(x), k == cellBytes || (k == cellFixed && len(x) == 16)
	case int32:
		return uint64(uint32(x)), k == cellInt32
	case int64:
		return uint64(x), k == cellInt64
	case float32:
		return uint64(math.Float32bits(x)), k == cellFloat
	case float64:
		return math.Float64bits(x), k == cellDouble
	case bool:
		if x {
			return 1, k == cellBool
		}
		return 0, k == cellBool
	case time.Time:
		// As parquet-go writes time.Time into TIMESTAMP(MILLIS) and DATE.
		switch t.kind {
		case "timestamp":
			return uint64(x.UnixMilli()), true
		case "date":
			return uint64(uint32(int32(int(x.Sub(unixEpoch).Hours()) / 24))), true
		}
	}
	return 0, false
}

var unixEpoch = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)

// rowFromMap stores a row converter.row made (the general path) as cells.
func (c *converter) rowFromMap(m map[string]any, rb *rowBuilder) ([]uint64, error) {
	start := len(rb.cells)
	rb.cells = append(rb.cells, 0)
	var mask uint64
	for i, col := range c.cols {
		v, ok := m[col.name]
		if !ok {
			rb.cells = append(rb.cells, 0)
			continue
		}
		cell, ok := goCell(c.flat.kinds[i], col.typ, unbox(v), rb)
		if !ok {
			return nil, fmt.Errorf("column %s: internal error: value %T does not fit the column", col.name, v)
		}
		mask |= 1 << i
		rb.cells = append(rb.cells, cell)
	}
	rb.cells[start] = mask
	return rb.cells[start:len(rb.cells):len(rb.cells)], nil
}

// unbox undoes box.
func unbox(v any) any {
	switch x := v.(type) {
	case *string:
		return *x
	case *int32:
		return *x
	case *int64:
		return *x
	case *float32:
		return *x
	case *float64:
		return *x
	case *bool:
		return *x
	case *time.Time:
		return *x
	case *[]byte:
		return *x
	}
	return v
}

// value returns a cell as the parquet.Value parquet-go's writer receives.
func (l *flatLayout) value(i int, cell uint64, strs []byte) parquet.Value {
	switch l.kinds[i] {
	case cellBytes:
		off, n := cell>>32, cell&math.MaxUint32
		return parquet.ByteArrayValue(strs[off : off+n : off+n])
	case cellFixed:
		off := cell >> 32
		return parquet.FixedLenByteArrayValue(strs[off : off+16 : off+16])
	case cellInt32:
		return parquet.Int32Value(int32(uint32(cell)))
	case cellInt64:
		return parquet.Int64Value(int64(cell))
	case cellFloat:
		return parquet.FloatValue(math.Float32frombits(uint32(cell)))
	case cellDouble:
		return parquet.DoubleValue(math.Float64frombits(cell))
	}
	return parquet.BooleanValue(cell == 1)
}

// size estimates a cell's encoded size, for row-group sizing.
func (l *flatLayout) size(i int, cell uint64) int {
	switch l.kinds[i] {
	case cellBytes:
		return 4 + int(cell&math.MaxUint32)
	case cellFixed:
		return 16
	case cellInt32, cellFloat:
		return 4
	case cellBool:
		return 1
	}
	return 8
}
