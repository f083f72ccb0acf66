package file

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/lake"
)

// An upload is a directory DIR/multipart/BUCKET/ID holding upload.json and
// one file per part (part-00001 ...), each with its ETag in user.shoal.meta.
// Living on disk, uploads survive restarts.

type uploadFile struct {
	Key       string          `json:"key"`
	Initiated time.Time       `json:"initiated"`
	Options   lake.PutOptions `json:"options"`
}

const uploadJSON = "upload.json"

// CreateMultipartUpload stages the upload directory and renames it into
// place, so a listed upload always has its upload.json.
func (s *Store) CreateMultipartUpload(ctx context.Context, bucket, key string, opts lake.PutOptions) (string, error) {
	if _, err := s.objectPath(bucket, key); err != nil {
		return "", err
	}
	if err := s.checkBucket(bucket); err != nil {
		return "", err
	}
	id := randomID()
	stage := filepath.Join(s.tmpDir(), "upload-"+id)
	if err := os.Mkdir(stage, 0o755); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	defer os.RemoveAll(stage)
	u := uploadFile{Key: key, Initiated: time.Now().UTC(), Options: opts}
	if err := s.writeJSONFile(filepath.Join(stage, uploadJSON), u); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	parent := filepath.Join(s.multipartDir(), bucket)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	if err := os.Rename(stage, filepath.Join(parent, id)); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	return id, nil
}

// upload finds an upload of key and returns its directory.
func (s *Store) upload(bucket, key, id string) (string, uploadFile, error) {
	if _, err := s.objectPath(bucket, key); err != nil {
		return "", uploadFile{}, err
	}
	if err := s.checkBucket(bucket); err != nil {
		return "", uploadFile{}, err
	}
	noSuch := fmt.Errorf("%w: %s", lake.ErrNoSuchUpload, id)
	// Only ids we made are looked up, so an id can never name another path.
	if _, err := hex.DecodeString(id); err != nil || len(id) != 32 {
		return "", uploadFile{}, noSuch
	}
	dir := filepath.Join(s.multipartDir(), bucket, id)
	b, err := os.ReadFile(filepath.Join(dir, uploadJSON))
	if errors.Is(err, os.ErrNotExist) {
		return "", uploadFile{}, noSuch
	}
	if err != nil {
		return "", uploadFile{}, fmt.Errorf("read upload %s: %w", id, err)
	}
	var u uploadFile
	if err := json.Unmarshal(b, &u); err != nil {
		return "", uploadFile{}, fmt.Errorf("decode upload %s: %w", id, err)
	}
	if u.Key != key {
		return "", uploadFile{}, noSuch
	}
	return dir, u, nil
}

func partName(n int) string { return fmt.Sprintf("part-%05d", n) }

// UploadPart stores one part, replacing an earlier upload of that number.
func (s *Store) UploadPart(ctx context.Context, bucket, key, uploadID string, number int, r io.Reader) (lake.Part, error) {
	if number < 1 || number > lake.MaxPartNumber {
		return lake.Part{}, fmt.Errorf("%w: part number %d is not between 1 and %d", lake.ErrInvalidPart, number, lake.MaxPartNumber)
	}
	dir, _, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return lake.Part{}, err
	}
	f, err := s.tempFile()
	if err != nil {
		return lake.Part{}, err
	}
	defer discard(f)
	h := md5.New()
	if _, err := io.Copy(f, io.TeeReader(r, h)); err != nil {
		return lake.Part{}, fmt.Errorf("upload part %d: read data: %w", number, err)
	}
	etag := `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	if err := setMeta(f, meta{ETag: etag}); err != nil {
		return lake.Part{}, err
	}
	if err := f.Sync(); err != nil {
		return lake.Part{}, fmt.Errorf("upload part %d: %w", number, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return lake.Part{}, fmt.Errorf("upload part %d: %w", number, err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, partName(number))); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return lake.Part{}, fmt.Errorf("%w: %s (aborted)", lake.ErrNoSuchUpload, uploadID)
		}
		return lake.Part{}, fmt.Errorf("upload part %d: %w", number, err)
	}
	return lake.Part{Number: number, ETag: etag, Size: fi.Size(), LastModified: fi.ModTime().UTC()}, nil
}

// ListParts lists the uploaded parts by number.
func (s *Store) ListParts(ctx context.Context, bucket, key, uploadID string) ([]lake.Part, error) {
	dir, _, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list parts: %w", err)
	}
	parts := []lake.Part{}
	for _, e := range entries { // names are zero-padded: sorted by number
		n, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "part-"))
		if err != nil || !strings.HasPrefix(e.Name(), "part-") {
			continue
		}
		p, err := readPart(filepath.Join(dir, e.Name()), n)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return parts, nil
}

func readPart(path string, n int) (lake.Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return lake.Part{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return lake.Part{}, err
	}
	m, _, err := getMeta(f)
	if err != nil {
		return lake.Part{}, err
	}
	return lake.Part{Number: n, ETag: m.ETag, Size: fi.Size(), LastModified: fi.ModTime().UTC()}, nil
}

// CompleteMultipartUpload checks the named parts, concatenates them into a
// staged object and installs it like a PutObject.
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []lake.CompletedPart) (lake.ObjectInfo, error) {
	dir, u, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if len(parts) == 0 {
		return lake.ObjectInfo{}, fmt.Errorf("%w: at least one part must be named", lake.ErrInvalidPart)
	}
	for i := 1; i < len(parts); i++ {
		if parts[i].Number <= parts[i-1].Number {
			return lake.ObjectInfo{}, fmt.Errorf("%w: part %d follows part %d", lake.ErrInvalidPartOrder, parts[i].Number, parts[i-1].Number)
		}
	}
	etags := md5.New()
	for i, cp := range parts {
		p, err := readPart(filepath.Join(dir, partName(cp.Number)), cp.Number)
		if err != nil || cp.Number < 1 || cp.Number > lake.MaxPartNumber {
			return lake.ObjectInfo{}, fmt.Errorf("%w: part %d was not uploaded", lake.ErrInvalidPart, cp.Number)
		}
		if strings.Trim(cp.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			return lake.ObjectInfo{}, fmt.Errorf("%w: part %d has ETag %s, not %s", lake.ErrInvalidPart, cp.Number, p.ETag, cp.ETag)
		}
		if i < len(parts)-1 && p.Size < lake.MinPartSize {
			return lake.ObjectInfo{}, fmt.Errorf("%w: part %d is %d bytes; all but the last part must be at least %d", lake.ErrEntityTooSmall, cp.Number, p.Size, lake.MinPartSize)
		}
		sum, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
		etags.Write(sum)
	}
	f, err := s.tempFile()
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer discard(f)
	for _, cp := range parts {
		if err := appendFile(f, filepath.Join(dir, partName(cp.Number))); err != nil {
			return lake.ObjectInfo{}, fmt.Errorf("assemble part %d: %w", cp.Number, err)
		}
	}
	etag := fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(etags.Sum(nil)), len(parts))
	info, err := s.install(ctx, f, bucket, key, metaFrom(etag, u.Options))
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := s.removeUpload(dir, uploadID); err != nil {
		return lake.ObjectInfo{}, err
	}
	return info, nil
}

func appendFile(dst *os.File, path string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(dst, src) // copy_file_range between files: no user-space copy
	return err
}

// removeUpload makes the upload disappear at once (rename), then frees it.
func (s *Store) removeUpload(dir, id string) error {
	gone := filepath.Join(s.tmpDir(), "abort-"+id+"-"+randomID())
	if err := os.Rename(dir, gone); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s", lake.ErrNoSuchUpload, id)
		}
		return fmt.Errorf("remove upload %s: %w", id, err)
	}
	return os.RemoveAll(gone)
}

// AbortMultipartUpload discards an upload and its parts.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	dir, _, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return err
	}
	return s.removeUpload(dir, uploadID)
}

// ListMultipartUploads lists in-progress uploads by key, then initiation.
func (s *Store) ListMultipartUploads(ctx context.Context, bucket string) ([]lake.Upload, error) {
	if err := s.checkBucket(bucket); err != nil {
		return nil, err
	}
	parent := filepath.Join(s.multipartDir(), bucket)
	entries, err := os.ReadDir(parent)
	if errors.Is(err, os.ErrNotExist) {
		return []lake.Upload{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	out := []lake.Upload{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(parent, e.Name(), uploadJSON))
		if err != nil {
			continue // completed or aborted meanwhile
		}
		var u uploadFile
		if json.Unmarshal(b, &u) != nil {
			continue
		}
		out = append(out, lake.Upload{Key: u.Key, UploadID: e.Name(), Initiated: u.Initiated})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Initiated.Before(out[j].Initiated)
	})
	return out, nil
}
