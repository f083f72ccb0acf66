package query

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// copyRows writes the rows of query (columns cols) into dir as w's files
// and returns how many it wrote. DuckDB partitions Parquet and CSV output
// itself; JSON it does not, so JSON partitions are written one by one
// from a temporary table.
func copyRows(ctx context.Context, conn *sql.Conn, w *ctas, query string, cols []ColumnInfo, dir string) (int64, error) {
	if w.format != "json" || len(w.partitionedBy) == 0 {
		res, err := conn.ExecContext(ctx, w.copySQL(query, cols, dir))
		if err != nil {
			return 0, duckError(err)
		}
		n, _ := res.RowsAffected()
		return n, nil
	}
	const tmp = "__shoal_copy"
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+tmp+" AS "+query); err != nil {
		return 0, duckError(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+tmp)
	var keys, data []string
	for _, c := range cols {
		n := strings.ToLower(c.Name)
		if slices.Contains(w.partitionedBy, n) {
			continue
		}
		data = append(data, quoteIdent(n))
	}
	for _, k := range w.partitionedBy {
		keys = append(keys, "CAST("+quoteIdent(k)+" AS VARCHAR)")
	}
	combos, err := distinctRows(ctx, conn, "SELECT DISTINCT "+strings.Join(keys, ", ")+" FROM "+tmp)
	if err != nil {
		return 0, err
	}
	if len(combos) > maxInsertPartitions {
		return 0, userError("HIVE_TOO_MANY_OPEN_PARTITIONS", "Exceeded limit of %d open writers for partitions/buckets", maxInsertPartitions)
	}
	one := *w
	one.partitionedBy = nil
	var total int64
	for _, values := range combos {
		var conds, folders []string
		for i, v := range values {
			if v == nil {
				conds = append(conds, keys[i]+" IS NULL")
				folders = append(folders, w.partitionedBy[i]+"=__HIVE_DEFAULT_PARTITION__")
				continue
			}
			conds = append(conds, keys[i]+" = "+quoteString(*v))
			folders = append(folders, w.partitionedBy[i]+"="+url.PathEscape(*v))
		}
		sub := filepath.Join(append([]string{dir}, folders...)...)
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return 0, fmt.Errorf("copy: %w", err)
		}
		q := "SELECT " + strings.Join(data, ", ") + " FROM " + tmp + " WHERE " + strings.Join(conds, " AND ")
		dataCols := make([]ColumnInfo, len(data))
		for i, d := range data {
			dataCols[i] = ColumnInfo{Name: strings.Trim(d, `"`)}
		}
		res, err := conn.ExecContext(ctx, one.copySQL(q, dataCols, sub))
		if err != nil {
			return 0, duckError(err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// distinctRows reads rows of nullable strings.
func distinctRows(ctx context.Context, conn *sql.Conn, query string) ([][]*string, error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, duckError(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]*string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, duckError(err)
		}
		row := make([]*string, len(cols))
		for i, v := range vals {
			if v.Valid {
				row[i] = &v.String
			}
		}
		out = append(out, row)
	}
	return out, duckErrorOrNil(rows.Err())
}
