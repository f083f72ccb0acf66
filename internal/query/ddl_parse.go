package query

import (
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// A hand-written parser for the Hive DDL Athena accepts; DuckDB does not
// parse Hive DDL, and these statements never reach it.

type ddlParser struct {
	src  string
	toks []token
	i    int
}

func (p *ddlParser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{pos: len(p.src)}
}

func (p *ddlParser) done() bool { return p.i >= len(p.toks) }

func (p *ddlParser) next() token {
	t := p.peek()
	p.i++
	return t
}

func (p *ddlParser) errf(format string, args ...any) error {
	t := p.peek()
	what := "end of input"
	if !p.done() {
		what = "'" + t.text + "'"
	}
	return userError(ErrSyntax, "line %s: mismatched input %s. %s", lineCol(p.src, t.pos), what, fmt.Sprintf(format, args...))
}

// accept consumes the keywords kws if they come next.
func (p *ddlParser) accept(kws ...string) bool {
	for k, kw := range kws {
		if p.i+k >= len(p.toks) || !p.toks[p.i+k].is(kw) {
			return false
		}
	}
	p.i += len(kws)
	return true
}

func (p *ddlParser) expect(kws ...string) error {
	if !p.accept(kws...) {
		return p.errf("Expecting: '%s'", strings.ToUpper(strings.Join(kws, " ")))
	}
	return nil
}

func (p *ddlParser) punct(s string) bool {
	if p.peek().isPunct(s) {
		p.i++
		return true
	}
	return false
}

func (p *ddlParser) expectPunct(s string) error {
	if !p.punct(s) {
		return p.errf("Expecting: '%s'", s)
	}
	return nil
}

func (p *ddlParser) name() (string, error) {
	t := p.peek()
	if !t.isName() {
		return "", p.errf("Expecting: an identifier")
	}
	p.i++
	return t.name(), nil
}

// qualified parses [db.]name, defaulting db.
func (p *ddlParser) qualified(db string) (string, string, error) {
	n, err := p.name()
	if err != nil {
		return "", "", err
	}
	if p.punct(".") {
		t, err := p.name()
		if err != nil {
			return "", "", err
		}
		if p.punct(".") { // awsdatacatalog.db.table
			t2, err := p.name()
			return t, t2, err
		}
		return n, t, nil
	}
	return db, n, nil
}

func (p *ddlParser) str() (string, error) {
	t := p.peek()
	switch {
	case t.kind == tString:
		p.i++
		return t.stringValue(), nil
	case t.kind == tQuoted && t.pos >= 0 && t.pos < len(p.src) && p.src[t.pos] == '"':
		// Hive DDL also takes "double-quoted" strings (the AWS
		// documentation's partition projection examples use them).
		p.i++
		return t.name(), nil
	}
	return "", p.errf("Expecting: a string literal")
}

// properties parses ('k'='v', ...).
func (p *ddlParser) properties() (map[string]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	props := map[string]string{}
	for !p.punct(")") {
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct("="); err != nil {
			return nil, err
		}
		v, err := p.str()
		if err != nil {
			return nil, err
		}
		props[k] = v
		if !p.punct(",") && !p.peek().isPunct(")") {
			return nil, p.errf("Expecting: ',' or ')'")
		}
	}
	return props, nil
}

// hiveType reads a column type up to a top-level ',' ')' or COMMENT.
func (p *ddlParser) hiveType() (string, error) {
	var b strings.Builder
	depth := 0
	for !p.done() {
		t := p.peek()
		if depth == 0 && (t.isPunct(",") || t.isPunct(")") || t.is("comment")) {
			break
		}
		switch {
		case t.isPunct("<") || t.isPunct("("):
			depth++
		case t.isPunct(">") || t.isPunct(")"):
			depth--
		}
		if t.kind == tQuoted {
			b.WriteString(t.name())
		} else {
			b.WriteString(strings.ToLower(t.text))
		}
		p.i++
	}
	typ := b.String()
	if _, err := parseHiveType(typ); err != nil {
		return "", userError(ErrSyntax, "line %s: %v", lineCol(p.src, p.peek().pos), err)
	}
	return typ, nil
}

// columns parses (name type [COMMENT 'c'], ...).
func (p *ddlParser) columns() ([]catalog.Column, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var cols []catalog.Column
	for {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		typ, err := p.hiveType()
		if err != nil {
			return nil, err
		}
		c := catalog.Column{Name: n, Type: &typ}
		if p.accept("comment") {
			cm, err := p.str()
			if err != nil {
				return nil, err
			}
			c.Comment = &cm
		}
		cols = append(cols, c)
		if p.punct(")") {
			return cols, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// partitionSpec parses (k='v', k2=3).
func (p *ddlParser) partitionSpec() (map[string]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	spec := map[string]string{}
	for {
		k, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct("="); err != nil {
			return nil, err
		}
		t := p.next()
		switch t.kind {
		case tString:
			spec[k] = t.stringValue()
		case tNumber, tIdent:
			spec[k] = t.text
		default:
			p.i--
			return nil, p.errf("Expecting: a partition value")
		}
		if p.punct(")") {
			return spec, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// Storage formats of STORED AS.
var storedAs = map[string][3]string{
	"parquet":  {"org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
	"textfile": {"org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", lazySimpleSerDe},
	"orc":      {"org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
	"jsonfile": {"org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", "org.apache.hive.hcatalog.data.JsonSerDe"},
	"avro":     {"org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat", "org.apache.hadoop.hive.serde2.avro.AvroSerDe"},
}

const lazySimpleSerDe = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"

// parseCreateTable parses what follows CREATE EXTERNAL TABLE.
func (p *ddlParser) parseCreateTable(defaultDB string) (db string, in catalog.TableInput, ifNotExists bool, err error) {
	ifNotExists = p.accept("if", "not", "exists")
	db, name, err := p.qualified(defaultDB)
	if err != nil {
		return
	}
	sd := &catalog.StorageDescriptor{SerdeInfo: &catalog.SerDeInfo{Parameters: map[string]string{}}}
	in = catalog.TableInput{Name: name, StorageDescriptor: sd, TableType: ptr("EXTERNAL_TABLE"), Parameters: map[string]string{"EXTERNAL": "TRUE"}}
	if sd.Columns, err = p.columns(); err != nil {
		return
	}
	var serde, input, output string
	for !p.done() && !p.peek().isPunct(";") {
		switch {
		case p.accept("comment"):
			var c string
			if c, err = p.str(); err != nil {
				return
			}
			in.Description = &c
		case p.accept("partitioned", "by"):
			if in.PartitionKeys, err = p.columns(); err != nil {
				return
			}
		case p.accept("row", "format", "serde"):
			if serde, err = p.str(); err != nil {
				return
			}
			if p.accept("with", "serdeproperties") {
				if sd.SerdeInfo.Parameters, err = p.properties(); err != nil {
					return
				}
			}
		case p.accept("row", "format", "delimited"):
			serde = lazySimpleSerDe
			if err = p.delimited(sd.SerdeInfo.Parameters); err != nil {
				return
			}
		case p.accept("with", "serdeproperties"):
			var props map[string]string
			if props, err = p.properties(); err != nil {
				return
			}
			for k, v := range props {
				sd.SerdeInfo.Parameters[k] = v
			}
		case p.accept("stored", "as", "inputformat"):
			if input, err = p.str(); err != nil {
				return
			}
			if err = p.expect("outputformat"); err != nil {
				return
			}
			if output, err = p.str(); err != nil {
				return
			}
		case p.accept("stored", "as"):
			var f string
			if f, err = p.name(); err != nil {
				return
			}
			spec, ok := storedAs[f]
			if !ok {
				p.i--
				err = p.errf("Expecting: PARQUET, TEXTFILE, ORC, JSONFILE or AVRO")
				return
			}
			input, output = spec[0], spec[1]
			if serde == "" {
				serde = spec[2]
			}
		case p.accept("location"):
			var loc string
			if loc, err = p.str(); err != nil {
				return
			}
			sd.Location = &loc
		case p.accept("tblproperties"):
			var props map[string]string
			if props, err = p.properties(); err != nil {
				return
			}
			for k, v := range props {
				in.Parameters[k] = v
			}
		default:
			err = p.errf("Expecting: COMMENT, PARTITIONED BY, ROW FORMAT, STORED AS, LOCATION or TBLPROPERTIES")
			return
		}
	}
	if input == "" {
		input, output = storedAs["textfile"][0], storedAs["textfile"][1]
	}
	if serde == "" {
		serde = lazySimpleSerDe
	}
	if serde == lazySimpleSerDe && len(sd.SerdeInfo.Parameters) == 0 {
		sd.SerdeInfo.Parameters["serialization.format"] = "1"
	}
	sd.InputFormat, sd.OutputFormat, sd.SerdeInfo.SerializationLibrary = &input, &output, &serde
	if sd.Location == nil {
		err = userError(ErrSyntax, "line 1:1: CREATE EXTERNAL TABLE needs a LOCATION ('s3://bucket/prefix/')")
	}
	return
}

// delimited parses ROW FORMAT DELIMITED's clauses into LazySimpleSerDe
// parameters.
func (p *ddlParser) delimited(params map[string]string) error {
	for {
		var key string
		switch {
		case p.accept("fields", "terminated", "by"):
			key = "field.delim"
		case p.accept("escaped", "by"):
			key = "escape.delim"
		case p.accept("collection", "items", "terminated", "by"):
			key = "collection.delim"
		case p.accept("map", "keys", "terminated", "by"):
			key = "mapkey.delim"
		case p.accept("lines", "terminated", "by"):
			key = "line.delim"
		case p.accept("null", "defined", "as"):
			key = "serialization.null.format"
		default:
			return nil
		}
		v, err := p.str()
		if err != nil {
			return err
		}
		v = unescapeDelim(v)
		params[key] = v
		if key == "field.delim" {
			params["serialization.format"] = v
		}
	}
}

// unescapeDelim turns Hive's '\t', '\001' and '\u0001' spellings into the
// character.
func unescapeDelim(v string) string {
	switch {
	case v == `\t`:
		return "\t"
	case v == `\n`:
		return "\n"
	case len(v) == 4 && v[0] == '\\' && v[1] >= '0' && v[1] <= '3':
		n := 0
		fmt.Sscanf(v[1:], "%o", &n)
		return string(rune(n))
	case len(v) == 6 && strings.HasPrefix(v, `\u`):
		n := 0
		fmt.Sscanf(v[2:], "%x", &n)
		return string(rune(n))
	}
	return v
}

func ptr[T any](v T) *T { return &v }
