package warehouse

import (
	"context"
	"database/sql/driver"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"
)

// duckParamOIDs maps the types DuckDB infers for $n to Postgres OIDs.
var duckParamOIDs = map[duckdb.Type]uint32{
	duckdb.TYPE_BOOLEAN:   pgtype.BoolOID,
	duckdb.TYPE_TINYINT:   pgtype.Int2OID,
	duckdb.TYPE_SMALLINT:  pgtype.Int2OID,
	duckdb.TYPE_INTEGER:   pgtype.Int4OID,
	duckdb.TYPE_BIGINT:    pgtype.Int8OID,
	duckdb.TYPE_FLOAT:     pgtype.Float4OID,
	duckdb.TYPE_DOUBLE:    pgtype.Float8OID,
	duckdb.TYPE_DECIMAL:   pgtype.NumericOID,
	duckdb.TYPE_VARCHAR:   pgtype.TextOID,
	duckdb.TYPE_DATE:      pgtype.DateOID,
	duckdb.TYPE_TIMESTAMP: pgtype.TimestampOID,
}

// paramTypes asks DuckDB what type each $n of a statement has, as
// Postgres infers "id = $1" to be an integer; 0 where it cannot tell.
// Statements DuckDB cannot prepare (COPY, SET...) give all zeros.
func (e *engine) paramTypes(ctx context.Context, c *conn, sql string, n int) []uint32 {
	out := make([]uint32, n)
	toks, err := lex(sql)
	if err != nil || len(toks) == 0 {
		return out
	}
	if first := toks[0]; !(first.is("select") || first.is("with") || first.is("insert") || first.is("update") || first.is("delete") || first.is("values")) {
		return out
	}
	rewritten, err := e.rewrite(ctx, c, sql)
	if err != nil {
		return out
	}
	_ = c.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return nil
		}
		st, err := pc.PrepareContext(ctx, rewritten)
		if err != nil {
			return nil
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return nil
		}
		for i := 1; i <= min(n, ds.NumInput()); i++ {
			if t, err := ds.ParamType(i); err == nil {
				out[i-1] = duckParamOIDs[t]
			}
		}
		return nil
	})
	return out
}

// paramOIDs completes the types a Parse message declared (0: unknown)
// with DuckDB's inference, then text, which Postgres infers for an
// untyped $n in a context that does not say.
func (s *session) paramOIDs(ctx context.Context, sql string, declared []uint32) ([]uint32, error) {
	n := max(paramCount(sql), len(declared))
	oids := make([]uint32, n)
	var inferred []uint32
	for i := range oids {
		if i < len(declared) && declared[i] != 0 {
			oids[i] = declared[i]
			continue
		}
		if inferred == nil {
			inferred = s.srv.engine.paramTypes(ctx, s.db, sql, n)
		}
		oids[i] = inferred[i]
		if oids[i] == 0 {
			oids[i] = pgtype.TextOID
		}
	}
	return oids, nil
}
