package delivery

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

func (c *converter) writerOptions() []parquet.WriterOption {
	opts := []parquet.WriterOption{c.schema, parquet.Compression(c.opts.codec), parquet.DataPageVersion(c.opts.pageVersion), parquet.CreatedBy("shoal", "", "")}
	if c.opts.pageSize > 0 {
		opts = append(opts, parquet.PageBufferSize(c.opts.pageSize))
	}
	return opts
}

// blockSize is the row-group size target; zero options (tests) mean the
// default.
func (c *converter) blockSize() int {
	if c.opts.blockSize > 0 {
		return c.opts.blockSize
	}
	return defaultBlockSize
}

// writeParquet writes rows as one Parquet file, cutting a row group each
// time the rows' estimated encoded size reaches BlockSizeBytes.
func (c *converter) writeParquet(w io.Writer, rows []map[string]any) error {
	pw := parquet.NewGenericWriter[map[string]any](w, c.writerOptions()...)
	for len(rows) > 0 {
		n, est := 0, 0
		for n < len(rows) && est < c.blockSize() {
			for _, v := range rows[n] {
				est += estimateSize(v)
			}
			n++
		}
		if _, err := pw.Write(rows[:n]); err != nil {
			return fmt.Errorf("write parquet rows: %w", err)
		}
		rows = rows[n:]
		if len(rows) > 0 {
			if err := pw.Flush(); err != nil {
				return fmt.Errorf("write parquet row group: %w", err)
			}
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("close parquet writer: %w", err)
	}
	return nil
}

// estimateSize approximates a converted value's plain-encoded size (map
// keys count: they are a map column's key values).
func estimateSize(v any) int {
	switch x := v.(type) {
	case *string:
		return 4 + len(*x)
	case *[]byte:
		return 4 + len(*x)
	case *int32, *float32:
		return 4
	case *bool:
		return 1
	case []any:
		n := 0
		for _, e := range x {
			n += estimateSize(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range x {
			n += 4 + len(k) + estimateSize(e)
		}
		return n
	}
	return 8
}

// writeFlatParquet writes flat rows as one Parquet file, with row groups
// as writeParquet cuts them.
func (c *converter) writeFlatParquet(w io.Writer, b *rowBuf) error {
	pw := parquet.NewWriter(w, c.writerOptions()...)
	l := c.flat
	const chunk = 1024
	ncols := len(l.kinds)
	vals := make([]parquet.Value, chunk*ncols)
	rows := make([]parquet.Row, 0, chunk)
	est, total := 0, b.len()
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return fmt.Errorf("write parquet rows: %w", err)
		}
		rows = rows[:0]
		return nil
	}
	r := 0
	for _, ch := range b.chunks {
		for off := 0; off < len(ch.cells); off += ch.width {
			cells := ch.cells[off : off+ch.width]
			row := vals[len(rows)*ncols : (len(rows)+1)*ncols : (len(rows)+1)*ncols]
			for leaf, ci := range l.order {
				if cells[0]&(1<<ci) == 0 {
					row[leaf] = parquet.Value{}.Level(0, 0, leaf)
					continue
				}
				row[leaf] = l.value(ci, cells[1+ci], ch.strs).Level(0, 1, leaf)
				est += l.size(ci, cells[1+ci])
			}
			rows = append(rows, row)
			r++
			full := est >= c.blockSize() && r < total
			if len(rows) == chunk || full {
				if err := flush(); err != nil {
					return err
				}
			}
			if full {
				est = 0
				if err := pw.Flush(); err != nil {
					return fmt.Errorf("write parquet row group: %w", err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("close parquet writer: %w", err)
	}
	return nil
}
