package query

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// QueryInput is one SELECT run synchronously, outside Athena's execution
// bookkeeping: the console's visuals and dataset snapshots use it. The SQL
// dialect, table resolution and partition pruning are the executions' own.
type QueryInput struct {
	Query    string
	Database string
	// Relations are extra tables by unqualified name, each a local Parquet
	// file (the console's dataset snapshots). They shadow catalog tables.
	Relations map[string]string
	// MaxRows stops reading after this many rows (0: no limit); Rowset.Truncated tells.
	MaxRows int
}

// Rowset is a result held in memory. Values are JSON-friendly: nil, bool,
// int64, float64 or string (timestamps and nested values formatted as Athena
// prints them).
type Rowset struct {
	Columns   []ColumnInfo
	Rows      [][]any
	Truncated bool
	Scanned   int64
	Elapsed   time.Duration
}

// Query runs a SELECT and returns its rows. It shares the executions'
// concurrency slots, so the console cannot starve Athena callers.
func (s *Service) Query(ctx context.Context, in QueryInput) (*Rowset, error) {
	begin := time.Now()
	p, toks, err := s.prepareDirect(ctx, in)
	if err != nil {
		return nil, err
	}
	labels := selectLabels(toks)
	out := &Rowset{Scanned: p.scanned}
	err = s.withSlot(ctx, func() error {
		return s.withConn(ctx, p, func(conn *sql.Conn) error {
			return scanRows(ctx, conn, p.sql, labels, func(cols []ColumnInfo) { out.Columns = cols },
				func(vals []any, duck []string) bool {
					if in.MaxRows > 0 && len(out.Rows) == in.MaxRows {
						out.Truncated = true
						return false
					}
					row := make([]any, len(vals))
					for i, v := range vals {
						row[i] = jsonValue(v, duck[i])
					}
					out.Rows = append(out.Rows, row)
					return true
				})
		})
	})
	if err != nil {
		return nil, err
	}
	out.Elapsed = time.Since(begin)
	return out, nil
}

// Materialize writes a SELECT's result to a Parquet file at path (replaced
// atomically) and returns the number of rows written.
func (s *Service) Materialize(ctx context.Context, in QueryInput, path string) (int64, error) {
	p, _, err := s.prepareDirect(ctx, in)
	if err != nil {
		return 0, err
	}
	tmp := path + ".tmp"
	var n int64
	err = s.withSlot(ctx, func() error {
		return s.withConn(ctx, p, func(conn *sql.Conn) error {
			copySQL := "COPY (" + p.sql + ") TO " + quoteString(tmp) + " (FORMAT parquet, COMPRESSION zstd)"
			if _, err := conn.ExecContext(ctx, copySQL); err != nil {
				return duckError(err)
			}
			return conn.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+quoteString(tmp)+")").Scan(&n)
		})
	})
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("materialize: %w", err)
	}
	return n, nil
}

// prepareDirect lexes and resolves a SELECT for Query and Materialize.
func (s *Service) prepareDirect(ctx context.Context, in QueryInput) (*prepared, []token, error) {
	toks, err := lexCode(in.Query)
	if err != nil {
		return nil, nil, err
	}
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return nil, nil, userError(ErrSyntax, "line 1:1: empty statement")
	}
	switch first := toks[0].name(); {
	case first == "select", first == "with", first == "values", toks[0].isPunct("("):
	default:
		return nil, nil, userError(ErrSyntax, "line %s: only SELECT queries can be run here", lineCol(in.Query, toks[0].pos))
	}
	e := &Execution{Query: in.Query, Database: in.Database}
	if e.Database == "" {
		e.Database = "default"
	}
	p, err := s.prepareSelectWith(ctx, e, toks, in.Relations)
	if err != nil {
		return nil, nil, err
	}
	return p, toks, nil
}

// withSlot runs fn holding one of the engine's concurrency slots.
func (s *Service) withSlot(ctx context.Context, fn func() error) error {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	return fn()
}

// jsonValue turns a DuckDB value into nil, bool, int64, float64 or string.
func jsonValue(v any, duck string) any {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return finite(float64(x))
	case float64:
		return finite(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case duckdb.Decimal:
		return finite(x.Float64())
	}
	return formatNested(v, strings.ToUpper(duck))
}

// finite keeps NaN and infinities, which JSON cannot carry, as strings.
func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprint(f)
	}
	return f
}
