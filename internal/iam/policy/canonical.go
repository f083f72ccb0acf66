package policy

import (
	"strings"
	"unicode"
)

// String renders the document in a canonical JSON form: fixed element
// order, every list as an array, condition values as strings. Parsing the
// result gives an equivalent document with the same String().
func (d *Document) String() string {
	var b strings.Builder
	b.WriteByte('{')
	if d.Version != "" {
		b.WriteString(`"Version":`)
		writeJSONString(&b, d.Version)
		b.WriteByte(',')
	}
	if d.ID != "" {
		b.WriteString(`"Id":`)
		writeJSONString(&b, d.ID)
		b.WriteByte(',')
	}
	b.WriteString(`"Statement":[`)
	for i := range d.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		d.Statements[i].write(&b)
	}
	b.WriteString("]}")
	return b.String()
}

func (st *Statement) write(b *strings.Builder) {
	b.WriteByte('{')
	if st.Sid != "" {
		b.WriteString(`"Sid":`)
		writeJSONString(b, st.Sid)
		b.WriteByte(',')
	}
	b.WriteString(`"Effect":`)
	writeJSONString(b, st.Effect)
	if st.Principal != nil {
		b.WriteString(notPrefix(st.NotPrincipal) + `Principal":`)
		st.Principal.write(b)
	}
	b.WriteString(notPrefix(st.NotAction) + `Action":`)
	writeList(b, st.Action)
	if st.Resource != nil {
		b.WriteString(notPrefix(st.NotResource) + `Resource":`)
		writeList(b, st.Resource)
	}
	if len(st.Condition) > 0 {
		b.WriteString(`,"Condition":`)
		writeConditions(b, st.Condition)
	}
	b.WriteByte('}')
}

// notPrefix opens an element name that may take the Not form.
func notPrefix(not bool) string {
	if not {
		return `,"Not`
	}
	return `,"`
}

func (p *Principal) write(b *strings.Builder) {
	if p.Any {
		b.WriteString(`"*"`)
		return
	}
	b.WriteByte('{')
	first := true
	for _, typ := range [...]struct {
		name string
		vals []string
	}{{"AWS", p.AWS}, {"CanonicalUser", p.CanonicalUser}, {"Federated", p.Federated}, {"Service", p.Service}} {
		if typ.vals == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(b, typ.name)
		b.WriteByte(':')
		writeList(b, typ.vals)
	}
	b.WriteByte('}')
}

// writeConditions groups the flat condition list back under its operators;
// Parse produced it grouped, in document order.
func writeConditions(b *strings.Builder, conds []Condition) {
	b.WriteByte('{')
	for i, c := range conds {
		if i == 0 || conds[i-1].Operator != c.Operator {
			if i > 0 {
				b.WriteString("},")
			}
			writeJSONString(b, c.Operator)
			b.WriteString(":{")
		} else {
			b.WriteByte(',')
		}
		writeJSONString(b, c.Key)
		b.WriteByte(':')
		writeList(b, c.Values)
	}
	b.WriteString("}}")
}

func writeList(b *strings.Builder, vals []string) {
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, v)
	}
	b.WriteByte(']')
}

// NonWhitespaceLen is a document's length as IAM counts it against the
// size quotas: every character except whitespace.
func NonWhitespaceLen(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
