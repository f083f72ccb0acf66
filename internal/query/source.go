package query

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/lake"
)

// LocalPaths resolves lake objects to local files, which DuckDB scans in
// place (it has no S3 reader here). lake/file implements it.
type LocalPaths interface {
	LocalPath(bucket, key string) (string, error)
}

// source is a catalog table resolved for one query: the DuckDB SELECT that
// produces its rows with the declared columns, and what it will scan.
type source struct {
	sql   string
	bytes int64
	files int
}

// parseS3 splits s3://bucket/prefix into bucket and key prefix.
func parseS3(loc string) (bucket, prefix string, err error) {
	u, err := url.Parse(loc)
	if err != nil || (u.Scheme != "s3" && u.Scheme != "s3a" && u.Scheme != "s3n") || u.Host == "" {
		return "", "", fmt.Errorf("location %q is not an s3:// URI", loc)
	}
	return u.Host, strings.TrimPrefix(u.Path, "/"), nil
}

// dirPrefix makes a key prefix name a "directory": Athena reads the objects
// under LOCATION/, not siblings that share its text.
func dirPrefix(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// objectFile is one object of a table.
type objectFile struct {
	key, path string
	size      int64
}

// listFiles lists the data objects under s3 location loc, skipping what
// Hive and Athena skip: names starting with "_" or ".", "directory"
// markers, and empty objects.
func (s *Service) listFiles(ctx context.Context, loc string) ([]objectFile, error) {
	bucket, prefix, err := parseS3(loc)
	if err != nil {
		return nil, err
	}
	prefix = dirPrefix(prefix)
	if err := checkList(ctx, bucket, prefix); err != nil {
		return nil, err
	}
	var out []objectFile
	opts := lake.ListOptions{Prefix: prefix, MaxKeys: lake.MaxListKeys}
	for {
		res, err := s.lake.ListObjects(ctx, bucket, opts)
		if errors.Is(err, lake.ErrNoSuchBucket) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", loc, err)
		}
		for _, o := range res.Objects {
			base := path.Base(o.Key)
			if strings.HasSuffix(o.Key, "/") || o.Size == 0 || strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") {
				continue
			}
			if err := checkRead(ctx, bucket, o.Key); err != nil {
				return nil, err
			}
			p, err := s.paths.LocalPath(bucket, o.Key)
			if err != nil {
				return nil, fmt.Errorf("local path of s3://%s/%s: %w", bucket, o.Key, err)
			}
			out = append(out, objectFile{key: strings.TrimPrefix(o.Key, prefix), path: p, size: o.Size})
		}
		if !res.IsTruncated {
			return out, nil
		}
		opts.StartAfter = res.NextStartAfter
	}
}

// partitionFiles is the data of one partition.
type partitionFiles struct {
	values []string
	files  []objectFile
}

// resolveTable builds the source of table t, pruning partitions with
// filter (Glue expression syntax, "" for none).
func (s *Service) resolveTable(ctx context.Context, t *catalog.Table, filter string) (*source, error) {
	sd := t.StorageDescriptor
	if isCatalogView(t) {
		return nil, userError(ErrNotSupported, "%s.%s is a view; only Athena queries expand views", t.DatabaseName, t.Name)
	}
	if sd == nil || sd.Location == nil || *sd.Location == "" {
		return nil, userError(ErrInvalidTable, "Table %s.%s has no LOCATION", t.DatabaseName, t.Name)
	}
	format, err := tableFormat(t)
	if err != nil {
		return nil, err
	}
	var parts []partitionFiles
	if len(t.PartitionKeys) == 0 {
		files, err := s.listFiles(ctx, *sd.Location)
		if err != nil {
			return nil, err
		}
		parts = []partitionFiles{{files: files}}
	} else if parts, err = s.partitions(ctx, t, filter); err != nil {
		return nil, err
	}
	return buildSource(ctx, s.engine, t, format, parts)
}

// partitions lists the files of the partitions matching filter: the
// catalog's partitions when the table has any, else the Hive-style
// key=value directories under the table's location.
func (s *Service) partitions(ctx context.Context, t *catalog.Table, filter string) ([]partitionFiles, error) {
	var out []partitionFiles
	q := catalog.PartitionQuery{Expression: filter}
	for {
		ps, next, err := s.catalog.GetPartitions(ctx, t.DatabaseName, t.Name, q)
		if err != nil {
			return nil, fmt.Errorf("partitions of %s.%s: %w", t.DatabaseName, t.Name, err)
		}
		for _, p := range ps {
			loc := ""
			if p.StorageDescriptor != nil && p.StorageDescriptor.Location != nil {
				loc = *p.StorageDescriptor.Location
			}
			if loc == "" {
				continue
			}
			files, err := s.listFiles(ctx, loc)
			if err != nil {
				return nil, err
			}
			out = append(out, partitionFiles{values: p.Values, files: files})
		}
		if next == "" {
			break
		}
		q.Token = next
	}
	if len(out) > 0 {
		return out, nil
	}
	// No catalog partitions (or none matching): discover key=value
	// directories, as MSCK REPAIR TABLE would register them.
	if any, err := s.hasPartitions(ctx, t); err != nil || any {
		return nil, err
	}
	return s.hivePartitions(ctx, t, filter)
}

func (s *Service) hasPartitions(ctx context.Context, t *catalog.Table) (bool, error) {
	ps, _, err := s.catalog.GetPartitions(ctx, t.DatabaseName, t.Name, catalog.PartitionQuery{Page: catalog.Page{Max: 1}})
	return len(ps) > 0, err
}

// hivePartitions groups the files under the table's location by their
// key=value directories (every partition key, in order).
func (s *Service) hivePartitions(ctx context.Context, t *catalog.Table, filter string) ([]partitionFiles, error) {
	files, err := s.listFiles(ctx, *t.StorageDescriptor.Location)
	if err != nil {
		return nil, err
	}
	var match *catalog.PartitionFilter
	if filter != "" {
		if match, err = catalog.ParsePartitionFilter(filter, t.PartitionKeys); err != nil {
			match = nil
		}
	}
	byKey := map[string]*partitionFiles{}
	var order []string
	for _, f := range files {
		values, ok := hiveValues(f.key, t.PartitionKeys)
		if !ok || (match != nil && !match.Match(values)) {
			continue
		}
		k := strings.Join(values, "\x00")
		p := byKey[k]
		if p == nil {
			p = &partitionFiles{values: values}
			byKey[k] = p
			order = append(order, k)
		}
		p.files = append(p.files, f)
	}
	sort.Strings(order)
	out := make([]partitionFiles, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

// hiveValues reads the partition values of a key relative to the table
// location from its key=value directories.
func hiveValues(rel string, keys []catalog.Column) ([]string, bool) {
	dirs := strings.Split(rel, "/")
	dirs = dirs[:len(dirs)-1]
	found := map[string]string{}
	for _, d := range dirs {
		k, v, ok := strings.Cut(d, "=")
		if !ok {
			continue
		}
		if uv, err := url.PathUnescape(v); err == nil {
			v = uv
		}
		found[strings.ToLower(k)] = v
	}
	values := make([]string, len(keys))
	for i, k := range keys {
		v, ok := found[strings.ToLower(k.Name)]
		if !ok {
			return nil, false
		}
		values[i] = v
	}
	return values, true
}
