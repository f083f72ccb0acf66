package query

import (
	"context"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// The warehouse (Redshift endpoint) runs its own DuckDB database but reads
// Glue tables exactly as Athena does; these hooks expose the resolution
// (files, formats, partition pruning) without the Athena dialect.

// WarehouseRef is one table named in a FROM or JOIN clause of a
// Postgres-dialect statement.
type WarehouseRef struct {
	// Start and End are the byte span of the name in the statement.
	Start, End int
	// Parts are the name's parts as written (unquoted; bare names lower-cased).
	Parts    []string
	HasAlias bool
	ref      tableRef
}

// WarehouseRefs finds the tables of every FROM clause of sql.
func WarehouseRefs(sql string) ([]WarehouseRef, error) {
	toks, err := lexCode(sql)
	if err != nil {
		return nil, err
	}
	refs := findTableRefs(toks)
	out := make([]WarehouseRef, len(refs))
	for i, r := range refs {
		last := toks[r.end-1]
		out[i] = WarehouseRef{Start: toks[r.start].pos, End: last.pos + len(last.text), Parts: r.parts, HasAlias: r.hasAlias, ref: r}
	}
	return out, nil
}

// WarehouseSource is the DuckDB SELECT reading catalog table t, with the
// partitions that ref's WHERE conjuncts on partition keys leave (single:
// ref is the only table of its statement, so unqualified keys are its).
// The listing happens now, so partitions added since are seen.
func (s *Service) WarehouseSource(ctx context.Context, t *catalog.Table, ref WarehouseRef, single bool) (string, error) {
	src, err := s.resolveTable(ctx, t, s.pruneFilter(ref.ref, t, single))
	if err != nil {
		return "", err
	}
	return src.sql, nil
}

// WarehouseColumn describes a DuckDB result column the way Query does.
func WarehouseColumn(name, duckType string) ColumnInfo {
	typ, prec, scale := athenaType(duckType)
	return ColumnInfo{Name: name, Label: name, Type: typ, Precision: prec, Scale: scale, Nullable: "UNKNOWN", CaseSensitive: typ == "varchar"}
}

// WarehouseValue turns a DuckDB value into what Rowset rows hold.
func WarehouseValue(v any, duckType string) any { return jsonValue(v, duckType) }
