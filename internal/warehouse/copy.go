package warehouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/lake"
)

// copySpec is a parsed COPY ... FROM 's3://...'.
type copySpec struct {
	table          []string
	columns        []string
	bucket, prefix string
	format         string // json, csv, text, parquet
	jsonMode       string // auto or auto ignorecase
	ignoreHeader   int
	delimiter      string
	quote          string
	gzip           bool
	auth           copyAuth
}

// copy loads every object under the prefix into a local table in one
// transaction: all objects load or none do.
func (e *engine) copy(ctx context.Context, c *conn, toks []token) (*result, error) {
	spec, err := parseCopy(toks[1:])
	if err != nil {
		return nil, err
	}
	if err := e.requireLocal(ctx, c, nameTokens(spec.table), "COPY"); err != nil {
		return nil, err
	}
	schema, table := splitName(spec.table)
	cols, err := tableColumns(ctx, c, schema, table, spec.columns)
	if err != nil {
		return nil, err
	}
	objects, err := e.listObjects(ctx, spec.bucket, spec.prefix)
	if err != nil {
		return nil, err
	}
	if err := e.authorizeCopy(ctx, c, spec, objects); err != nil {
		return nil, err
	}
	var total int64
	err = inTx(ctx, c, func() error {
		for _, key := range objects {
			n, err := e.loadObject(ctx, c, spec, schema, table, cols, key)
			if err != nil {
				return newPGError(codeLoadError, fmt.Sprintf("Load into table '%s' failed: s3://%s/%s: %s", table, spec.bucket, key, pgMessage(err)))
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Load into table '%s' completed, %d record(s) loaded successfully.", table, total)
	return &result{tag: fmt.Sprintf("COPY %d", total), notices: []notice{{"INFO", msg}}}, nil
}

// pgMessage is an error's text without its SQLSTATE.
func pgMessage(err error) string {
	var pe *pgError
	if errors.As(err, &pe) {
		return pe.message
	}
	return err.Error()
}

// targetColumn is a column COPY fills and its DuckDB type.
type targetColumn struct{ name, typ string }

// tableColumns returns the table's columns, or the listed ones in order.
func tableColumns(ctx context.Context, c *conn, schema, table string, only []string) ([]targetColumn, error) {
	rows, err := c.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, table)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	all := map[string]targetColumn{}
	var ordered []targetColumn
	for rows.Next() {
		var tc targetColumn
		if err := rows.Scan(&tc.name, &tc.typ); err != nil {
			return nil, duckError(err)
		}
		all[strings.ToLower(tc.name)] = tc
		ordered = append(ordered, tc)
	}
	if err := rows.Err(); err != nil {
		return nil, duckError(err)
	}
	if len(ordered) == 0 {
		return nil, newPGError(codeUndefinedTable, fmt.Sprintf("relation %q does not exist", table))
	}
	if len(only) == 0 {
		return ordered, nil
	}
	out := make([]targetColumn, len(only))
	for i, n := range only {
		tc, ok := all[n]
		if !ok {
			return nil, newPGError(codeUndefinedColumn, fmt.Sprintf("column %q of relation %q does not exist", n, table))
		}
		out[i] = tc
	}
	return out, nil
}

// listObjects lists the keys starting with prefix (COPY matches a plain
// prefix, not a folder), skipping folder markers.
func (e *engine) listObjects(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	opts := lake.ListOptions{Prefix: prefix, MaxKeys: lake.MaxListKeys}
	for {
		res, err := e.opts.Lake.ListObjects(ctx, bucket, opts)
		if errors.Is(err, lake.ErrNoSuchBucket) {
			return nil, newPGError(codeLoadError, fmt.Sprintf("S3ServiceException:The specified bucket does not exist (bucket %s)", bucket))
		}
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range res.Objects {
			if !strings.HasSuffix(o.Key, "/") {
				keys = append(keys, o.Key)
			}
		}
		if !res.IsTruncated {
			break
		}
		opts.StartAfter = res.NextStartAfter
	}
	if len(keys) == 0 {
		return nil, newPGError(codeLoadError, fmt.Sprintf("S3ServiceException:The specified S3 prefix '%s' does not exist", prefix))
	}
	return keys, nil
}

// loadObject inserts one object's rows and returns how many.
func (e *engine) loadObject(ctx context.Context, c *conn, spec *copySpec, schema, table string, cols []targetColumn, key string) (int64, error) {
	path, err := e.opts.Paths.LocalPath(spec.bucket, key)
	if err != nil {
		return 0, fmt.Errorf("local path: %w", err)
	}
	var sel string
	switch spec.format {
	case "json":
		sel, err = jsonSelect(ctx, c, spec, cols, path)
	case "parquet":
		sel, err = parquetSelect(ctx, c, cols, path)
	default:
		sel = delimitedSelect(spec, cols, path)
	}
	if err != nil {
		return 0, err
	}
	names := make([]string, len(cols))
	for i, tc := range cols {
		names[i] = quoteIdent(tc.name)
	}
	insert := "INSERT INTO " + qualifiedName([]string{schema, table}) + " (" + strings.Join(names, ", ") + ") " + sel
	return execCount(ctx, c, insert)
}

func (s *copySpec) compression() string {
	if s.gzip {
		return "gzip"
	}
	return "none"
}

// jsonSelect maps top-level keys onto columns by name: exactly for
// 'auto', ignoring case for 'auto ignorecase'. Missing keys load NULL.
func jsonSelect(ctx context.Context, c *conn, spec *copySpec, cols []targetColumn, path string) (string, error) {
	compression := "uncompressed"
	if spec.gzip {
		compression = "gzip"
	}
	from := fmt.Sprintf("read_json_objects(%s, format = 'auto', compression = '%s')", quoteString(path), compression)
	keys, err := queryStrings(ctx, c, "SELECT DISTINCT unnest(json_keys(json)) FROM "+from)
	if err != nil {
		return "", err
	}
	byName := map[string]string{}
	for _, k := range keys {
		if spec.jsonMode == "auto ignorecase" {
			byName[strings.ToLower(k)] = k
		} else {
			byName[k] = k
		}
	}
	sel := make([]string, len(cols))
	for i, tc := range cols {
		key, ok := byName[tc.name]
		if spec.jsonMode == "auto ignorecase" {
			key, ok = byName[strings.ToLower(tc.name)]
		}
		if !ok {
			sel[i] = fmt.Sprintf("CAST(NULL AS %s)", tc.typ)
			continue
		}
		sel[i] = fmt.Sprintf("CAST(json_extract_string(json, %s) AS %s)", quoteString(`$."`+key+`"`), tc.typ)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + from, nil
}

// delimitedSelect reads CSV (quoted fields) or Redshift's default text
// format (no quoting) as text fields, cast to the columns in order.
func delimitedSelect(spec *copySpec, cols []targetColumn, path string) string {
	spec2 := make([]string, len(cols))
	sel := make([]string, len(cols))
	for i, tc := range cols {
		spec2[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
		sel[i] = fmt.Sprintf("CAST(c%d AS %s)", i, tc.typ)
	}
	quote := ""
	if spec.format == "csv" {
		quote = spec.quote
	}
	return fmt.Sprintf("SELECT %s FROM read_csv(%s, header = false, skip = %d, delim = %s, quote = %s, escape = %s, auto_detect = false, compression = '%s', columns = {%s})",
		strings.Join(sel, ", "), quoteString(path), spec.ignoreHeader, quoteString(spec.delimiter), quoteString(quote), quoteString(quote), spec.compression(), strings.Join(spec2, ", "))
}

// parquetSelect maps Parquet columns onto the table's by position, as
// Redshift does for columnar formats; the counts must agree.
func parquetSelect(ctx context.Context, c *conn, cols []targetColumn, path string) (string, error) {
	from := "read_parquet(" + quoteString(path) + ")"
	names, err := queryStrings(ctx, c, "SELECT column_name FROM (DESCRIBE SELECT * FROM "+from+")")
	if err != nil {
		return "", err
	}
	if len(names) != len(cols) {
		return "", newPGError(codeLoadError, fmt.Sprintf("the Parquet file has %d columns, the table (or column list) %d; columnar COPY maps columns by position", len(names), len(cols)))
	}
	sel := make([]string, len(cols))
	for i, tc := range cols {
		sel[i] = fmt.Sprintf("CAST(%s AS %s)", quoteIdent(names[i]), tc.typ)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + from, nil
}

// parseCopy reads COPY t [(cols)] FROM 's3://...' and its parameters.
func parseCopy(toks []token) (*copySpec, error) {
	p := &parser{toks: toks}
	table, err := p.qualified()
	if err != nil {
		return nil, err
	}
	spec := &copySpec{table: table, format: "text", delimiter: "|", quote: `"`}
	if p.acceptPunct("(") {
		for {
			n, err := p.ident()
			if err != nil {
				return nil, err
			}
			spec.columns = append(spec.columns, n)
			if !p.acceptPunct(",") {
				break
			}
		}
		if !p.acceptPunct(")") {
			return nil, p.errorf("expected )")
		}
	}
	if !p.accept("from") {
		return nil, p.errorf("expected FROM")
	}
	src, err := p.str()
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(src)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("COPY from %q is not supported; only s3:// sources are", src))
	}
	spec.bucket, spec.prefix = u.Host, strings.TrimPrefix(u.Path, "/")
	for !p.done() {
		if err := copyParam(p, spec); err != nil {
			return nil, err
		}
	}
	if err := spec.auth.validate(); err != nil {
		return nil, err
	}
	if spec.format == "parquet" && (spec.gzip || spec.ignoreHeader > 0) {
		return nil, newPGError(codeFeatureNotSupported, "GZIP and IGNOREHEADER are not supported with FORMAT PARQUET")
	}
	return spec, nil
}

// copyParam reads one COPY parameter.
func copyParam(p *parser, spec *copySpec) error {
	if ok, err := spec.auth.authParam(p); ok {
		return err
	}
	var err error
	switch {
	case p.accept("format"):
		p.accept("as")
		return copyFormat(p, spec, true)
	case p.accept("ignoreheader"):
		p.accept("as")
		if p.done() || p.toks[p.i].kind != tNumber {
			return p.errorf("IGNOREHEADER needs a number")
		}
		spec.ignoreHeader, err = strconv.Atoi(p.toks[p.i].text)
		p.i++
	case p.accept("delimiter"):
		spec.delimiter, err = p.str()
	case p.accept("quote"):
		spec.quote, err = p.str()
	case p.accept("gzip"):
		spec.gzip = true
	default:
		return copyFormat(p, spec, false)
	}
	return err
}

// copyFormat reads JSON 'auto' | CSV | PARQUET (after FORMAT [AS], or bare).
func copyFormat(p *parser, spec *copySpec, required bool) error {
	switch {
	case p.accept("json"):
		mode, err := p.str()
		if err != nil {
			return err
		}
		mode = strings.ToLower(strings.TrimSpace(mode))
		if mode != "auto" && mode != "auto ignorecase" {
			return newPGError(codeFeatureNotSupported, fmt.Sprintf("JSON %q is not supported; use 'auto' or 'auto ignorecase'", mode))
		}
		spec.format, spec.jsonMode = "json", mode
	case p.accept("csv"):
		spec.format = "csv"
		if spec.delimiter == "|" {
			spec.delimiter = ","
		}
	case p.accept("parquet"):
		spec.format = "parquet"
	case required:
		return p.errorf("unsupported COPY format")
	default:
		return newPGError(codeFeatureNotSupported, fmt.Sprintf("COPY parameter %q is not supported", p.toks[p.i].text))
	}
	return nil
}
