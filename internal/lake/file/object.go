package file

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/shoal-dev/shoal/internal/lake"
)

// PutObject stages r in a temporary file and renames it into place, so the
// object appears whole or not at all.
func (s *Store) PutObject(ctx context.Context, bucket, key string, r io.Reader, opts lake.PutOptions) (lake.ObjectInfo, error) {
	if _, err := s.objectPath(bucket, key); err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := s.checkBucket(bucket); err != nil {
		return lake.ObjectInfo{}, err
	}
	f, err := s.tempFile()
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer discard(f)
	h := md5.New()
	if _, err := io.Copy(f, io.TeeReader(r, h)); err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("put %s/%s: read data: %w", bucket, key, err)
	}
	etag := `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	return s.install(ctx, f, bucket, key, metaFrom(etag, opts))
}

// discard removes a staging file that was not installed (after install it no
// longer exists under its temporary name, and the removal is a no-op).
func discard(f *os.File) {
	_ = f.Close()
	_ = os.Remove(f.Name())
}

// install syncs the staged file f, attaches m and renames it to the key's
// path, creating parent directories. The rename replaces an existing object
// atomically.
func (s *Store) install(ctx context.Context, f *os.File, bucket, key string, m meta) (lake.ObjectInfo, error) {
	path, err := s.objectPath(bucket, key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := setMeta(f, m); err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := f.Sync(); err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("sync object: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("stat object: %w", err)
	}
	bdir := s.bucketDir(bucket)
	// A racing DeleteObject may remove a parent directory we just made, when
	// it looked empty; the rename then fails with ENOENT and we try again.
	for attempt := 0; ; attempt++ {
		err = mkdirParents(bdir, path)
		if err == nil {
			err = os.Rename(f.Name(), path)
		}
		if err == nil {
			break
		}
		switch {
		case errors.Is(err, unix.EISDIR) && attempt < 10 && os.Remove(path) == nil:
			continue // an empty directory left by racing deletes was in the way
		case errors.Is(err, unix.EISDIR), errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.ENOTEMPTY), errors.Is(err, unix.EEXIST):
			return lake.ObjectInfo{}, fmt.Errorf("%w: %q (the file lake cannot hold both a key and keys below it as a prefix)", lake.ErrKeyConflict, key)
		case errors.Is(err, unix.ENOENT):
			if err := s.checkBucket(bucket); err != nil {
				return lake.ObjectInfo{}, err
			}
			if attempt < 10 && ctx.Err() == nil {
				continue
			}
		}
		return lake.ObjectInfo{}, fmt.Errorf("install %s/%s: %w", bucket, key, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("sync directory: %w", err)
	}
	return objectInfo(key, fi, m), nil
}

// mkdirParents creates the directories between the bucket directory and
// path, one at a time, so a deleted bucket is never recreated.
func mkdirParents(bucketDir, path string) error {
	rel, err := filepath.Rel(bucketDir, filepath.Dir(path))
	if err != nil || rel == "." {
		return err
	}
	cur := bucketDir
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, seg)
		err := os.Mkdir(cur, 0o755)
		if errors.Is(err, os.ErrExist) {
			if fi, serr := os.Stat(cur); serr == nil && !fi.IsDir() {
				return &os.PathError{Op: "mkdir", Path: cur, Err: unix.ENOTDIR}
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func objectInfo(key string, fi os.FileInfo, m meta) lake.ObjectInfo {
	return lake.ObjectInfo{
		Key: key, Size: fi.Size(), ETag: m.ETag, LastModified: fi.ModTime().UTC(),
		ContentType: m.ContentType, Metadata: m.Metadata, Headers: m.Headers,
	}
}

// openObject opens an object's file and reads its metadata from the same
// inode, so data and metadata always belong together.
func (s *Store) openObject(bucket, key string) (*os.File, lake.ObjectInfo, error) {
	path, err := s.objectPath(bucket, key)
	if err != nil {
		return nil, lake.ObjectInfo{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ENAMETOOLONG) {
			return nil, lake.ObjectInfo{}, s.noSuchKey(bucket, key)
		}
		return nil, lake.ObjectInfo{}, fmt.Errorf("open %s/%s: %w", bucket, key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		f.Close()
		return nil, lake.ObjectInfo{}, s.noSuchKey(bucket, key)
	}
	if err != nil {
		f.Close()
		return nil, lake.ObjectInfo{}, fmt.Errorf("stat %s/%s: %w", bucket, key, err)
	}
	m, ok, err := getMeta(f)
	if err == nil && !ok {
		m.ETag, err = fileETag(f)
	}
	if err != nil {
		f.Close()
		return nil, lake.ObjectInfo{}, err
	}
	return f, objectInfo(key, fi, m), nil
}

// fileETag computes the ETag of a file placed in the tree without metadata.
func fileETag(f *os.File) (string, error) {
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return `"` + hex.EncodeToString(h.Sum(nil)) + `"`, nil
}

func (s *Store) noSuchKey(bucket, key string) error {
	if err := s.checkBucket(bucket); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s/%s", lake.ErrNoSuchKey, bucket, key)
}

// GetObject opens an object, or a range of it.
func (s *Store) GetObject(ctx context.Context, bucket, key string, rng *lake.Range) (io.ReadCloser, lake.ObjectInfo, error) {
	f, info, err := s.openObject(bucket, key)
	if err != nil {
		return nil, lake.ObjectInfo{}, err
	}
	if rng == nil {
		return f, info, nil
	}
	start, end, err := rng.Resolve(info.Size)
	if err != nil {
		f.Close()
		return nil, lake.ObjectInfo{}, fmt.Errorf("%w: object is %d bytes", err, info.Size)
	}
	return sectionCloser{io.NewSectionReader(f, start, end-start+1), f}, info, nil
}

type sectionCloser struct {
	*io.SectionReader
	io.Closer
}

// HeadObject describes an object.
func (s *Store) HeadObject(ctx context.Context, bucket, key string) (lake.ObjectInfo, error) {
	f, info, err := s.openObject(bucket, key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	f.Close()
	return info, nil
}

// DeleteObject unlinks the object's file and the directories it leaves empty.
func (s *Store) DeleteObject(ctx context.Context, bucket, key string) error {
	path, err := s.objectPath(bucket, key)
	if err != nil {
		return err
	}
	// unlink, unlike os.Remove, never removes a directory: key "a" must not
	// delete the (empty) directory of prefix "a/".
	err = unix.Unlink(path)
	switch {
	case err == nil:
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.EISDIR), errors.Is(err, unix.ENAMETOOLONG):
		return s.checkBucket(bucket)
	default:
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	bdir := s.bucketDir(bucket)
	for dir := filepath.Dir(path); dir != bdir && strings.HasPrefix(dir, bdir); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or already gone): ancestors are not empty either
		}
	}
	return nil
}

// CopyObject copies through a staging file, so the destination may be the
// source itself (to replace its metadata).
func (s *Store) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts *lake.PutOptions) (lake.ObjectInfo, error) {
	if _, err := s.objectPath(dstBucket, dstKey); err != nil {
		return lake.ObjectInfo{}, err
	}
	src, info, err := s.openObject(srcBucket, srcKey)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer src.Close()
	if err := s.checkBucket(dstBucket); err != nil {
		return lake.ObjectInfo{}, err
	}
	f, err := s.tempFile()
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer discard(f)
	h := md5.New()
	if _, err := io.Copy(f, io.TeeReader(src, h)); err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("copy %s/%s: %w", srcBucket, srcKey, err)
	}
	// The copy is a new single-part object: its ETag is the MD5 of the data
	// even when the source was uploaded in parts.
	etag := `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	po := lake.PutOptions{ContentType: info.ContentType, Metadata: info.Metadata, Headers: info.Headers}
	if opts != nil {
		po = *opts
	}
	return s.install(ctx, f, dstBucket, dstKey, metaFrom(etag, po))
}
