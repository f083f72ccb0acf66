// Package file is the lake on a local directory tree:
//
//	DIR/buckets/BUCKET/KEY       object data at the key's natural path
//	DIR/multipart/BUCKET/ID/     one multipart upload: upload.json and parts
//	DIR/tmp/                     staging; emptied at Open
//
// Object metadata (ETag, content type, user metadata) lives in the extended
// attribute user.shoal.meta of the object's file, set on the staged file
// before it is renamed into place, so data and metadata appear together.
//
// Limitations compared to S3: a key segment (the text between slashes) may
// be at most 255 bytes once escaped (ErrKeyTooLong); a key cannot be both an
// object and a prefix of other keys, e.g. "a" and "a/b" (ErrKeyConflict).
package file

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/shoal-dev/shoal/internal/lake"
)

const (
	metaXattr   = "user.shoal.meta"
	bucketXattr = "user.shoal.bucket"
)

// Store keeps buckets and objects under a directory.
type Store struct {
	dir string
}

var _ lake.Store = (*Store)(nil)

// Open opens (creating if needed) the lake rooted at dir. It fails when the
// file system cannot store extended attributes, which hold object metadata.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir}
	for _, d := range []string{s.bucketsDir(), s.multipartDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
	}
	// Staged files of a previous run were never renamed into place: drop them.
	if err := os.RemoveAll(s.tmpDir()); err != nil {
		return nil, fmt.Errorf("clean %s: %w", s.tmpDir(), err)
	}
	if err := os.MkdirAll(s.tmpDir(), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", s.tmpDir(), err)
	}
	if err := s.probeXattr(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) probeXattr() error {
	f, err := s.tempFile()
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := unix.Fsetxattr(int(f.Fd()), metaXattr, []byte("{}"), 0); err != nil {
		return fmt.Errorf("the file system of %s does not support user extended attributes, which the lake needs for object metadata (use ext4, xfs, btrfs or tmpfs): %w", s.dir, err)
	}
	return nil
}

// Close releases nothing: every operation opens and closes its own files.
func (s *Store) Close(ctx context.Context) error { return nil }

func (s *Store) bucketsDir() string   { return filepath.Join(s.dir, "buckets") }
func (s *Store) multipartDir() string { return filepath.Join(s.dir, "multipart") }
func (s *Store) tmpDir() string       { return filepath.Join(s.dir, "tmp") }

func (s *Store) bucketDir(bucket string) string { return filepath.Join(s.bucketsDir(), bucket) }

// objectPath validates bucket and key and returns the object's file path.
func (s *Store) objectPath(bucket, key string) (string, error) {
	if err := validBucketName(bucket); err != nil {
		return "", err
	}
	if err := validKey(key); err != nil {
		return "", err
	}
	rel, err := keyPath(key)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.bucketDir(bucket), rel), nil
}

// checkBucket returns ErrNoSuchBucket unless the bucket directory exists.
func (s *Store) checkBucket(bucket string) error {
	if err := validBucketName(bucket); err != nil {
		return err
	}
	fi, err := os.Stat(s.bucketDir(bucket))
	if errors.Is(err, os.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return fmt.Errorf("%w: %s", lake.ErrNoSuchBucket, bucket)
	}
	if err != nil {
		return fmt.Errorf("stat bucket: %w", err)
	}
	return nil
}

// tempFile creates a staging file on the lake's file system, so that the
// final rename is atomic.
func (s *Store) tempFile() (*os.File, error) {
	f, err := os.CreateTemp(s.tmpDir(), "put-*")
	if err != nil {
		return nil, fmt.Errorf("create staging file: %w", err)
	}
	return f, nil
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// meta is what user.shoal.meta holds.
type meta struct {
	ETag        string            `json:"etag"`
	ContentType string            `json:"content_type,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
}

func metaFrom(etag string, o lake.PutOptions) meta {
	return meta{ETag: etag, ContentType: o.ContentType, Metadata: o.Metadata, Headers: o.Headers}
}

func setMeta(f *os.File, m meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	if err := unix.Fsetxattr(int(f.Fd()), metaXattr, b, 0); err != nil {
		return fmt.Errorf("store metadata (%d bytes): %w", len(b), err)
	}
	return nil
}

// getMeta reads the metadata of an open object; ok is false when the file
// has none (it was placed in the tree by other means).
func getMeta(f *os.File) (m meta, ok bool, err error) {
	buf := make([]byte, 4096)
	for {
		n, err := unix.Fgetxattr(int(f.Fd()), metaXattr, buf)
		if errors.Is(err, unix.ERANGE) {
			buf = make([]byte, len(buf)*4)
			continue
		}
		if errors.Is(err, unix.ENODATA) {
			return meta{}, false, nil
		}
		if err != nil {
			return meta{}, false, fmt.Errorf("read metadata of %s: %w", f.Name(), err)
		}
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return meta{}, false, fmt.Errorf("decode metadata of %s: %w", f.Name(), err)
		}
		return m, true, nil
	}
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeJSONFile writes v to path atomically (staged, synced, renamed).
func (s *Store) writeJSONFile(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := s.tempFile()
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
