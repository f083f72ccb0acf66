package crawler

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Classification names as Glue writes them in the "classification" table
// parameter.
const (
	ClassJSON    = "json"
	ClassCSV     = "csv"
	ClassParquet = "parquet"
)

// sampleSize is how much (decompressed) data the text classifiers read from
// the start of each object, like the crawler's first-megabyte sample.
const sampleSize = 1 << 20

// fileSchema is what classifying one object yields.
type fileSchema struct {
	Classification string
	Compression    string // "none", "gzip", "bzip2", "zstd"
	CSV            csvFormat
	Fields         []Field
	Records        int64 // in the sample (text) or the file (Parquet)
	SampleBytes    int64 // decompressed bytes the records came from
}

// formatKey identifies files that can share one table's storage descriptor.
func (s *fileSchema) formatKey() string {
	if s.Classification == ClassCSV {
		return fmt.Sprintf("csv/%q/%t/%t", s.CSV.Delimiter, s.CSV.Header, s.CSV.Quoted)
	}
	return s.Classification
}

var (
	magicGzip    = []byte{0x1f, 0x8b}
	magicBzip2   = []byte("BZh")
	magicZstd    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicParquet = []byte("PAR1")
)

// classify opens obj and runs the built-in classifiers on it. It returns
// nil, nil when no classifier recognises the data.
func classify(ctx context.Context, obj Object, pq *parquetReader) (*fileSchema, error) {
	rc, err := obj.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", obj.Key(), err)
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	head, _ := br.Peek(4) // short objects peek fewer bytes; that is fine
	if bytes.HasPrefix(head, magicParquet) {
		fields, rows, err := pq.schema(ctx, br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", obj.Key(), err)
		}
		return &fileSchema{Classification: ClassParquet, Compression: "none", Fields: fields, Records: rows, SampleBytes: obj.Size()}, nil
	}
	r, compression, err := decompress(br, head, obj.Key())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", obj.Key(), err)
	}
	defer r.Close()
	sample, err := io.ReadAll(io.LimitReader(r, sampleSize))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", obj.Key(), err)
	}
	s := classifyText(sample)
	if s != nil {
		s.Compression = compression
	}
	return s, nil
}

// decompress picks the codec from the magic number, falling back to the
// extension, as the crawler does for compressed text.
func decompress(br *bufio.Reader, head []byte, key string) (io.ReadCloser, string, error) {
	ext := strings.ToLower(key[strings.LastIndexByte(key, '.')+1:])
	switch {
	case bytes.HasPrefix(head, magicGzip) || ext == "gz":
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", fmt.Errorf("gzip: %w", err)
		}
		return zr, "gzip", nil
	case bytes.HasPrefix(head, magicBzip2) || ext == "bz2":
		return io.NopCloser(bzip2.NewReader(br)), "bzip2", nil
	case bytes.HasPrefix(head, magicZstd) || ext == "zst":
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, "", fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), "zstd", nil
	}
	return io.NopCloser(br), "none", nil
}

// classifyText tries the JSON classifier, then the CSV one.
func classifyText(sample []byte) *fileSchema {
	if fields, n, ok := inferJSON(sample); ok {
		return &fileSchema{Classification: ClassJSON, Fields: fields, Records: int64(n), SampleBytes: int64(len(sample))}
	}
	if fields, format, n, ok := inferCSV(sample); ok {
		return &fileSchema{Classification: ClassCSV, CSV: format, Fields: fields, Records: int64(n), SampleBytes: int64(len(sample))}
	}
	return nil
}
