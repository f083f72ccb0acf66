// Package crawler is the core of a Glue crawler: it classifies the objects
// under an include path (JSON, CSV/TSV, Parquet, compressed text), infers
// their schemas, detects partition folders and groups compatible folders
// into tables the way the Glue crawler does. It only computes tables; the
// caller writes them to the catalog.
package crawler

import (
	"context"
	"io"
	"log/slog"
	"path"
	"strings"
)

// Object is one object under the include path.
type Object interface {
	Key() string
	Size() int64
	Open(ctx context.Context) (io.ReadCloser, error)
}

// Target is one S3 target of a crawler.
type Target struct {
	Bucket string
	// Path is the include path's key prefix inside Bucket ("" for the whole
	// bucket); it is treated as a folder.
	Path string
	// Exclusions are Glue glob patterns matched against keys relative to Path.
	Exclusions []string
}

// Location is the include path as an s3:// URL ending in "/".
func (t Target) Location() string {
	return "s3://" + t.Bucket + "/" + t.prefix()
}

func (t Target) prefix() string {
	p := strings.TrimPrefix(t.Path, "/")
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// Result is what one crawl of a target found.
type Result struct {
	Tables []Table
	// Unclassified lists keys no classifier recognised.
	Unclassified []string
}

// Table is a table definition as the crawler would write it. The caller
// applies the crawler's TablePrefix to Name.
type Table struct {
	Name           string
	Location       string
	Classification string
	Columns        []Column
	PartitionKeys  []Column
	InputFormat    string
	OutputFormat   string
	SerDe          SerDeInfo
	Parameters     map[string]string
	Partitions     []Partition
}

// Column is a column or partition key.
type Column struct {
	Name string
	Type string
}

// SerDeInfo names the SerDe and its parameters.
type SerDeInfo struct {
	Library    string
	Parameters map[string]string
}

// Partition is one partition folder of a table.
type Partition struct {
	Values   []string
	Location string
}

// crawledFile is a classified object, its key split relative to the
// include path.
type crawledFile struct {
	dirs   []string // folders between the include path and the object
	size   int64
	schema *fileSchema
}

// Crawl classifies objects under target and returns the tables they form.
// Objects outside the include path, excluded ones, folder markers, empty
// objects and hidden files (_SUCCESS, .crc) are skipped.
func Crawl(ctx context.Context, target Target, objects []Object) (*Result, error) {
	ex, err := newExcluder(target.Exclusions)
	if err != nil {
		return nil, err
	}
	pq, err := newParquetReader()
	if err != nil {
		return nil, err
	}
	defer pq.Close()

	res := &Result{}
	var files []crawledFile
	for _, obj := range objects {
		rel, ok := strings.CutPrefix(obj.Key(), target.prefix())
		if !ok || skipKey(rel, obj.Size()) || ex.excluded(rel) {
			continue
		}
		s, err := classify(ctx, obj, pq)
		if err != nil {
			return nil, err
		}
		if s == nil {
			slog.InfoContext(ctx, "crawler: unclassified object", "bucket", target.Bucket, "key", obj.Key())
			res.Unclassified = append(res.Unclassified, obj.Key())
			continue
		}
		files = append(files, crawledFile{dirs: splitDirs(rel), size: obj.Size(), schema: s})
	}
	res.Tables = nameTables(target, groupTables(nil, files))
	return res, nil
}

func skipKey(rel string, size int64) bool {
	base := path.Base(rel)
	return rel == "" || strings.HasSuffix(rel, "/") || size == 0 ||
		strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".")
}

func splitDirs(rel string) []string {
	dir := path.Dir(rel)
	if dir == "." {
		return nil
	}
	return strings.Split(dir, "/")
}
