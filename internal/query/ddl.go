package query

import (
	"context"
	"errors"
	"path"
	"sort"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

func isNotFound(err error) bool { return errors.Is(err, catalog.ErrNotFound) }

// ddlError reports a catalog failure of a DDL statement.
func ddlError(err error) error {
	var ce *catalog.Error
	var qe *QueryError
	switch {
	case errors.As(err, &qe):
		return err
	case errors.As(err, &ce):
		return &QueryError{Category: CategoryUser, Type: TypeDDLFailed, Code: "FAILED", Message: ce.Error(), Err: err}
	}
	return err
}

// ddl runs CREATE, DROP, ALTER, MSCK, SHOW and DESCRIBE statements.
func (s *Service) ddl(ctx context.Context, e *Execution, toks []token) (*execResult, error) {
	p := &ddlParser{src: e.Query, toks: toks}
	out := &execResult{writer: s.newWriter(false)}
	var err error
	switch {
	case p.accept("create", "database"), p.accept("create", "schema"):
		err = s.createDatabase(ctx, p)
	case p.accept("drop", "database"), p.accept("drop", "schema"):
		err = s.dropDatabase(ctx, p)
	case p.accept("create", "external", "table"):
		err = s.createTable(ctx, p, e)
	case p.accept("create", "table"):
		out.updateCount, err = s.createTableAs(ctx, p, e)
	case p.accept("drop", "table"):
		err = s.dropTable(ctx, p, e)
	case p.accept("create", "or", "replace", "view"):
		err = s.createView(ctx, p, e, true)
	case p.accept("create", "view"):
		err = s.createView(ctx, p, e, false)
	case p.accept("drop", "view"):
		err = s.dropView(ctx, p, e)
	case p.accept("msck", "repair", "table"):
		err = s.repairTable(ctx, p, e, out.writer)
	case p.accept("alter", "table"):
		err = s.alterTable(ctx, p, e)
	case p.accept("show"), p.accept("describe"), p.accept("desc"):
		p.i--
		var handled bool
		if handled, err = s.showViews(ctx, p, e, out); !handled {
			err = s.show(ctx, p, e, out)
		} else if err == nil && !p.done() {
			err = p.errf("Expecting: end of statement")
		}
	default:
		err = p.errf("Expecting: a DDL statement")
	}
	if err != nil {
		return nil, ddlError(err)
	}
	if len(out.columns) == 0 {
		out.columns = nil
	}
	return out, nil
}

func (s *Service) createDatabase(ctx context.Context, p *ddlParser) error {
	ifNotExists := p.accept("if", "not", "exists")
	name, err := p.name()
	if err != nil {
		return err
	}
	in := catalog.DatabaseInput{Name: name}
	for !p.done() {
		switch {
		case p.accept("comment"):
			c, err := p.str()
			if err != nil {
				return err
			}
			in.Description = &c
		case p.accept("location"):
			l, err := p.str()
			if err != nil {
				return err
			}
			in.LocationUri = &l
		case p.accept("with", "dbproperties"):
			if in.Parameters, err = p.properties(); err != nil {
				return err
			}
		default:
			return p.errf("Expecting: COMMENT, LOCATION or WITH DBPROPERTIES")
		}
	}
	if err := checkCatalog(ctx, "glue:CreateDatabase", name, ""); err != nil {
		return err
	}
	err = s.catalog.CreateDatabase(ctx, in, nil)
	if errors.Is(err, catalog.ErrAlreadyExists) {
		if ifNotExists {
			return nil
		}
		return userError("FAILED", "Database %s already exists", name)
	}
	return err
}

func (s *Service) dropDatabase(ctx context.Context, p *ddlParser) error {
	ifExists := p.accept("if", "exists")
	name, err := p.name()
	if err != nil {
		return err
	}
	cascade := p.accept("cascade")
	if !cascade {
		p.accept("restrict")
	}
	if !p.done() {
		return p.errf("Expecting: CASCADE, RESTRICT or end of statement")
	}
	if err := checkCatalog(ctx, "glue:DeleteDatabase", name, ""); err != nil {
		return err
	}
	if _, err := s.catalog.GetDatabase(ctx, name); isNotFound(err) {
		if ifExists {
			return nil
		}
		return userError("FAILED", "Database does not exist: %s", name)
	}
	if !cascade {
		tables, _, err := s.catalog.GetTables(ctx, name, "", catalog.Page{Max: 1})
		if err != nil {
			return err
		}
		if len(tables) > 0 {
			return userError("FAILED", "InvalidOperationException: Database %s is not empty. One or more tables exist.", name)
		}
	}
	return s.catalog.DeleteDatabase(ctx, name)
}

func (s *Service) createTable(ctx context.Context, p *ddlParser, e *Execution) error {
	db, in, ifNotExists, err := p.parseCreateTable(e.Database)
	if err != nil {
		return err
	}
	if _, err := s.catalog.GetDatabase(ctx, db); isNotFound(err) {
		return userError(ErrSchemaNotFound, "Schema '%s' does not exist", db)
	}
	if err := checkCatalog(ctx, "glue:CreateTable", db, in.Name); err != nil {
		return err
	}
	err = s.catalog.CreateTable(ctx, db, in, "athena")
	if errors.Is(err, catalog.ErrAlreadyExists) {
		if ifNotExists {
			return nil
		}
		return userError("FAILED", "AlreadyExistsException: Table %s already exists", in.Name)
	}
	return err
}

func (s *Service) dropTable(ctx context.Context, p *ddlParser, e *Execution) error {
	ifExists := p.accept("if", "exists")
	db, name, err := p.qualified(e.Database)
	if err != nil {
		return err
	}
	if err := checkCatalog(ctx, "glue:DeleteTable", db, name); err != nil {
		return err
	}
	if t, err := s.catalog.GetTable(ctx, db, name); err == nil && isCatalogView(t) {
		return userError("FAILED", "Cannot drop a view with DROP TABLE")
	}
	err = s.catalog.DeleteTable(ctx, db, name)
	if isNotFound(err) {
		if ifExists {
			return nil
		}
		return userError("FAILED", "SemanticException [Error 10001]: Table not found %s.%s", db, name)
	}
	return err
}

// tableArg parses a table name and loads it.
func (s *Service) tableArg(ctx context.Context, p *ddlParser, e *Execution) (*catalog.Table, error) {
	db, name, err := p.qualified(e.Database)
	if err != nil {
		return nil, err
	}
	if err := checkTable(ctx, db, name); err != nil {
		return nil, err
	}
	t, err := s.catalog.GetTable(ctx, db, name)
	if isNotFound(err) {
		return nil, userError(ErrTableNotFound, "Table %s.%s does not exist", db, name)
	}
	return t, err
}

// partitionDir is the Hive directory name of partition values: k1=v1/k2=v2.
func partitionDir(keys []catalog.Column, values []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Name + "=" + values[i]
	}
	return strings.Join(parts, "/")
}

// partitionInput builds a partition with the table's storage at loc.
func partitionInput(t *catalog.Table, values []string, loc string) catalog.PartitionInput {
	sd := *t.StorageDescriptor
	sd.Location = &loc
	return catalog.PartitionInput{Values: values, StorageDescriptor: &sd}
}

// repairTable adds the key=value directories under the table's location
// that the catalog does not list yet (MSCK REPAIR TABLE).
func (s *Service) repairTable(ctx context.Context, p *ddlParser, e *Execution, w *resultWriter) error {
	t, err := s.tableArg(ctx, p, e)
	if err != nil {
		return err
	}
	if len(t.PartitionKeys) == 0 {
		return userError("FAILED", "Table %s.%s is not partitioned", t.DatabaseName, t.Name)
	}
	loc := dirPrefixURI(*t.StorageDescriptor.Location)
	files, err := s.listFiles(ctx, loc)
	if err != nil {
		return err
	}
	found := map[string][]string{}
	dirs := map[string]string{}
	for _, f := range files {
		values, ok := hiveValues(f.key, t.PartitionKeys)
		if !ok {
			continue
		}
		k := strings.Join(values, "\x00")
		if _, seen := found[k]; !seen {
			found[k] = values
			dirs[k] = path.Dir(f.key)
		}
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ins []catalog.PartitionInput
	for _, k := range keys {
		if _, err := s.catalog.GetPartition(ctx, t.DatabaseName, t.Name, found[k]); err == nil {
			continue
		} else if !isNotFound(err) {
			return err
		}
		ins = append(ins, partitionInput(t, found[k], loc+dirs[k]+"/"))
	}
	if len(ins) == 0 {
		return nil
	}
	var names []string
	for _, in := range ins {
		names = append(names, t.Name+":"+partitionDir(t.PartitionKeys, in.Values))
	}
	v := "Partitions not in metastore:\t" + strings.Join(names, "\t")
	w.writeRow([]*string{&v})
	if err := checkCatalog(ctx, "glue:BatchCreatePartition", t.DatabaseName, t.Name); err != nil {
		return err
	}
	errs, err := s.catalog.BatchCreatePartition(ctx, t.DatabaseName, t.Name, ins)
	if err != nil {
		return err
	}
	failed := map[int]bool{}
	for _, ee := range errs {
		failed[ee.Index] = true
	}
	for i, n := range names {
		if !failed[i] {
			line := "Repair: Added partition to metastore " + n
			w.writeRow([]*string{&line})
		}
	}
	return nil
}

func dirPrefixURI(loc string) string {
	if !strings.HasSuffix(loc, "/") {
		loc += "/"
	}
	return loc
}

// alterTable runs ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (...)
// [LOCATION '...'] ... and ALTER TABLE t DROP [IF EXISTS] PARTITION (...), ...
func (s *Service) alterTable(ctx context.Context, p *ddlParser, e *Execution) error {
	t, err := s.tableArg(ctx, p, e)
	if err != nil {
		return err
	}
	values := func() ([]string, error) {
		spec, err := p.partitionSpec()
		if err != nil {
			return nil, err
		}
		vals := make([]string, len(t.PartitionKeys))
		for i, k := range t.PartitionKeys {
			v, ok := spec[strings.ToLower(k.Name)]
			if !ok {
				return nil, userError("FAILED", "Partition spec is missing key %s of table %s.%s", k.Name, t.DatabaseName, t.Name)
			}
			vals[i] = v
		}
		if len(spec) != len(t.PartitionKeys) {
			return nil, userError("FAILED", "Partition spec has keys that are not partition keys of %s.%s", t.DatabaseName, t.Name)
		}
		return vals, nil
	}
	switch {
	case p.accept("add"):
		ifNotExists := p.accept("if", "not", "exists")
		for p.accept("partition") {
			vals, err := values()
			if err != nil {
				return err
			}
			loc := dirPrefixURI(*t.StorageDescriptor.Location) + partitionDir(t.PartitionKeys, vals) + "/"
			if p.accept("location") {
				if loc, err = p.str(); err != nil {
					return err
				}
			}
			if err := checkCatalog(ctx, "glue:BatchCreatePartition", t.DatabaseName, t.Name); err != nil {
				return err
			}
			err = s.catalog.CreatePartition(ctx, t.DatabaseName, t.Name, partitionInput(t, vals, loc))
			if errors.Is(err, catalog.ErrAlreadyExists) {
				if ifNotExists {
					continue
				}
				return userError("FAILED", "AlreadyExistsException: Partition already exists: %s", partitionDir(t.PartitionKeys, vals))
			}
			if err != nil {
				return err
			}
		}
	case p.accept("drop"):
		ifExists := p.accept("if", "exists")
		for p.accept("partition") {
			vals, err := values()
			if err != nil {
				return err
			}
			if err := checkCatalog(ctx, "glue:BatchDeletePartition", t.DatabaseName, t.Name); err != nil {
				return err
			}
			err = s.catalog.DeletePartition(ctx, t.DatabaseName, t.Name, vals)
			if isNotFound(err) && !ifExists {
				return userError("FAILED", "SemanticException [Error 10006]: Partition not found %s", partitionDir(t.PartitionKeys, vals))
			}
			if err != nil && !isNotFound(err) {
				return err
			}
			p.punct(",")
		}
	default:
		return p.errf("Expecting: ADD PARTITION or DROP PARTITION")
	}
	if !p.done() {
		return p.errf("Expecting: PARTITION or end of statement")
	}
	return nil
}
