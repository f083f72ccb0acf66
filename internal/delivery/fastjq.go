package delivery

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	"github.com/itchyny/timefmt-go"
)

// fastQuery evaluates the MetadataExtractionQuery shape partitioning uses
// in practice, an object literal of `.field` and `.field | strftime("...")`
// terms, directly on a flatDoc. Anything it is unsure of (a missing or null
// field, a non-integer timestamp, a type gojq would reject) makes it decline,
// and the record goes to gojq: the fast path only ever produces results gojq
// produces, and never an error of its own.
type fastQuery struct {
	terms []fastTerm // sorted by key, the order partitionID writes them in
}

type fastTerm struct {
	key    string
	field  string
	format string // strftime format; "" for a plain field
	hourly bool   // the format only shows fields fixed within an hour
}

// compileFastQuery returns nil when q is not of the supported shape.
func compileFastQuery(q *gojq.Query) *fastQuery {
	if q.Term == nil || q.Term.Object == nil || q.Left != nil || q.Right != nil || len(q.FuncDefs) > 0 || len(q.Term.SuffixList) > 0 {
		return nil
	}
	fq := &fastQuery{}
	for _, kv := range q.Term.Object.KeyVals {
		key := kv.Key
		if kv.KeyString != nil && kv.KeyString.Queries == nil {
			key = kv.KeyString.Str
		}
		if key == "" || strings.HasPrefix(key, "$") || kv.KeyQuery != nil || kv.Val == nil {
			return nil
		}
		t, ok := compileFastTerm(kv.Val)
		if !ok {
			return nil
		}
		t.key = key
		fq.terms = append(fq.terms, t)
	}
	slices.SortFunc(fq.terms, func(a, b fastTerm) int { return strings.Compare(a.key, b.key) })
	for i := 1; i < len(fq.terms); i++ {
		if fq.terms[i].key == fq.terms[i-1].key {
			return nil // the later one wins in gojq; not worth mirroring
		}
	}
	if len(fq.terms) == 0 {
		return nil
	}
	return fq
}

func compileFastTerm(v *gojq.Query) (fastTerm, bool) {
	if name, ok := fieldIndex(v); ok {
		return fastTerm{field: name}, true
	}
	if v.Op != gojq.OpPipe || v.Left == nil || v.Right == nil {
		return fastTerm{}, false
	}
	name, ok := fieldIndex(v.Left)
	r := v.Right
	if !ok || r.Left != nil || r.Term == nil || r.Term.Type != gojq.TermTypeFunc || len(r.Term.SuffixList) > 0 {
		return fastTerm{}, false
	}
	fn := r.Term.Func
	if fn.Name != "strftime" || len(fn.Args) != 1 {
		return fastTerm{}, false
	}
	a := fn.Args[0]
	if a.Left != nil || a.Term == nil || a.Term.Type != gojq.TermTypeString || a.Term.Str == nil || a.Term.Str.Queries != nil || len(a.Term.SuffixList) > 0 {
		return fastTerm{}, false
	}
	return fastTerm{field: name, format: a.Term.Str.Str, hourly: hourlyFormat(a.Term.Str.Str)}, true
}

// fieldIndex matches `.name`.
func fieldIndex(q *gojq.Query) (string, bool) {
	if q.Left != nil || q.Right != nil || q.Term == nil || q.Term.Type != gojq.TermTypeIndex || len(q.Term.SuffixList) > 0 {
		return "", false
	}
	ix := q.Term.Index
	if ix == nil || ix.Name == "" || ix.Str != nil || ix.Start != nil || ix.End != nil || ix.IsSlice {
		return "", false
	}
	return ix.Name, true
}

// hourlyFormat reports whether a strftime format only uses conversions
// that are constant within a UTC hour, so results can be cached per hour.
func hourlyFormat(f string) bool {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		if i >= len(f) || !strings.ContainsRune("YmdHyCjeFDk%", rune(f[i])) {
			return false
		}
	}
	return true
}

// maxFastEpoch keeps timestamps to years 1970–9999, where gojq's epoch
// conversion cannot fail or overflow.
const maxFastEpoch = 253402300799

// fastKeys is one goroutine's state for evaluating a fastQuery: a cache of
// hourly strftime results and interned partitions.
type fastKeys struct {
	hours []hourCache // per term

	ends   []int // per term: end of its value in pidBuf
	pidBuf []byte
	parts  map[string]*partition
}

// partition is an interned partition id with its keys (shared, read-only).
type partition struct {
	id   string
	keys map[string]string
}

const maxInterned = 4096

// eval returns the record's partition, or ok = false to defer to gojq.
func (fq *fastQuery) eval(d *flatDoc, st *fastKeys) (*partition, bool) {
	if len(st.hours) != len(fq.terms) {
		st.hours = make([]hourCache, len(fq.terms))
		st.ends = make([]int, len(fq.terms))
	}
	// Build the id partitionID would build; intern it so that repeated
	// partitions cost no allocation.
	b := st.pidBuf[:0]
	for i := range fq.terms {
		t := &fq.terms[i]
		f := d.field(t.field)
		if f == nil {
			return nil, false // null: gojq's error message decides
		}
		b = append(b, t.key...)
		b = append(b, '=')
		var ok bool
		if b, ok = t.appendValue(b, f, st, i); !ok {
			return nil, false
		}
		st.ends[i] = len(b)
		b = append(b, 0)
	}
	st.pidBuf = b
	if p, ok := st.parts[string(b)]; ok {
		return p, true
	}
	if st.parts == nil || len(st.parts) >= maxInterned {
		st.parts = map[string]*partition{}
	}
	p := &partition{id: string(b), keys: make(map[string]string, len(fq.terms))}
	start := 0
	for i := range fq.terms {
		k := fq.terms[i].key
		p.keys[k] = p.id[start+len(k)+1 : st.ends[i]]
		start = st.ends[i] + 1
	}
	st.parts[p.id] = p
	return p, true
}

// appendValue renders one term as partitionKeys renders gojq's value.
func (t *fastTerm) appendValue(b []byte, f *flatField, st *fastKeys, i int) ([]byte, bool) {
	if t.format == "" {
		switch f.kind {
		case kString:
			return append(b, f.str...), true
		case kInt:
			return strconv.AppendInt(b, int64(f.num), 10), true
		case kFloat:
			return strconv.AppendFloat(b, f.f, 'f', -1, 64), true
		case kBool:
			return strconv.AppendBool(b, f.num == 1), true
		}
		return b, false
	}
	if f.kind != kInt || f.num < 0 || f.num > maxFastEpoch {
		return b, false
	}
	if !t.hourly {
		return timefmt.AppendFormat(b, time.Unix(int64(f.num), 0).UTC(), t.format), true
	}
	hour := int64(f.num) / 3600
	e := &st.hours[i][hour%hourSlots]
	if e.hour != hour+1 {
		*e = hourEntry{hour + 1, timefmt.Format(time.Unix(hour*3600, 0).UTC(), t.format)}
	}
	return append(b, e.s...), true
}

// hourCache holds strftime results by hour, direct-mapped: records of a
// batch usually span a few hours, often interleaved.
const hourSlots = 64

type hourCache [hourSlots]hourEntry

type hourEntry struct {
	hour int64 // hour + 1, so the zero entry is empty
	s    string
}
