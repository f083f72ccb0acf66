package query

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shoal-dev/shoal/internal/lake"
)

// Result files. A SELECT's result is <id>.csv as Athena writes it: a header
// row, every value double-quoted (quotes doubled inside), NULL as an empty
// unquoted field, rows ending in "\n". Next to it <id>.csv.metadata holds
// the result's column descriptions as JSON ({"ColumnInfo": [...]}; Athena's
// own file is a binary protobuf, which no client reads). DDL and utility
// statements write <id>.txt: one row per line, fields separated by tabs, as
// Athena writes SHOW and DESCRIBE output.

// previewRows is how many rows an execution keeps in the metadata store so
// the first page of a small result is served without reading the lake.
const previewRows = 100

// spillBytes is how much of a result is kept in memory before the rest
// goes to a temporary file, so large results do not grow the heap.
const spillBytes = 8 << 20

// resultWriter accumulates a result file.
type resultWriter struct {
	csv      bool
	buf      bytes.Buffer
	spill    *os.File // set once buf outgrew spillBytes
	spillDir string
	err      error
	rows     int64
	preview  [][]*string
}

// flush moves the buffered bytes to the spill file.
func (w *resultWriter) flush() {
	if w.err != nil {
		return
	}
	if w.spill == nil {
		if w.spill, w.err = os.CreateTemp(w.spillDir, "result-*"); w.err != nil {
			return
		}
	}
	_, w.err = w.spill.Write(w.buf.Bytes())
	w.buf.Reset()
}

// reader returns the whole result; close releases the spill file.
func (w *resultWriter) reader() (io.Reader, func(), error) {
	if w.spill == nil {
		return bytes.NewReader(w.buf.Bytes()), func() {}, nil
	}
	w.flush()
	if w.err != nil {
		return nil, nil, w.err
	}
	if _, err := w.spill.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	f := w.spill
	return f, func() { f.Close(); os.Remove(f.Name()) }, nil
}

// discard releases the spill file of an abandoned result.
func (w *resultWriter) discard() {
	if w != nil && w.spill != nil {
		w.spill.Close()
		os.Remove(w.spill.Name())
	}
}

func (w *resultWriter) writeRow(vals []*string) {
	if w.csv {
		for i, v := range vals {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if v != nil {
				w.buf.WriteByte('"')
				w.buf.WriteString(strings.ReplaceAll(*v, `"`, `""`))
				w.buf.WriteByte('"')
			}
		}
	} else {
		for i, v := range vals {
			if i > 0 {
				w.buf.WriteByte('\t')
			}
			if v != nil {
				w.buf.WriteString(*v)
			}
		}
	}
	w.buf.WriteByte('\n')
	if w.buf.Len() > spillBytes {
		w.flush()
	}
	w.rows++
	if len(w.preview) < previewRows {
		w.preview = append(w.preview, vals)
	}
}

// putResult stores the result object (and, for CSV, its metadata file).
func (s *Service) putResult(ctx context.Context, e *Execution, w *resultWriter) error {
	bucket, key, err := parseS3(e.OutputLocation)
	if err != nil {
		return err
	}
	ct := "text/plain"
	if w.csv {
		ct = "text/csv"
	}
	r, done, err := w.reader()
	if err != nil {
		return fmt.Errorf("result spill file: %w", err)
	}
	defer done()
	if _, err := s.lake.PutObject(ctx, bucket, key, r, lake.PutOptions{ContentType: ct}); err != nil {
		return fmt.Errorf("write result %s: %w", e.OutputLocation, err)
	}
	if w.csv {
		b, err := json.Marshal(map[string]any{"ColumnInfo": e.Columns})
		if err != nil {
			return err
		}
		if _, err := s.lake.PutObject(ctx, bucket, key+".metadata", bytes.NewReader(b), lake.PutOptions{ContentType: "application/json"}); err != nil {
			return fmt.Errorf("write result metadata %s.metadata: %w", e.OutputLocation, err)
		}
	}
	return nil
}

// readRows returns up to max rows of a result starting at row offset
// (counting the header row of a CSV), and whether more follow.
func (s *Service) readRows(ctx context.Context, e *Execution, offset, max int) ([][]*string, bool, error) {
	all := int64(e.Rows)
	if e.Header {
		all++
	}
	// Served from the preview when it covers the page.
	if int64(len(e.Preview))+boolInt(e.Header) >= all || offset+max <= len(e.Preview)+int(boolInt(e.Header)) {
		var rows [][]*string
		if e.Header {
			rows = append(rows, headerRow(e.Columns))
		}
		rows = append(rows, e.Preview...)
		if offset > len(rows) {
			offset = len(rows)
		}
		end := min(offset+max, len(rows))
		return rows[offset:end], int64(end) < all, nil
	}
	bucket, key, err := parseS3(e.OutputLocation)
	if err != nil {
		return nil, false, err
	}
	rc, _, err := s.lake.GetObject(ctx, bucket, key, nil)
	if err != nil {
		return nil, false, fmt.Errorf("read result %s: %w", e.OutputLocation, err)
	}
	defer rc.Close()
	r := bufio.NewReaderSize(rc, 64<<10)
	var out [][]*string
	for i := 0; ; i++ {
		var row []*string
		if strings.HasSuffix(key, ".csv") {
			row, err = readCSVRow(r)
		} else {
			row, err = readTextRow(r)
		}
		if err == io.EOF {
			return out, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("read result %s: %w", e.OutputLocation, err)
		}
		if i < offset {
			continue
		}
		if len(out) == max {
			return out, true, nil
		}
		out = append(out, row)
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func headerRow(cols []ColumnInfo) []*string {
	row := make([]*string, len(cols))
	for i := range cols {
		row[i] = &cols[i].Name
	}
	return row
}

// readCSVRow parses one row of Athena's CSV, telling NULL (empty,
// unquoted) from the empty string ("").
func readCSVRow(r *bufio.Reader) ([]*string, error) {
	var row []*string
	for {
		c, err := r.ReadByte()
		if err == io.EOF && row == nil {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("truncated CSV row: %w", err)
		}
		switch c {
		case '"':
			var b strings.Builder
			for {
				c, err := r.ReadByte()
				if err != nil {
					return nil, fmt.Errorf("truncated CSV field: %w", err)
				}
				if c == '"' {
					if next, err := r.Peek(1); err == nil && next[0] == '"' {
						r.ReadByte()
						b.WriteByte('"')
						continue
					}
					break
				}
				b.WriteByte(c)
			}
			v := b.String()
			row = append(row, &v)
			c, err = r.ReadByte()
			if err != nil {
				return nil, fmt.Errorf("truncated CSV row: %w", err)
			}
			if c == '\n' {
				return row, nil
			}
		case ',':
			row = append(row, nil)
		case '\n':
			return append(row, nil), nil
		default:
			return nil, fmt.Errorf("unexpected %q in result CSV", c)
		}
	}
}

func readTextRow(r *bufio.Reader) ([]*string, error) {
	line, err := r.ReadString('\n')
	if err == io.EOF && line == "" {
		return nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	var row []*string
	for _, f := range strings.Split(strings.TrimSuffix(line, "\n"), "\t") {
		v := f
		row = append(row, &v)
	}
	return row, nil
}
