package query

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// dataFormat is how a table's objects are read.
type dataFormat struct {
	kind   string // "parquet", "json", "csv"
	serde  map[string]string
	lib    string
	params map[string]string // table parameters
}

// tableFormat decides the reader from the SerDe, the input format and the
// classification, in that order, as Athena does.
func tableFormat(t *catalog.Table) (dataFormat, error) {
	sd := t.StorageDescriptor
	f := dataFormat{serde: map[string]string{}, params: t.Parameters}
	if sd.SerdeInfo != nil {
		if sd.SerdeInfo.SerializationLibrary != nil {
			f.lib = strings.ToLower(*sd.SerdeInfo.SerializationLibrary)
		}
		for k, v := range sd.SerdeInfo.Parameters {
			f.serde[k] = v
		}
	}
	input := ""
	if sd.InputFormat != nil {
		input = strings.ToLower(*sd.InputFormat)
	}
	class := strings.ToLower(t.Parameters["classification"])
	switch {
	case strings.Contains(f.lib, "parquet") || strings.Contains(input, "parquet"):
		f.kind = "parquet"
	case strings.Contains(f.lib, "json"):
		f.kind = "json"
	case strings.Contains(f.lib, "orc") || strings.Contains(input, "orc"),
		strings.Contains(f.lib, "avro") || strings.Contains(input, "avro"):
		return f, userError(ErrInvalidTable, "Table %s.%s: ORC and Avro data are not supported yet", t.DatabaseName, t.Name)
	case strings.Contains(f.lib, "lazysimple") || strings.Contains(f.lib, "opencsv") || strings.Contains(input, "textinputformat"):
		f.kind = "csv"
	case class == "parquet":
		f.kind = "parquet"
	case class == "json":
		f.kind = "json"
	case class == "csv" || class == "tsv":
		f.kind = "csv"
	default:
		return f, userError(ErrInvalidTable, "Table %s.%s: cannot tell the data format (SerDe %q, InputFormat %q)", t.DatabaseName, t.Name, f.lib, input)
	}
	return f, nil
}

// buildSource renders the SELECT producing a table's rows: the declared
// data columns cast to their declared types, then the partition keys as
// constants of each partition, one UNION ALL branch per partition.
func buildSource(ctx context.Context, e *engine, t *catalog.Table, f dataFormat, parts []partitionFiles) (*source, error) {
	cols := t.StorageDescriptor.Columns
	types := make([]string, len(cols))
	for i, c := range cols {
		gt := ""
		if c.Type != nil {
			gt = *c.Type
		}
		d, err := duckTypeOf(gt)
		if err != nil {
			return nil, userError(ErrInvalidTable, "Table %s.%s column %s: %v", t.DatabaseName, t.Name, c.Name, err)
		}
		types[i] = d
	}
	keyTypes := make([]string, len(t.PartitionKeys))
	for i, k := range t.PartitionKeys {
		gt := "string"
		if k.Type != nil {
			gt = *k.Type
		}
		d, err := duckTypeOf(gt)
		if err != nil {
			return nil, userError(ErrInvalidTable, "Table %s.%s partition key %s: %v", t.DatabaseName, t.Name, k.Name, err)
		}
		keyTypes[i] = d
	}
	src := &source{}
	var branches []string
	for _, p := range parts {
		if len(p.files) == 0 {
			continue
		}
		paths := make([]string, len(p.files))
		for i, fl := range p.files {
			paths[i] = quoteString(fl.path)
			src.bytes += fl.size
		}
		src.files += len(p.files)
		list := "[" + strings.Join(paths, ", ") + "]"
		sel, from, err := scanExpr(ctx, e, f, cols, types, list)
		if err != nil {
			return nil, fmt.Errorf("table %s.%s: %w", t.DatabaseName, t.Name, err)
		}
		for i, k := range t.PartitionKeys {
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", quoteString(p.values[i]), keyTypes[i], quoteIdent(k.Name)))
		}
		branches = append(branches, "SELECT "+strings.Join(sel, ", ")+" FROM "+from)
	}
	if len(branches) == 0 {
		// No data: zero rows with the declared columns.
		var sel []string
		for i, c := range cols {
			sel = append(sel, fmt.Sprintf("CAST(NULL AS %s) AS %s", types[i], quoteIdent(c.Name)))
		}
		for i, k := range t.PartitionKeys {
			sel = append(sel, fmt.Sprintf("CAST(NULL AS %s) AS %s", keyTypes[i], quoteIdent(k.Name)))
		}
		src.sql = "SELECT " + strings.Join(sel, ", ") + " LIMIT 0"
		return src, nil
	}
	src.sql = strings.Join(branches, "\nUNION ALL\n")
	return src, nil
}

// scanExpr returns the select list and the table function reading files.
func scanExpr(ctx context.Context, e *engine, f dataFormat, cols []catalog.Column, types []string, list string) ([]string, string, error) {
	sel := make([]string, len(cols))
	switch f.kind {
	case "parquet":
		// Parquet columns match by name, case-insensitively like Hive.
		for i, c := range cols {
			sel[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", quoteIdent(c.Name), types[i], quoteIdent(c.Name))
		}
		return sel, "read_parquet(" + list + ", union_by_name = true)", nil
	case "json":
		keys, err := jsonKeys(ctx, e, f, cols, list)
		if err != nil {
			return nil, "", err
		}
		var spec []string
		seen := map[string]bool{}
		for i, c := range cols {
			if !seen[strings.ToLower(keys[i])] {
				spec = append(spec, quoteString(keys[i])+": "+quoteString(types[i]))
				seen[strings.ToLower(keys[i])] = true
			}
			sel[i] = fmt.Sprintf("%s AS %s", quoteIdent(keys[i]), quoteIdent(c.Name))
		}
		opts := ""
		if strings.EqualFold(f.serde["ignore.malformed.json"], "true") {
			opts = ", ignore_errors = true"
		}
		return sel, fmt.Sprintf("read_json(%s, format = 'newline_delimited', compression = 'auto_detect', columns = {%s}%s)", list, strings.Join(spec, ", "), opts), nil
	default:
		return csvScan(f, cols, types, list)
	}
}

// jsonKeys maps each column to the JSON key that holds it: the SerDe's
// "mapping.<column>" when given, else the column name, matched
// case-insensitively against the keys DuckDB samples from the files unless
// the SerDe says "case.insensitive"="false".
func jsonKeys(ctx context.Context, e *engine, f dataFormat, cols []catalog.Column, list string) ([]string, error) {
	keys := make([]string, len(cols))
	for i, c := range cols {
		keys[i] = c.Name
		if m, ok := f.serde["mapping."+c.Name]; ok {
			keys[i] = m
		} else if m, ok := f.serde["mapping."+strings.ToLower(c.Name)]; ok {
			keys[i] = m
		}
	}
	if strings.EqualFold(f.serde["case.insensitive"], "false") {
		return keys, nil
	}
	rows, err := e.db.QueryContext(ctx, "DESCRIBE SELECT * FROM read_json("+list+", format = 'newline_delimited', compression = 'auto_detect', ignore_errors = true)")
	if err != nil {
		return keys, nil // unreadable sample: the scan itself will report it
	}
	defer rows.Close()
	actual := map[string]string{}
	names, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("sample JSON keys: %w", err)
		}
		if name, ok := vals[0].(string); ok {
			if _, dup := actual[strings.ToLower(name)]; !dup {
				actual[strings.ToLower(name)] = name
			}
		}
	}
	for i, k := range keys {
		if a, ok := actual[strings.ToLower(k)]; ok {
			keys[i] = a
		}
	}
	return keys, rows.Err()
}

// csvScan reads delimited text: LazySimpleSerDe (field.delim, default
// Ctrl-A; no quoting; \N is NULL) or OpenCSVSerde (separatorChar,
// quoteChar, escapeChar; every column a string).
func csvScan(f dataFormat, cols []catalog.Column, types []string, list string) ([]string, string, error) {
	sel := make([]string, len(cols))
	var spec []string
	// Fields are read as text and converted like Hive does: a value that
	// does not parse as the column's type is NULL, not an error.
	for i, c := range cols {
		spec = append(spec, quoteString(c.Name)+": 'VARCHAR'")
		sel[i] = quoteIdent(c.Name)
		if types[i] != "VARCHAR" {
			sel[i] = fmt.Sprintf("TRY_CAST(%s AS %s) AS %s", quoteIdent(c.Name), types[i], quoteIdent(c.Name))
		}
	}
	skip := 0
	if v := f.params["skip.header.line.count"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, "", userError(ErrInvalidTable, "skip.header.line.count %q is not a number", v)
		}
		skip = n
	}
	var opts string
	if strings.Contains(f.lib, "opencsv") {
		delim := firstNonEmpty(f.serde["separatorChar"], ",")
		quote := firstNonEmpty(f.serde["quoteChar"], `"`)
		escape := firstNonEmpty(f.serde["escapeChar"], `\`)
		opts = fmt.Sprintf("delim = %s, quote = %s, escape = %s", quoteString(delim), quoteString(quote), quoteString(escape))
	} else {
		delim := firstNonEmpty(f.serde["field.delim"], f.serde["serialization.format"], "\x01")
		if delim == "1" && f.serde["field.delim"] == "" {
			delim = "\x01" // serialization.format=1 is Hive's "use the default"
		}
		escape := f.serde["escape.delim"]
		opts = fmt.Sprintf("delim = %s, quote = '', escape = %s, nullstr = %s", quoteString(delim), quoteString(escape), quoteString(firstNonEmpty(f.serde["serialization.null.format"], `\N`)))
	}
	return sel, fmt.Sprintf("read_csv(%s, header = false, skip = %d, auto_detect = false, compression = 'auto', null_padding = true, %s, columns = {%s})",
		list, skip, opts, strings.Join(spec, ", ")), nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
