package crawler

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// parquetReader reads Parquet footers through an in-memory DuckDB. The
// footer sits at the end of the object, so the whole object is copied to a
// temporary file first.
type parquetReader struct {
	db *sql.DB
}

func newParquetReader() (*parquetReader, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	return &parquetReader{db: db}, nil
}

func (p *parquetReader) Close() error { return p.db.Close() }

// schema returns the columns and row count of the Parquet data in r.
func (p *parquetReader) schema(ctx context.Context, r io.Reader) ([]Field, int64, error) {
	f, err := os.CreateTemp("", "crawler-*.parquet")
	if err != nil {
		return nil, 0, fmt.Errorf("temp parquet file: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, 0, fmt.Errorf("copy parquet object: %w", err)
	}
	path := strings.ReplaceAll(f.Name(), "'", "''")
	fields, err := p.describe(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	var rows int64
	q := "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata('" + path + "')"
	if err := p.db.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return nil, 0, fmt.Errorf("parquet row count: %w", err)
	}
	return fields, rows, nil
}

func (p *parquetReader) describe(ctx context.Context, path string) ([]Field, error) {
	rows, err := p.db.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet('"+path+"')")
	if err != nil {
		return nil, fmt.Errorf("describe parquet: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("describe parquet: %w", err)
	}
	var fields []Field
	for rows.Next() {
		vals := make([]any, len(cols))
		var name, typ string
		vals[0], vals[1] = &name, &typ
		for i := 2; i < len(vals); i++ {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return nil, fmt.Errorf("describe parquet: %w", err)
		}
		t, rest := parseDuckType(typ)
		if rest != "" {
			return nil, fmt.Errorf("describe parquet: cannot map type %q", typ)
		}
		fields = append(fields, Field{Name: strings.ToLower(name), Type: t})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("describe parquet: %w", err)
	}
	return fields, nil
}

// parseDuckType converts a DuckDB type such as "STRUCT(a INTEGER, b
// VARCHAR[])" to the Hive type Glue records for the same Parquet column,
// returning the unparsed remainder.
func parseDuckType(s string) (Type, string) {
	var t Type
	switch {
	case strings.HasPrefix(s, "STRUCT("):
		t, s = parseDuckStruct(s[len("STRUCT("):])
	case strings.HasPrefix(s, "MAP("):
		k, rest := parseDuckType(s[len("MAP("):])
		v, rest := parseDuckType(strings.TrimPrefix(rest, ", "))
		t, s = Type{Kind: "map<" + k.String() + "," + v.String() + ">"}, strings.TrimPrefix(rest, ")")
	default:
		end := strings.IndexAny(s, ",)[(")
		if end < 0 {
			end = len(s)
		}
		name, args := s[:end], ""
		s = s[end:]
		if strings.HasPrefix(s, "(") {
			end := strings.IndexByte(s, ')')
			args, s = s[:end+1], s[end+1:]
		}
		t = Type{Kind: duckScalar(name, args)}
	}
	// Postfix [] (list) and [N] (fixed array) both become Hive arrays.
	for strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			break
		}
		elem := t
		t, s = Type{Kind: typeArray, Elem: &elem}, s[end+1:]
	}
	return t, s
}

func parseDuckStruct(s string) (Type, string) {
	t := Type{Kind: typeStruct}
	for !strings.HasPrefix(s, ")") && s != "" {
		var name string
		if strings.HasPrefix(s, `"`) {
			end := strings.Index(s[1:], `"`) + 1
			name, s = s[1:end], s[end+1:]
		} else {
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				return t, s // malformed; the caller reports the remainder
			}
			name, s = s[:end], s[end:]
		}
		var ft Type
		ft, s = parseDuckType(strings.TrimPrefix(s, " "))
		t.Fields = append(t.Fields, Field{Name: strings.ToLower(name), Type: ft})
		s = strings.TrimPrefix(s, ", ")
	}
	return t, strings.TrimPrefix(s, ")")
}

// duckScalar maps DuckDB scalar names to Hive's.
func duckScalar(name, args string) string {
	switch name {
	case "BOOLEAN":
		return typeBoolean
	case "TINYINT", "UTINYINT":
		return "tinyint"
	case "SMALLINT", "USMALLINT":
		return "smallint"
	case "INTEGER", "UINTEGER":
		return typeInt
	case "BIGINT", "UBIGINT":
		return typeBigint
	case "FLOAT":
		return "float"
	case "DOUBLE":
		return typeDouble
	case "DECIMAL":
		return "decimal" + args
	case "DATE":
		return "date"
	case "BLOB":
		return "binary"
	}
	if strings.HasPrefix(name, "TIMESTAMP") {
		return "timestamp"
	}
	return typeString
}
