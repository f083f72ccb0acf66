package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/shoal-dev/shoal/internal/lake"
)

// CreateBucket makes the bucket directory and records its creation time.
func (s *Store) CreateBucket(ctx context.Context, bucket string) error {
	if err := validBucketName(bucket); err != nil {
		return err
	}
	dir := s.bucketDir(bucket)
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w: %s", lake.ErrBucketExists, bucket)
		}
		return fmt.Errorf("create bucket: %w", err)
	}
	// Uploads left behind by a deleted bucket of the same name do not belong
	// to this one.
	if err := os.RemoveAll(filepath.Join(s.multipartDir(), bucket)); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	created := time.Now().UTC().Format(time.RFC3339Nano)
	if err := unix.Setxattr(dir, bucketXattr, []byte(created), 0); err != nil {
		return fmt.Errorf("create bucket: record creation time: %w", err)
	}
	if err := syncDir(s.bucketsDir()); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	return nil
}

// DeleteBucket removes an empty bucket and aborts its multipart uploads (S3
// lets a bucket with only incomplete uploads be deleted).
func (s *Store) DeleteBucket(ctx context.Context, bucket string) error {
	if err := s.checkBucket(bucket); err != nil {
		return err
	}
	dir := s.bucketDir(bucket)
	err := os.Remove(dir)
	if isNotEmpty(err) {
		// Directories emptied by racing deletes may remain; they hold no
		// object, so clear them and try again. The kernel's refusal to remove
		// a non-empty directory is what makes this safe against racing puts.
		pruneEmptyDirs(dir)
		err = os.Remove(dir)
	}
	if isNotEmpty(err) {
		return fmt.Errorf("%w: %s", lake.ErrBucketNotEmpty, bucket)
	}
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: %s", lake.ErrNoSuchBucket, bucket)
	}
	if err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if err := os.RemoveAll(filepath.Join(s.multipartDir(), bucket)); err != nil {
		return fmt.Errorf("delete bucket uploads: %w", err)
	}
	return syncDir(s.bucketsDir())
}

func isNotEmpty(err error) bool {
	return errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST)
}

// pruneEmptyDirs removes the empty directories below dir, deepest first.
func pruneEmptyDirs(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() {
			sub := filepath.Join(dir, e.Name())
			pruneEmptyDirs(sub)
			_ = os.Remove(sub) // fails, as it should, when not empty
		}
	}
}

// HeadBucket describes a bucket.
func (s *Store) HeadBucket(ctx context.Context, bucket string) (lake.BucketInfo, error) {
	if err := s.checkBucket(bucket); err != nil {
		return lake.BucketInfo{}, err
	}
	return lake.BucketInfo{Name: bucket, Created: s.bucketCreated(bucket)}, nil
}

// bucketCreated reads the recorded creation time, falling back to the
// directory's modification time for buckets made by hand.
func (s *Store) bucketCreated(bucket string) time.Time {
	dir := s.bucketDir(bucket)
	buf := make([]byte, 64)
	if n, err := unix.Getxattr(dir, bucketXattr, buf); err == nil {
		if t, err := time.Parse(time.RFC3339Nano, string(buf[:n])); err == nil {
			return t
		}
	}
	if fi, err := os.Stat(dir); err == nil {
		return fi.ModTime().UTC()
	}
	return time.Time{}
}

// ListBuckets lists buckets by name.
func (s *Store) ListBuckets(ctx context.Context) ([]lake.BucketInfo, error) {
	entries, err := os.ReadDir(s.bucketsDir())
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	out := []lake.BucketInfo{}
	for _, e := range entries { // ReadDir sorts by name
		if !e.IsDir() || validBucketName(e.Name()) != nil {
			continue
		}
		out = append(out, lake.BucketInfo{Name: e.Name(), Created: s.bucketCreated(e.Name())})
	}
	return out, nil
}
