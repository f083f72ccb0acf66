package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/shoal-dev/shoal/internal/lake"
)

// ListObjects walks the bucket's tree in key order. It starts at the deepest
// directory the prefix names and skips subtrees that cannot hold a key past
// StartAfter or under the prefix, so a narrow listing of a big bucket reads
// few directories. With a delimiter, a common prefix is emitted at its first
// key and its subtree is skipped.
func (s *Store) ListObjects(ctx context.Context, bucket string, opts lake.ListOptions) (lake.ListResult, error) {
	if err := s.checkBucket(bucket); err != nil {
		return lake.ListResult{}, err
	}
	l := &lister{s: s, ctx: ctx, bucket: bucket, opts: opts, after: opts.StartAfter, max: opts.MaxKeys}
	if l.max <= 0 || l.max > lake.MaxListKeys {
		l.max = lake.MaxListKeys
	}
	// Continuing after a common prefix (S3 returns it as NextMarker / inside
	// continuation tokens) means skipping everything under it.
	if cp, ok := l.commonPrefix(opts.StartAfter); ok && cp == opts.StartAfter {
		l.skip = cp
	}
	dirKey := opts.Prefix[:strings.LastIndex(opts.Prefix, "/")+1]
	start := s.bucketDir(bucket)
	if dirKey != "" {
		rel, err := keyPath(strings.TrimSuffix(dirKey, "/"))
		if err != nil {
			return lake.ListResult{}, nil // no key can live there
		}
		start = filepath.Join(start, rel)
	}
	if err := l.walk(start, dirKey); err != nil {
		return lake.ListResult{}, err
	}
	if l.res.Objects == nil {
		l.res.Objects = []lake.ObjectInfo{}
	}
	return l.res, nil
}

type lister struct {
	s      *Store
	ctx    context.Context
	bucket string
	opts   lake.ListOptions
	after  string // only keys > after are listed
	skip   string // the last common prefix emitted: its keys are rolled up
	max    int
	count  int
	last   string
	stop   bool
	res    lake.ListResult
}

type dirEntry struct {
	name    string // on disk
	key     string // key (file) or key prefix ending in "/" (directory)
	isDir   bool
	sortKey string
}

func (l *lister) walk(dir, keyPrefix string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || isNotDir(err) {
		return nil // nothing there (or removed by a racing delete)
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", l.bucket, err)
	}
	list := make([]dirEntry, 0, len(entries))
	for _, e := range entries {
		seg, ok := decodeSegment(e.Name())
		if !ok {
			continue
		}
		switch {
		case e.IsDir():
			p := keyPrefix + seg + "/"
			list = append(list, dirEntry{name: e.Name(), key: p, isDir: true, sortKey: p})
		case e.Type().IsRegular():
			k := keyPrefix + seg
			list = append(list, dirEntry{name: e.Name(), key: k, sortKey: k})
		}
	}
	// On-disk order differs from key order: directory "a" sorts as "a/",
	// after a sibling "a-c", and escaped names sort by their decoded form.
	sort.Slice(list, func(i, j int) bool { return list[i].sortKey < list[j].sortKey })
	for _, e := range list {
		if l.stop {
			return nil
		}
		if err := l.ctx.Err(); err != nil {
			return err
		}
		if e.isDir {
			if l.dirMayMatch(e.key) {
				if err := l.walk(filepath.Join(dir, e.name), e.key); err != nil {
					return err
				}
			}
			continue
		}
		if err := l.visit(e.key); err != nil {
			return err
		}
	}
	return nil
}

// dirMayMatch reports whether keys starting with p can still be listed.
func (l *lister) dirMayMatch(p string) bool {
	if !strings.HasPrefix(p, l.opts.Prefix) && !strings.HasPrefix(l.opts.Prefix, p) {
		return false
	}
	if p < l.after && !strings.HasPrefix(l.after, p) {
		return false // every key below p sorts before after
	}
	return l.skip == "" || !strings.HasPrefix(p, l.skip)
}

// commonPrefix returns the common prefix key rolls up into, if any.
func (l *lister) commonPrefix(key string) (string, bool) {
	d := l.opts.Delimiter
	if d == "" || !strings.HasPrefix(key, l.opts.Prefix) {
		return "", false
	}
	rest := key[len(l.opts.Prefix):]
	i := strings.Index(rest, d)
	if i < 0 {
		return "", false
	}
	return l.opts.Prefix + rest[:i+len(d)], true
}

func (l *lister) visit(key string) error {
	if key <= l.after || !strings.HasPrefix(key, l.opts.Prefix) || (l.skip != "" && strings.HasPrefix(key, l.skip)) {
		return nil
	}
	if l.count == l.max {
		l.res.IsTruncated, l.res.NextStartAfter, l.stop = true, l.last, true
		return nil
	}
	if cp, ok := l.commonPrefix(key); ok {
		l.res.CommonPrefixes = append(l.res.CommonPrefixes, cp)
		l.count, l.last, l.skip = l.count+1, cp, cp
		return nil
	}
	info, err := l.s.HeadObject(l.ctx, l.bucket, key)
	if errors.Is(err, lake.ErrNoSuchKey) {
		return nil // deleted while listing
	}
	if err != nil {
		return err
	}
	l.res.Objects = append(l.res.Objects, info)
	l.count, l.last = l.count+1, key
	return nil
}

func isNotDir(err error) bool { return errors.Is(err, unix.ENOTDIR) }
