package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// viewBuilder renders a system view as a DuckDB SELECT, built at query
// time from the Glue catalog and the session's database.
type viewBuilder func(ctx context.Context, c *conn) (string, error)

// systemView returns the builder for a system view name, or nil.
func (e *engine) systemView(parts []string) viewBuilder {
	name := parts[len(parts)-1]
	switch {
	case len(parts) == 1 || len(parts) == 2 && parts[0] == "pg_catalog":
		switch name {
		case "svv_external_schemas":
			return e.svvExternalSchemas
		case "svv_external_tables":
			return e.externalView(externalTableCols, externalTableRows)
		case "svv_external_columns":
			return e.externalView(externalColumnCols, externalColumnRows)
		case "svv_external_partitions":
			return e.svvExternalPartitions
		case "pg_database":
			return pgDatabase
		}
		if build := e.pgCatalogView(name); build != nil {
			return build
		}
	case len(parts) == 2 && parts[0] == "information_schema":
		switch name {
		case "schemata":
			return infoSchemata
		case "tables":
			return e.infoTables
		case "columns":
			return e.infoColumns
		}
	}
	return nil
}

// column is a system view column: name and DuckDB type.
type column struct{ name, typ string }

// valuesSQL renders rows as a typed SELECT over VALUES.
func valuesSQL(cols []column, rows [][]any) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = fmt.Sprintf("CAST(c%d AS %s) AS %s", i, c.typ, quoteIdent(c.name))
	}
	if len(rows) == 0 {
		for i, c := range cols {
			sel[i] = fmt.Sprintf("CAST(NULL AS %s) AS %s", c.typ, quoteIdent(c.name))
		}
		return "SELECT " + strings.Join(sel, ", ") + " WHERE false"
	}
	tuples := make([]string, len(rows))
	for r, row := range rows {
		vals := make([]string, len(row))
		for i, v := range row {
			vals[i] = sqlLiteral(v)
		}
		tuples[r] = "(" + strings.Join(vals, ", ") + ")"
	}
	names := make([]string, len(cols))
	for i := range cols {
		names[i] = fmt.Sprintf("c%d", i)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (VALUES " + strings.Join(tuples, ", ") + ") AS v(" + strings.Join(names, ", ") + ")"
}

func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return quoteString(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return quoteString(fmt.Sprint(v))
}

var externalSchemaCols = []column{{"esoid", "BIGINT"}, {"eskind", "SMALLINT"}, {"schemaname", "VARCHAR"},
	{"esowner", "INTEGER"}, {"databasename", "VARCHAR"}, {"esoptions", "VARCHAR"}}

func (e *engine) svvExternalSchemas(ctx context.Context, c *conn) (string, error) {
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return "", err
	}
	var rows [][]any
	for i, es := range sortedSchemas(ext) {
		opts := map[string]string{"IAM_ROLE": es.iamRole}
		if es.region != "" {
			opts["REGION"] = es.region
		}
		b, _ := json.Marshal(opts)
		// eskind 1 is an external schema over the Glue Data Catalog.
		rows = append(rows, []any{100000 + i, 1, es.name, 100, es.database, string(b)})
	}
	return valuesSQL(externalSchemaCols, rows), nil
}

func sortedSchemas(ext map[string]externalSchema) []externalSchema {
	out := make([]externalSchema, 0, len(ext))
	for _, es := range ext {
		out = append(out, es)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// externalTables lists every table of every external schema.
func (e *engine) externalTables(ctx context.Context, c *conn, fn func(es externalSchema, t *catalog.Table)) error {
	ext, err := loadExternalSchemas(ctx, c)
	if err != nil {
		return err
	}
	for _, es := range sortedSchemas(ext) {
		page := catalog.Page{}
		for {
			ts, next, err := e.opts.Catalog.GetTables(ctx, es.database, "", page)
			if err != nil {
				break // the Glue database was dropped elsewhere: nothing to list
			}
			for i := range ts {
				fn(es, &ts[i])
			}
			if next == "" {
				break
			}
			page.Token = next
		}
	}
	return nil
}

// externalView builds a view with one or more rows per external table.
func (e *engine) externalView(cols []column, rowsOf func(es externalSchema, t *catalog.Table) [][]any) viewBuilder {
	return func(ctx context.Context, c *conn) (string, error) {
		var rows [][]any
		err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
			rows = append(rows, rowsOf(es, t)...)
		})
		if err != nil {
			return "", err
		}
		return valuesSQL(cols, rows), nil
	}
}

var externalTableCols = []column{{"redshift_database_name", "VARCHAR"}, {"schemaname", "VARCHAR"}, {"tablename", "VARCHAR"},
	{"tabletype", "VARCHAR"}, {"location", "VARCHAR"}, {"input_format", "VARCHAR"}, {"output_format", "VARCHAR"},
	{"serialization_lib", "VARCHAR"}, {"serde_parameters", "VARCHAR"}, {"compressed", "INTEGER"}, {"parameters", "VARCHAR"}}

func externalTableRows(es externalSchema, t *catalog.Table) [][]any {
	sd := t.StorageDescriptor
	if sd == nil {
		sd = &catalog.StorageDescriptor{}
	}
	lib, serde := serdeOf(sd)
	tableType := "EXTERNAL_TABLE"
	if t.TableType != nil {
		tableType = *t.TableType
	}
	return [][]any{{database, es.name, t.Name, tableType, deref(sd.Location), deref(sd.InputFormat), deref(sd.OutputFormat),
		lib, serde, boolInt(sd.Compressed), jsonText(t.Parameters)}}
}

var externalColumnCols = []column{{"redshift_database_name", "VARCHAR"}, {"schemaname", "VARCHAR"}, {"tablename", "VARCHAR"},
	{"columnname", "VARCHAR"}, {"external_type", "VARCHAR"}, {"columnnum", "INTEGER"}, {"part_key", "INTEGER"}, {"is_nullable", "VARCHAR"}}

// externalColumnRows lists data columns (part_key 0) then partition keys
// (part_key 1, 2... in key order), numbered on from the data columns.
func externalColumnRows(es externalSchema, t *catalog.Table) [][]any {
	var rows [][]any
	var cols []catalog.Column
	if t.StorageDescriptor != nil {
		cols = t.StorageDescriptor.Columns
	}
	for i, col := range cols {
		rows = append(rows, []any{database, es.name, t.Name, col.Name, deref(col.Type), i + 1, 0, "true"})
	}
	for i, k := range t.PartitionKeys {
		typ := "string"
		if k.Type != nil {
			typ = *k.Type
		}
		rows = append(rows, []any{database, es.name, t.Name, k.Name, typ, len(cols) + i + 1, i + 1, "true"})
	}
	return rows
}

var externalPartitionCols = []column{{"redshift_database_name", "VARCHAR"}, {"schemaname", "VARCHAR"}, {"tablename", "VARCHAR"},
	{"values", "VARCHAR"}, {"location", "VARCHAR"}, {"input_format", "VARCHAR"}, {"output_format", "VARCHAR"},
	{"serialization_lib", "VARCHAR"}, {"serde_parameters", "VARCHAR"}, {"compressed", "INTEGER"}, {"parameters", "VARCHAR"}}

func (e *engine) svvExternalPartitions(ctx context.Context, c *conn) (string, error) {
	var tables []struct {
		es externalSchema
		t  catalog.Table
	}
	err := e.externalTables(ctx, c, func(es externalSchema, t *catalog.Table) {
		if len(t.PartitionKeys) > 0 {
			tables = append(tables, struct {
				es externalSchema
				t  catalog.Table
			}{es, *t})
		}
	})
	if err != nil {
		return "", err
	}
	var rows [][]any
	for _, x := range tables {
		q := catalog.PartitionQuery{}
		for {
			ps, next, err := e.opts.Catalog.GetPartitions(ctx, x.t.DatabaseName, x.t.Name, q)
			if err != nil {
				return "", fmt.Errorf("partitions of %s.%s: %w", x.t.DatabaseName, x.t.Name, err)
			}
			for _, p := range ps {
				sd := p.StorageDescriptor
				if sd == nil {
					sd = &catalog.StorageDescriptor{}
				}
				lib, serde := serdeOf(sd)
				values, _ := json.Marshal(p.Values)
				rows = append(rows, []any{database, x.es.name, x.t.Name, string(values), deref(sd.Location), deref(sd.InputFormat),
					deref(sd.OutputFormat), lib, serde, boolInt(sd.Compressed), jsonText(p.Parameters)})
			}
			if next == "" {
				break
			}
			q.Token = next
		}
	}
	return valuesSQL(externalPartitionCols, rows), nil
}

func serdeOf(sd *catalog.StorageDescriptor) (any, string) {
	if sd.SerdeInfo == nil {
		return nil, "{}"
	}
	return deref(sd.SerdeInfo.SerializationLibrary), jsonText(sd.SerdeInfo.Parameters)
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func jsonText(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return string(b)
}
