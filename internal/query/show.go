package query

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// show runs SHOW ... and DESCRIBE; rows go to out as text lines.
func (s *Service) show(ctx context.Context, p *ddlParser, e *Execution, out *execResult) error {
	w := out.writer
	line := func(fields ...string) {
		row := make([]*string, len(fields))
		for i := range fields {
			row[i] = &fields[i]
		}
		w.writeRow(row)
	}
	switch {
	case p.accept("show", "databases"), p.accept("show", "schemas"):
		p.accept("like")
		match, err := p.pattern()
		if err != nil {
			return err
		}
		out.columns = []ColumnInfo{textColumn("database_name")}
		names, err := s.databaseNames(ctx)
		if err != nil {
			return err
		}
		for _, n := range names {
			if match(n) {
				line(n)
			}
		}
	case p.accept("show", "tables"):
		db := e.Database
		if p.accept("in") || p.accept("from") {
			var err error
			if db, err = p.name(); err != nil {
				return err
			}
		}
		match, err := p.pattern()
		if err != nil {
			return err
		}
		out.columns = []ColumnInfo{textColumn("tab_name")}
		if _, err := s.catalog.GetDatabase(ctx, db); isNotFound(err) {
			return userError(ErrSchemaNotFound, "Schema '%s' does not exist", db)
		}
		tables, err := s.tables(ctx, db)
		if err != nil {
			return err
		}
		for _, t := range tables {
			if match(t.Name) {
				line(t.Name)
			}
		}
	case p.accept("show", "columns"):
		if !p.accept("in") && !p.accept("from") {
			return p.errf("Expecting: IN or FROM")
		}
		db, name, err := p.qualified(e.Database)
		if err != nil {
			return err
		}
		if p.accept("in") || p.accept("from") {
			if db, err = p.name(); err != nil {
				return err
			}
		}
		t, err := s.catalog.GetTable(ctx, db, name)
		if isNotFound(err) {
			return userError(ErrTableNotFound, "Table %s.%s does not exist", db, name)
		} else if err != nil {
			return err
		}
		out.columns = []ColumnInfo{textColumn("field")}
		for _, c := range t.Columns() {
			line(c.Name)
		}
	case p.accept("show", "partitions"):
		t, err := s.tableArg(ctx, p, e)
		if err != nil {
			return err
		}
		if len(t.PartitionKeys) == 0 {
			return userError("FAILED", "SemanticException [Error 10241]: Table %s is not a partitioned table", t.Name)
		}
		out.columns = []ColumnInfo{textColumn("partition")}
		parts, err := s.allPartitions(ctx, t)
		if err != nil {
			return err
		}
		for _, pt := range parts {
			line(partitionDir(t.PartitionKeys, pt.Values))
		}
	case p.accept("show", "create", "table"):
		t, err := s.tableArg(ctx, p, e)
		if err != nil {
			return err
		}
		if isCatalogView(t) {
			return userError(ErrNotSupported, "line 1:1: Relation 'awsdatacatalog.%s.%s' is a view, not a table", t.DatabaseName, t.Name)
		}
		out.columns = []ColumnInfo{textColumn("createtab_stmt")}
		for _, l := range showCreateTable(t) {
			line(l)
		}
	case p.accept("show", "tblproperties"):
		t, err := s.tableArg(ctx, p, e)
		if err != nil {
			return err
		}
		out.columns = []ColumnInfo{textColumn("prpt_name"), textColumn("prpt_value")}
		for _, k := range sortedKeys(t.Parameters) {
			line(k, t.Parameters[k])
		}
	case p.accept("describe"), p.accept("desc"):
		if !p.accept("formatted") {
			p.accept("extended")
		}
		t, err := s.tableArg(ctx, p, e)
		if err != nil {
			return err
		}
		out.columns = []ColumnInfo{textColumn("col_name"), textColumn("data_type"), textColumn("comment")}
		describe := func(cols []catalog.Column) {
			for _, c := range cols {
				typ, cm := "", ""
				if c.Type != nil {
					typ = *c.Type
				}
				if c.Comment != nil {
					cm = *c.Comment
				}
				line(fmt.Sprintf("%-20s", c.Name), fmt.Sprintf("%-20s", typ), fmt.Sprintf("%-20s", cm))
			}
		}
		describe(t.Columns())
		if len(t.PartitionKeys) > 0 {
			line("")
			line("# Partition Information")
			line(fmt.Sprintf("%-20s", "# col_name"), fmt.Sprintf("%-20s", "data_type"), fmt.Sprintf("%-20s", "comment"))
			line("")
			describe(t.PartitionKeys)
		}
	default:
		return p.errf("Expecting: DATABASES, SCHEMAS, TABLES, COLUMNS, PARTITIONS, CREATE TABLE or TBLPROPERTIES")
	}
	if !p.done() {
		return p.errf("Expecting: end of statement")
	}
	return nil
}

// pattern parses an optional SHOW pattern: Hive's '*' wildcard and '|'
// alternatives, case-insensitive.
func (p *ddlParser) pattern() (func(string) bool, error) {
	if p.done() || p.peek().kind != tString {
		return func(string) bool { return true }, nil
	}
	pat, _ := p.str()
	var alts []string
	for _, a := range strings.Split(pat, "|") {
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(strings.TrimSpace(a)), `\*`, ".*"))
	}
	re, err := regexp.Compile("(?i)^(" + strings.Join(alts, "|") + ")$")
	if err != nil {
		return nil, userError(ErrSyntax, "bad pattern %q: %v", pat, err)
	}
	return re.MatchString, nil
}

func (s *Service) databaseNames(ctx context.Context) ([]string, error) {
	var names []string
	page := catalog.Page{}
	for {
		dbs, next, err := s.catalog.GetDatabases(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, d := range dbs {
			names = append(names, d.Name)
		}
		if next == "" {
			sort.Strings(names)
			return names, nil
		}
		page.Token = next
	}
}

func (s *Service) tables(ctx context.Context, db string) ([]catalog.Table, error) {
	var out []catalog.Table
	page := catalog.Page{}
	for {
		ts, next, err := s.catalog.GetTables(ctx, db, "", page)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
		if next == "" {
			sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
			return out, nil
		}
		page.Token = next
	}
}

func (s *Service) allPartitions(ctx context.Context, t *catalog.Table) ([]catalog.Partition, error) {
	var out []catalog.Partition
	q := catalog.PartitionQuery{}
	for {
		ps, next, err := s.catalog.GetPartitions(ctx, t.DatabaseName, t.Name, q)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if next == "" {
			return out, nil
		}
		q.Token = next
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// showCreateTable renders a table's DDL as Athena prints it.
func showCreateTable(t *catalog.Table) []string {
	colLines := func(cols []catalog.Column) []string {
		out := make([]string, len(cols))
		for i, c := range cols {
			typ := ""
			if c.Type != nil {
				typ = *c.Type
			}
			out[i] = fmt.Sprintf("  `%s` %s", c.Name, typ)
			if c.Comment != nil {
				out[i] += " COMMENT " + quoteString(*c.Comment)
			}
			if i < len(cols)-1 {
				out[i] += ", "
			}
		}
		return out
	}
	props := func(m map[string]string) []string {
		keys := sortedKeys(m)
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = fmt.Sprintf("  %s=%s", quoteString(k), quoteString(m[k]))
			if i < len(keys)-1 {
				out[i] += ", "
			}
		}
		return out
	}
	sd := t.StorageDescriptor
	lines := []string{fmt.Sprintf("CREATE EXTERNAL TABLE `%s`.`%s`(", t.DatabaseName, t.Name)}
	cl := colLines(sd.Columns)
	if len(cl) > 0 {
		cl[len(cl)-1] += ")"
	}
	lines = append(lines, cl...)
	if len(t.PartitionKeys) > 0 {
		lines = append(lines, "PARTITIONED BY ( ")
		pl := colLines(t.PartitionKeys)
		pl[len(pl)-1] += ")"
		lines = append(lines, pl...)
	}
	if sd.SerdeInfo != nil && sd.SerdeInfo.SerializationLibrary != nil {
		lines = append(lines, "ROW FORMAT SERDE ", "  "+quoteString(*sd.SerdeInfo.SerializationLibrary)+" ")
		if len(sd.SerdeInfo.Parameters) > 0 {
			lines = append(lines, "WITH SERDEPROPERTIES ( ")
			pl := props(sd.SerdeInfo.Parameters)
			pl[len(pl)-1] += ") "
			lines = append(lines, pl...)
		}
	}
	if sd.InputFormat != nil && sd.OutputFormat != nil {
		lines = append(lines, "STORED AS INPUTFORMAT ", "  "+quoteString(*sd.InputFormat)+" ", "OUTPUTFORMAT ", "  "+quoteString(*sd.OutputFormat))
	}
	if sd.Location != nil {
		lines = append(lines, "LOCATION", "  "+quoteString(*sd.Location))
	}
	if len(t.Parameters) > 0 {
		lines = append(lines, "TBLPROPERTIES (")
		pl := props(t.Parameters)
		pl[len(pl)-1] += ")"
		lines = append(lines, pl...)
	}
	return lines
}
