package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// externalSchema maps a warehouse schema onto a Glue catalog database.
type externalSchema struct {
	name, database, iamRole, region string
}

// loadExternalSchemas reads the definitions on the session's connection,
// so a transaction sees its own changes.
func loadExternalSchemas(ctx context.Context, c *conn) (map[string]externalSchema, error) {
	rows, err := c.QueryContext(ctx, `SELECT schemaname, databasename, iam_role, coalesce(region, '') FROM `+internalSchema+`.external_schemas`)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	out := map[string]externalSchema{}
	for rows.Next() {
		var es externalSchema
		if err := rows.Scan(&es.name, &es.database, &es.iamRole, &es.region); err != nil {
			return nil, duckError(err)
		}
		out[es.name] = es
	}
	return out, rows.Err()
}

// createExternalSchema handles
//
//	CREATE EXTERNAL SCHEMA [IF NOT EXISTS] s FROM [DATA CATALOG] DATABASE 'db'
//	  [REGION 'r'] IAM_ROLE 'arn' [CREATE EXTERNAL DATABASE IF NOT EXISTS]
//
// toks start after CREATE EXTERNAL SCHEMA.
func (e *engine) createExternalSchema(ctx context.Context, c *conn, toks []token) (*result, error) {
	p := &parser{toks: toks}
	ifNotExists := p.accept("if", "not", "exists")
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	es := externalSchema{name: name}
	createDB := false
	if !p.accept("from") {
		return nil, p.errorf("expected FROM DATA CATALOG")
	}
	if p.accept("hive", "metastore") || p.accept("postgres") || p.accept("mysql") || p.accept("kinesis") || p.accept("msk") || p.accept("redshift") || p.accept("kafka") {
		return nil, newPGError(codeFeatureNotSupported, "only external schemas FROM DATA CATALOG are supported")
	}
	p.accept("data", "catalog")
	for !p.done() {
		switch {
		case p.accept("database"):
			es.database, err = p.str()
		case p.accept("region"):
			es.region, err = p.str()
		case p.accept("iam_role"):
			if p.accept("default") {
				es.iamRole = "default"
			} else {
				es.iamRole, err = p.str()
			}
		case p.accept("create", "external", "database", "if", "not", "exists"):
			createDB = true
		default:
			return nil, p.errorf("unsupported CREATE EXTERNAL SCHEMA option")
		}
		if err != nil {
			return nil, err
		}
	}
	if es.database == "" || es.iamRole == "" {
		return nil, syntaxError("CREATE EXTERNAL SCHEMA needs DATABASE 'name' and IAM_ROLE")
	}
	es.database = catalog.NormalizeName(es.database)
	// Redshift assumes the role and reads the database as it.
	if err := e.spectrum(c.user).checkSchema(ctx, es); err != nil {
		return nil, err
	}
	if err := e.ensureCatalogDatabase(ctx, es.database, createDB); err != nil {
		return nil, err
	}
	return e.storeExternalSchema(ctx, c, es, ifNotExists)
}

// ensureCatalogDatabase checks the Glue database, creating it when the
// statement asked to.
func (e *engine) ensureCatalogDatabase(ctx context.Context, db string, create bool) error {
	_, err := e.opts.Catalog.GetDatabase(ctx, db)
	if err == nil {
		return nil
	}
	if !errors.Is(err, catalog.ErrNotFound) {
		return fmt.Errorf("catalog database %s: %w", db, err)
	}
	if !create {
		return newPGError(codeUndefinedSchema, fmt.Sprintf("External database %q does not exist in the data catalog; add CREATE EXTERNAL DATABASE IF NOT EXISTS to create it", db))
	}
	err = e.opts.Catalog.CreateDatabase(ctx, catalog.DatabaseInput{Name: db}, nil)
	if err != nil && !errors.Is(err, catalog.ErrAlreadyExists) {
		return fmt.Errorf("create catalog database %s: %w", db, err)
	}
	return nil
}

// storeExternalSchema creates the (empty) DuckDB schema, which makes the
// name show in pg_namespace and information_schema, and records where it
// points, in one transaction.
func (e *engine) storeExternalSchema(ctx context.Context, c *conn, es externalSchema, ifNotExists bool) (*result, error) {
	exists, err := schemaExists(ctx, c, es.name)
	if err != nil {
		return nil, err
	}
	if exists {
		if ifNotExists {
			return &result{tag: "CREATE SCHEMA", notices: []notice{{"NOTICE", fmt.Sprintf("schema %q already exists, skipping", es.name)}}}, nil
		}
		return nil, newPGError(codeDuplicateSchema, fmt.Sprintf("Schema %q already exists", es.name))
	}
	err = inTx(ctx, c, func() error {
		if err := execAll(ctx, c, "CREATE SCHEMA "+quoteIdent(es.name)); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `INSERT INTO `+internalSchema+`.external_schemas VALUES (?, ?, ?, ?, ?)`,
			es.name, es.database, es.iamRole, nullIfEmpty(es.region), time.Now().UTC())
		if err != nil {
			return duckError(err)
		}
		return recordCreated(ctx, c, schemaKey(es.name))
	})
	if err != nil {
		return nil, err
	}
	return &result{tag: "CREATE SCHEMA"}, nil
}

func schemaExists(ctx context.Context, c *conn, name string) (bool, error) {
	found, err := queryStrings(ctx, c, `SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() AND schema_name = ?`, name)
	return len(found) > 0, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dropSchema handles DROP SCHEMA [IF EXISTS] s[, ...] [DROP EXTERNAL
// DATABASE] [CASCADE | RESTRICT] for local and external schemas; toks
// start after DROP SCHEMA.
func (e *engine) dropSchema(ctx context.Context, c *conn, toks []token) (*result, error) {
	p := &parser{toks: toks}
	ifExists := p.accept("if", "exists")
	var names []string
	for {
		n, err := p.ident()
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		if !p.acceptPunct(",") {
			break
		}
	}
	dropDB := p.accept("drop", "external", "database")
	cascade := p.accept("cascade")
	if !cascade {
		p.accept("restrict")
	}
	if !p.done() {
		return nil, p.errorf("unexpected text in DROP SCHEMA")
	}
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return nil, err
	}
	res := &result{tag: "DROP SCHEMA"}
	for _, n := range names {
		if err := e.dropOneSchema(ctx, c, n, ext, ifExists, dropDB, cascade, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (e *engine) dropOneSchema(ctx context.Context, c *conn, name string, ext map[string]externalSchema, ifExists, dropDB, cascade bool, res *result) error {
	es, external := ext[name]
	if !external {
		exists, err := schemaExists(ctx, c, name)
		if err != nil {
			return err
		}
		if !exists {
			if ifExists {
				res.notices = append(res.notices, notice{"NOTICE", fmt.Sprintf("schema %q does not exist, skipping", name)})
				return nil
			}
			return newPGError(codeUndefinedSchema, fmt.Sprintf("schema %q does not exist", name))
		}
		if localSchemas[name] {
			return newPGError(codeFeatureNotSupported, fmt.Sprintf("schema %q cannot be dropped", name))
		}
		stmt := "DROP SCHEMA " + quoteIdent(name)
		if cascade {
			stmt += " CASCADE"
		}
		return inTx(ctx, c, func() error {
			if err := execAll(ctx, c, stmt); err != nil {
				return err
			}
			_, err := c.ExecContext(ctx, `DELETE FROM `+internalSchema+`.materialized_views WHERE schemaname = ?`, name)
			return err
		})
	}
	if dropDB {
		if err := e.dropCatalogDatabase(ctx, es.database, cascade, res); err != nil {
			return err
		}
	}
	return inTx(ctx, c, func() error {
		if err := execAll(ctx, c, "DROP SCHEMA "+quoteIdent(name)+" CASCADE"); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `DELETE FROM `+internalSchema+`.external_schemas WHERE schemaname = ?`, name)
		return err
	})
}

// dropCatalogDatabase deletes the Glue database behind an external
// schema; with tables in it only under CASCADE (RESTRICT is the default).
func (e *engine) dropCatalogDatabase(ctx context.Context, db string, cascade bool, res *result) error {
	tables, _, err := e.opts.Catalog.GetTables(ctx, db, "", catalog.Page{Max: 1})
	if errors.Is(err, catalog.ErrNotFound) {
		res.notices = append(res.notices, notice{"NOTICE", fmt.Sprintf("external database %q does not exist", db)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("catalog database %s: %w", db, err)
	}
	if len(tables) > 0 && !cascade {
		return newPGError(codeDependentObjects, fmt.Sprintf("cannot drop external database %q because other objects depend on it; use CASCADE to drop them too", db))
	}
	if err := e.opts.Catalog.DeleteDatabase(ctx, db); err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return fmt.Errorf("drop catalog database %s: %w", db, err)
	}
	return nil
}

// parser reads a statement's tokens keyword by keyword.
type parser struct {
	toks []token
	i    int
}

func (p *parser) done() bool { return p.i >= len(p.toks) }

// accept consumes the keywords kws in sequence if all are next.
func (p *parser) accept(kws ...string) bool {
	if p.i+len(kws) > len(p.toks) {
		return false
	}
	for k, kw := range kws {
		if !p.toks[p.i+k].is(kw) {
			return false
		}
	}
	p.i += len(kws)
	return true
}

func (p *parser) acceptPunct(s string) bool {
	if p.i < len(p.toks) && p.toks[p.i].isPunct(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) ident() (string, error) {
	if p.done() || !p.toks[p.i].isName() {
		return "", p.errorf("expected a name")
	}
	p.i++
	return p.toks[p.i-1].name(), nil
}

// qualified reads name or schema.name.
func (p *parser) qualified() ([]string, error) {
	first, err := p.ident()
	if err != nil {
		return nil, err
	}
	parts := []string{first}
	for p.acceptPunct(".") {
		n, err := p.ident()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	return parts, nil
}

func (p *parser) str() (string, error) {
	p.accept("as")
	if p.done() || p.toks[p.i].kind != tString {
		return "", p.errorf("expected a quoted string")
	}
	p.i++
	return p.toks[p.i-1].str(), nil
}

func (p *parser) errorf(msg string) error {
	if p.done() {
		return syntaxError(msg + " at end of input")
	}
	return syntaxError(fmt.Sprintf("%s at or near %q", msg, strings.TrimSpace(p.toks[p.i].text)))
}
