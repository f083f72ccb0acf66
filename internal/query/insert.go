package query

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
)

// maxInsertPartitions is how many partitions one INSERT INTO may write.
const maxInsertPartitions = 100

// insertTarget is a parsed INSERT INTO.
type insertTarget struct {
	table   *catalog.Table
	columns []catalog.Column // the table's columns, data then partition keys
	target  []int            // positions in columns the query fills, in its order
	query   []token
}

// insertInto runs INSERT INTO t [(cols)] SELECT ... | VALUES ...: the
// rows become new files (named after the execution, so nothing existing
// is overwritten) in the table's format under its location or partition
// folders, and new partitions are added to the catalog.
func (s *Service) insertInto(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	in, err := s.parseInsert(ctx, e, toks)
	if err != nil {
		return nil, err
	}
	w, err := insertWriter(in.table, e.ID)
	if err != nil {
		return nil, err
	}
	prep, err := s.prepareSelect(ctx, e, in.query)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(s.tmpDir, "insert-")
	if err != nil {
		return nil, fmt.Errorf("insert temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	var rows int64
	err = s.withConn(ctx, prep, func(conn *sql.Conn) error {
		qcols, err := describeQuery(ctx, conn, prep.sql)
		if err != nil {
			return err
		}
		sel, err := in.selectList(qcols)
		if err != nil {
			return err
		}
		rows, err = copyRows(ctx, conn, w, "SELECT "+sel+" FROM ("+prep.sql+")", in.columnInfos(), tmp)
		return err
	})
	if err != nil {
		return nil, err
	}
	written, err := s.publishInsert(ctx, in.table, tmp)
	if err != nil {
		return nil, err
	}
	if err := s.putManifest(ctx, e, written); err != nil {
		return nil, err
	}
	return &execResult{writer: s.newWriter(false), updateCount: rows, scanned: prep.scanned}, nil
}

// parseInsert reads INSERT INTO [db.]t [(c1, c2)] and the query after it.
func (s *Service) parseInsert(ctx context.Context, e *Execution, toks []token) (*insertTarget, error) {
	p := &ddlParser{src: e.Query, toks: toks, i: 1}
	if err := p.expect("into"); err != nil {
		return nil, err
	}
	at := p.peek()
	db, name, err := p.qualified(e.Database)
	if err != nil {
		return nil, err
	}
	t, err := s.catalog.GetTable(ctx, db, name)
	if isNotFound(err) {
		return nil, userError(ErrTableNotFound, "line %s: Table 'awsdatacatalog.%s.%s' does not exist", lineCol(e.Query, at.pos), db, name)
	} else if err != nil {
		return nil, err
	}
	if isCatalogView(t) {
		return nil, userError(ErrNotSupported, "line 1:1: Inserting into views is not supported")
	}
	in := &insertTarget{table: t, columns: t.Columns()}
	if p.peek().isPunct("(") && p.i+1 < len(p.toks) && p.toks[p.i+1].isName() && !isQueryStart(p.toks[p.i+1]) {
		if err := in.parseColumns(p); err != nil {
			return nil, err
		}
	} else {
		for i := range in.columns {
			in.target = append(in.target, i)
		}
	}
	in.query = p.toks[p.i:]
	if len(in.query) == 0 {
		return nil, p.errf("Expecting: a query or VALUES")
	}
	return in, nil
}

func isQueryStart(t token) bool {
	return t.is("select") || t.is("with") || t.is("values") || t.is("table")
}

func (in *insertTarget) parseColumns(p *ddlParser) error {
	p.punct("(")
	for {
		n, err := p.name()
		if err != nil {
			return err
		}
		k := slices.IndexFunc(in.columns, func(c catalog.Column) bool { return strings.EqualFold(c.Name, n) })
		switch {
		case k < 0:
			return userError("COLUMN_NOT_FOUND", "line 1:1: Insert column name does not exist in target table: %s", n)
		case slices.Contains(in.target, k):
			return userError("DUPLICATE_COLUMN_NAME", "line 1:1: Insert column name is specified more than once: %s", n)
		}
		in.target = append(in.target, k)
		if p.punct(")") {
			return nil
		}
		if err := p.expectPunct(","); err != nil {
			return err
		}
	}
}

// selectList maps the query's columns onto the table's, cast to the
// table's types; columns the insert does not name are NULL.
func (in *insertTarget) selectList(qcols []prestoColumn) (string, error) {
	tableTypes := make([]string, len(in.target))
	duckTypes := make([]string, len(in.columns))
	for i, c := range in.columns {
		d, err := duckTypeOf(deref(c.Type))
		if err != nil {
			return "", userError(ErrInvalidTable, "Table %s.%s column %s: %v", in.table.DatabaseName, in.table.Name, c.Name, err)
		}
		duckTypes[i] = d
	}
	for j, k := range in.target {
		tableTypes[j], _ = trinoTypeOfDuck(duckTypes[k])
	}
	queryTypes := make([]string, len(qcols))
	ok := len(qcols) == len(in.target)
	for j, q := range qcols {
		queryTypes[j] = q.Type
		ok = ok && j < len(tableTypes) && insertCoercible(q.Type, tableTypes[j])
	}
	if !ok {
		return "", userError("TYPE_MISMATCH", "line 1:1: Insert query has mismatched column types: Table: [%s], Query: [%s]", strings.Join(tableTypes, ", "), strings.Join(queryTypes, ", "))
	}
	sel := make([]string, len(in.columns))
	for i, c := range in.columns {
		expr := "NULL"
		if j := slices.Index(in.target, i); j >= 0 {
			expr = fmt.Sprintf("#%d", j+1)
		}
		sel[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", expr, duckTypes[i], quoteIdent(strings.ToLower(c.Name)))
	}
	return strings.Join(sel, ", "), nil
}

func (in *insertTarget) columnInfos() []ColumnInfo {
	out := make([]ColumnInfo, len(in.columns))
	for i, c := range in.columns {
		out[i] = ColumnInfo{Name: c.Name}
	}
	return out
}

// insertCoercible reports whether Trino would insert a value of type from
// into a column of type to (same type, or an implicit widening).
func insertCoercible(from, to string) bool {
	if from == to || from == "unknown" {
		return true
	}
	base := func(t string) string { b, _, _ := strings.Cut(t, "("); return b }
	f, t := base(from), base(to)
	if f == t && (f == "varchar" || f == "char" || f == "decimal" || f == "timestamp") {
		return true
	}
	widening := []string{"tinyint", "smallint", "integer", "bigint", "real", "double"}
	fi, ti := slices.Index(widening, f), slices.Index(widening, t)
	switch {
	case fi >= 0 && ti >= 0:
		return fi <= ti
	case fi >= 0 && fi <= 3 && t == "decimal", f == "decimal" && (t == "real" || t == "double"):
		return true
	case f == "char" && t == "varchar", f == "date" && t == "timestamp":
		return true
	}
	return false
}

// insertWriter describes how the table's files are written: its format,
// delimiter, compression and partition keys.
func insertWriter(t *catalog.Table, id string) (*ctas, error) {
	lib, input := "", ""
	if sd := t.StorageDescriptor; sd != nil {
		if sd.SerdeInfo != nil {
			lib = strings.ToLower(deref(sd.SerdeInfo.SerializationLibrary))
		}
		input = strings.ToLower(deref(sd.InputFormat))
	}
	if strings.Contains(lib, "orc") || strings.Contains(input, "orc") || strings.Contains(lib, "avro") || strings.Contains(input, "avro") {
		return nil, userError(ErrNotSupported, "Writing ORC and Avro tables is not supported by Shoal (table %s.%s); use a Parquet, JSON or text table", t.DatabaseName, t.Name)
	}
	f, err := tableFormat(t)
	if err != nil {
		return nil, err
	}
	w := &ctas{fileBase: id, compression: tableCompression(t)}
	switch f.kind {
	case "parquet":
		w.format = "parquet"
	case "json":
		w.format = "json"
	default:
		w.format = "textfile"
		w.delimiter = firstNonEmpty(f.serde["field.delim"], f.serde["separatorChar"], "\x01")
		if strings.Contains(f.lib, "lazysimple") && f.serde["field.delim"] == "" && f.serde["serialization.format"] != "" && f.serde["serialization.format"] != "1" {
			w.delimiter = f.serde["serialization.format"]
		}
	}
	for _, k := range t.PartitionKeys {
		w.partitionedBy = append(w.partitionedBy, strings.ToLower(k.Name))
	}
	return w, nil
}

// tableCompression is the codec the table's properties ask for; Athena
// writes GZIP when they name none.
func tableCompression(t *catalog.Table) string {
	v := ""
	for _, k := range []string{"write.compression", "write_compression", "parquet.compression", "compressionType"} {
		if v = t.Parameters[k]; v != "" {
			break
		}
	}
	switch strings.ToLower(v) {
	case "snappy":
		return "snappy"
	case "zstd":
		return "zstd"
	case "none", "uncompressed":
		return ""
	}
	return "gzip"
}

// publishInsert moves the written files into the lake (partition folders
// to their locations, which projection's template may decide) and adds
// the partitions the catalog lacks. It returns the objects written.
func (s *Service) publishInsert(ctx context.Context, t *catalog.Table, dir string) ([]string, error) {
	proj, err := projectionOf(t, s.now())
	if err != nil {
		return nil, err
	}
	byDir := map[string][]string{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			byDir[filepath.ToSlash(rel)] = append(byDir[filepath.ToSlash(rel)], p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(byDir) > maxInsertPartitions {
		return nil, userError("HIVE_TOO_MANY_OPEN_PARTITIONS", "Exceeded limit of %d open writers for partitions/buckets", maxInsertPartitions)
	}
	var written []string
	var parts []catalog.PartitionInput
	for rel, files := range byDir {
		loc := dirPrefixURI(*t.StorageDescriptor.Location)
		if len(t.PartitionKeys) > 0 {
			values, ok := hiveValues(rel+"/", t.PartitionKeys)
			if !ok {
				return nil, fmt.Errorf("insert wrote an unexpected folder %s", rel)
			}
			loc += rel + "/"
			if proj != nil {
				loc = proj.location(proj.canonical(values))
			} else {
				parts = append(parts, partitionInput(t, values, loc))
			}
		}
		for _, f := range files {
			uri, err := s.putFile(ctx, f, loc)
			if err != nil {
				return nil, err
			}
			written = append(written, uri)
		}
	}
	slices.Sort(written)
	return written, s.addMissingPartitions(ctx, t, parts)
}

// putFile uploads a local file into the lake folder loc.
func (s *Service) putFile(ctx context.Context, path, loc string) (string, error) {
	bucket, prefix, err := parseS3(loc)
	if err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	key := dirPrefix(prefix) + filepath.Base(path)
	if err := checkWrite(ctx, bucket, key); err != nil {
		return "", err
	}
	if _, err := s.lake.PutObject(ctx, bucket, key, f, lake.PutOptions{}); err != nil {
		return "", fmt.Errorf("write s3://%s/%s: %w", bucket, key, err)
	}
	return "s3://" + bucket + "/" + key, nil
}

func (s *Service) addMissingPartitions(ctx context.Context, t *catalog.Table, parts []catalog.PartitionInput) error {
	if len(parts) == 0 {
		return nil
	}
	if err := checkCatalog(ctx, "glue:BatchCreatePartition", t.DatabaseName, t.Name); err != nil {
		return err
	}
	errs, err := s.catalog.BatchCreatePartition(ctx, t.DatabaseName, t.Name, parts)
	if err != nil {
		return err
	}
	for _, ee := range errs {
		if !errors.Is(ee.Err, catalog.ErrAlreadyExists) {
			return fmt.Errorf("add partition %v: %w", parts[ee.Index].Values, ee.Err)
		}
	}
	return nil
}

// putManifest writes the data manifest Athena keeps next to the result:
// the objects the INSERT wrote, one per line.
func (s *Service) putManifest(ctx context.Context, e *Execution, written []string) error {
	if e.OutputLocation == "" {
		return nil
	}
	bucket, key, err := parseS3(strings.TrimSuffix(e.OutputLocation, ".csv") + "-manifest.csv")
	if err != nil {
		return err
	}
	body := strings.Join(written, "\n")
	if body != "" {
		body += "\n"
	}
	_, err = s.lake.PutObject(ctx, bucket, key, bytes.NewReader([]byte(body)), lake.PutOptions{ContentType: "text/csv"})
	return err
}
