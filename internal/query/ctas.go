package query

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
)

// ctas is a parsed CREATE TABLE AS SELECT.
type ctas struct {
	db, name      string
	ifNotExists   bool
	format        string // parquet, json, textfile
	location      string // s3://bucket/prefix/
	partitionedBy []string
	compression   string // DuckDB's codec name, "" for none
	delimiter     string // textfile field delimiter
	withData      bool
	query         []token
	// fileBase names the files written (INSERT uses the execution id so
	// that no existing object is ever overwritten); "" for "data".
	fileBase string
}

// ctasFormats maps Athena's formats to the Hive storage they are catalogued
// with and DuckDB's COPY format.
var ctasFormats = map[string]struct{ copyFormat, serde, input, output, class string }{
	"parquet": {"parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
		"org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", "parquet"},
	"json": {"json", "org.openx.data.jsonserde.JsonSerDe",
		"org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", "json"},
	"textfile": {"csv", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
		"org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", "csv"},
}

// parseCTAS reads what follows CREATE TABLE.
func (p *ddlParser) parseCTAS(defaultDB string) (*ctas, error) {
	c := &ctas{format: "parquet", compression: "gzip", delimiter: "\x01", withData: true}
	if p.accept("if", "not", "exists") {
		c.ifNotExists = true
	}
	var err error
	if c.db, c.name, err = p.qualified(defaultDB); err != nil {
		return nil, err
	}
	if p.peek().is("with") {
		p.i++
		if err := p.ctasProperties(c); err != nil {
			return nil, err
		}
	}
	if !p.accept("as") {
		return nil, userError(ErrNotSupported, "line 1:1: Only CREATE EXTERNAL TABLE and CREATE TABLE AS SELECT are supported (managed tables are not)")
	}
	q := p.toks[p.i:]
	if n := len(q); n >= 3 && q[n-1].is("data") && q[n-2].is("no") && q[n-3].is("with") {
		c.withData, q = false, q[:n-3]
	} else if n >= 2 && q[n-1].is("data") && q[n-2].is("with") {
		q = q[:n-2]
	}
	if len(q) == 0 {
		return nil, p.errf("Expecting: a query")
	}
	c.query = q
	return c, nil
}

// ctasProperties parses ( name = value, ... ) where values are strings or
// ARRAY['a', ...].
func (p *ddlParser) ctasProperties(c *ctas) error {
	if err := p.expectPunct("("); err != nil {
		return err
	}
	for !p.punct(")") {
		key, err := p.name()
		if err != nil {
			return err
		}
		if err := p.expectPunct("="); err != nil {
			return err
		}
		switch key {
		case "format":
			v, err := p.str()
			if err != nil {
				return err
			}
			c.format = strings.ToLower(v)
			if _, ok := ctasFormats[c.format]; !ok {
				return userError(ErrNotSupported, "format '%s' is not supported by Shoal's CTAS (PARQUET, JSON, TEXTFILE are)", v)
			}
		case "external_location":
			if c.location, err = p.str(); err != nil {
				return err
			}
			if _, _, err := parseS3(c.location); err != nil {
				return userError(ErrSyntax, "external_location must be an s3:// URI, not '%s'", c.location)
			}
		case "partitioned_by":
			if c.partitionedBy, err = p.stringArray(); err != nil {
				return err
			}
		case "write_compression", "parquet_compression":
			v, err := p.str()
			if err != nil {
				return err
			}
			codecs := map[string]string{"gzip": "gzip", "snappy": "snappy", "zstd": "zstd", "none": "", "uncompressed": ""}
			codec, ok := codecs[strings.ToLower(v)]
			if !ok {
				return userError(ErrNotSupported, "write_compression '%s' is not supported (GZIP, SNAPPY, ZSTD, NONE are)", v)
			}
			c.compression = codec
		case "field_delimiter":
			if c.delimiter, err = p.str(); err != nil {
				return err
			}
		case "table_type":
			v, err := p.str()
			if err != nil {
				return err
			}
			if !strings.EqualFold(v, "hive") {
				return userError(ErrNotSupported, "table_type '%s' is not supported (only HIVE)", v)
			}
		default:
			return userError(ErrNotSupported, "CTAS property '%s' is not supported by Shoal (format, external_location, partitioned_by, write_compression, field_delimiter, table_type are)", key)
		}
		if !p.punct(",") && !p.peek().isPunct(")") {
			return p.errf("Expecting: ',' or ')'")
		}
	}
	return nil
}

// stringArray parses ARRAY['a', 'b'].
func (p *ddlParser) stringArray() ([]string, error) {
	if !p.accept("array") {
		return nil, p.errf("Expecting: ARRAY[...]")
	}
	if err := p.expectPunct("["); err != nil {
		return nil, err
	}
	var out []string
	for !p.punct("]") {
		v, err := p.str()
		if err != nil {
			return nil, err
		}
		out = append(out, strings.ToLower(v))
		if !p.punct(",") && !p.peek().isPunct("]") {
			return nil, p.errf("Expecting: ',' or ']'")
		}
	}
	return out, nil
}

// createTableAs runs the query, writes its rows under the table's location
// in the chosen format (Hive-style key=value folders when partitioned), and
// catalogs the table and its partitions. It returns the rows written.
func (s *Service) createTableAs(ctx context.Context, p *ddlParser, e *Execution) (int64, error) {
	c, err := p.parseCTAS(e.Database)
	if err != nil {
		return 0, err
	}
	if err := checkCatalog(ctx, "glue:CreateTable", c.db, c.name); err != nil {
		return 0, err
	}
	if _, err := s.catalog.GetDatabase(ctx, c.db); isNotFound(err) {
		return 0, userError(ErrSchemaNotFound, "Schema '%s' does not exist", c.db)
	}
	if _, err := s.catalog.GetTable(ctx, c.db, c.name); err == nil {
		if c.ifNotExists {
			return 0, nil
		}
		return 0, userError("TABLE_ALREADY_EXISTS", "Table awsdatacatalog.%s.%s already exists", c.db, c.name)
	}
	if c.location == "" {
		if e.OutputLocation == "" {
			return 0, userError(ErrSyntax, "CTAS needs external_location or a query result location to put the table under")
		}
		c.location = strings.TrimSuffix(e.OutputLocation[:strings.LastIndex(e.OutputLocation, "/")+1], "/") + "/tables/" + e.ID + "/"
	}
	c.location = strings.TrimSuffix(c.location, "/") + "/"
	if files, err := s.listFiles(ctx, c.location); err != nil {
		return 0, err
	} else if len(files) > 0 {
		return 0, userError("HIVE_PATH_ALREADY_EXISTS", "Target directory for table '%s.%s' already exists: %s. You may need to manually clean the data at location before retrying", c.db, c.name, c.location)
	}

	prep, err := s.prepareSelect(ctx, e, c.query)
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp(s.tmpDir, "ctas-")
	if err != nil {
		return 0, fmt.Errorf("ctas temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	var cols []ColumnInfo
	var rows int64
	err = s.withConn(ctx, prep, func(conn *sql.Conn) error {
		if err := scanRows(ctx, conn, "SELECT * FROM ("+prep.sql+") LIMIT 0", selectLabels(c.query), func(ci []ColumnInfo) { cols = ci },
			func([]any, []string) bool { return false }); err != nil {
			return err
		}
		if !c.withData {
			return nil
		}
		return conn.QueryRowContext(ctx, "SELECT count(*) FROM ("+prep.sql+")").Scan(&rows)
	})
	if err != nil {
		return 0, err
	}
	in, err := c.tableInput(cols)
	if err != nil {
		return 0, err
	}
	if c.withData && rows > 0 {
		if err := s.withConn(ctx, prep, func(conn *sql.Conn) error {
			_, err := copyRows(ctx, conn, c, prep.sql, cols, tmp)
			return err
		}); err != nil {
			return 0, err
		}
		if err := s.uploadDir(ctx, tmp, c.location); err != nil {
			return 0, err
		}
	}
	if err := s.catalog.CreateTable(ctx, c.db, in, "athena"); err != nil {
		return 0, err
	}
	return rows, s.addWrittenPartitions(ctx, c, tmp)
}

func duckErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return duckError(err)
}

// tableInput is the catalog definition of the new table: the query's
// columns (partition columns last, as Athena requires) in Hive types.
func (c *ctas) tableInput(cols []ColumnInfo) (catalog.TableInput, error) {
	f := ctasFormats[c.format]
	var data, keys []catalog.Column
	for i, col := range cols {
		typ, err := hiveTypeOfResult(col)
		if err != nil {
			return catalog.TableInput{}, err
		}
		cc := catalog.Column{Name: strings.ToLower(col.Name), Type: ptr(typ)}
		if slices.Contains(c.partitionedBy, cc.Name) {
			if i < len(cols)-len(c.partitionedBy) {
				return catalog.TableInput{}, userError(ErrSyntax, "partition columns must be the last columns of the SELECT, in partitioned_by's order")
			}
			keys = append(keys, cc)
			continue
		}
		data = append(data, cc)
	}
	if len(keys) != len(c.partitionedBy) {
		return catalog.TableInput{}, userError(ErrSyntax, "partitioned_by names columns the query does not produce: %s", strings.Join(c.partitionedBy, ", "))
	}
	if len(data) == 0 {
		return catalog.TableInput{}, userError(ErrSyntax, "a CTAS table needs at least one column that is not a partition column")
	}
	serde := map[string]string{}
	if c.format == "textfile" {
		serde["field.delim"] = c.delimiter
	}
	return catalog.TableInput{
		Name: c.name, TableType: ptr("EXTERNAL_TABLE"), PartitionKeys: keys,
		Parameters: map[string]string{"classification": f.class, "EXTERNAL": "TRUE", "has_encrypted_data": "false"},
		StorageDescriptor: &catalog.StorageDescriptor{
			Columns: data, Location: ptr(c.location), InputFormat: ptr(f.input), OutputFormat: ptr(f.output),
			Compressed: c.compression != "",
			SerdeInfo:  &catalog.SerDeInfo{SerializationLibrary: ptr(f.serde), Parameters: serde},
		},
	}, nil
}

// copySQL writes the query's rows into dir as the table's files.
func (c *ctas) copySQL(query string, cols []ColumnInfo, dir string) string {
	f := ctasFormats[c.format]
	opts := []string{"FORMAT " + f.copyFormat}
	switch c.format {
	case "parquet":
		opts = append(opts, "COMPRESSION "+firstNonEmpty(c.compression, "uncompressed"))
	case "json", "textfile":
		opts = append(opts, "COMPRESSION "+firstNonEmpty(c.compression, "none"))
		if c.format == "textfile" {
			opts = append(opts, "DELIMITER "+quoteString(c.delimiter), "HEADER false", "NULLSTR '\\N'")
		}
	}
	base := firstNonEmpty(c.fileBase, "data")
	target := filepath.Join(dir, base+"_0."+c.extension())
	if len(c.partitionedBy) > 0 {
		var q []string
		for _, k := range c.partitionedBy {
			q = append(q, quoteIdent(k))
		}
		target = dir
		opts = append(opts, "PARTITION_BY ("+strings.Join(q, ", ")+")", "FILE_EXTENSION "+quoteString(c.extension()))
		if c.fileBase != "" {
			opts = append(opts, "FILENAME_PATTERN "+quoteString(c.fileBase+"_{i}"))
		}
	}
	// The result's column names, lower-cased as the catalog keeps them.
	var sel []string
	for i, col := range cols {
		sel = append(sel, fmt.Sprintf("#%d AS %s", i+1, quoteIdent(strings.ToLower(col.Name))))
	}
	return fmt.Sprintf("COPY (SELECT %s FROM (%s)) TO %s (%s)", strings.Join(sel, ", "), query, quoteString(target), strings.Join(opts, ", "))
}

// extension names the table's files so readers can tell their compression.
func (c *ctas) extension() string {
	ext := map[string]string{"parquet": "parquet", "json": "json", "textfile": "csv"}[c.format]
	if c.format != "parquet" && c.compression != "" {
		ext += map[string]string{"gzip": ".gz", "zstd": ".zst", "snappy": ".snappy"}[c.compression]
	}
	return ext
}

// uploadDir puts every file under dir into the lake under location.
func (s *Service) uploadDir(ctx context.Context, dir, location string) error {
	bucket, prefix, err := parseS3(location)
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		key := dirPrefix(prefix) + filepath.ToSlash(rel)
		if err := checkWrite(ctx, bucket, key); err != nil {
			return err
		}
		if _, err := s.lake.PutObject(ctx, bucket, key, f, lake.PutOptions{}); err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
		return nil
	})
}

// addWrittenPartitions catalogs the key=value folders COPY wrote.
func (s *Service) addWrittenPartitions(ctx context.Context, c *ctas, dir string) error {
	if len(c.partitionedBy) == 0 {
		return nil
	}
	t, err := s.catalog.GetTable(ctx, c.db, c.name)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var parts []catalog.PartitionInput
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		if seen[rel] {
			return nil
		}
		seen[rel] = true
		values, ok := hiveValues(rel+"/", t.PartitionKeys)
		if !ok {
			return fmt.Errorf("ctas wrote an unexpected folder %s", rel)
		}
		parts = append(parts, partitionInput(t, values, c.location+rel+"/"))
		return nil
	})
	if err != nil {
		return err
	}
	if len(parts) > 0 {
		if err := checkCatalog(ctx, "glue:BatchCreatePartition", c.db, c.name); err != nil {
			return err
		}
	}
	for _, in := range parts {
		if err := s.catalog.CreatePartition(ctx, c.db, c.name, in); err != nil {
			return fmt.Errorf("add partition: %w", err)
		}
	}
	return nil
}

// hiveTypeOfResult is the Hive type a result column is catalogued as.
func hiveTypeOfResult(c ColumnInfo) (string, error) {
	switch c.Type {
	case "varchar", "char":
		return "string", nil
	case "integer":
		return "int", nil
	case "real":
		return "float", nil
	case "boolean", "tinyint", "smallint", "bigint", "double", "date", "timestamp":
		return c.Type, nil
	case "decimal":
		return fmt.Sprintf("decimal(%d,%d)", c.Precision, c.Scale), nil
	}
	return "", userError(ErrNotSupported, "column %s: CTAS of %s columns is not supported yet", c.Name, c.Type)
}
