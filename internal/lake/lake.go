// Package lake is Shoal's object store (the S3 role): buckets of objects behind
// a small interface that both a local directory tree (lake/file) and an
// S3-compatible service (lake/s3, later) can implement. Keep it to what object
// stores can do.
package lake

import (
	"context"
	"errors"
	"io"
	"time"
)

// Limits S3 imposes and every backend enforces.
const (
	MaxKeyLength  = 1024    // bytes of UTF-8
	MinPartSize   = 5 << 20 // every part but the last of a multipart upload
	MaxPartNumber = 10000
	MaxListKeys   = 1000 // per ListObjects page
)

// Errors every backend returns (wrapped or bare) so callers can map them to
// protocol errors with errors.Is.
var (
	ErrNoSuchBucket      = errors.New("no such bucket")
	ErrBucketExists      = errors.New("bucket already exists")
	ErrBucketNotEmpty    = errors.New("bucket not empty")
	ErrNoSuchKey         = errors.New("no such key")
	ErrNoSuchUpload      = errors.New("no such upload")
	ErrInvalidPart       = errors.New("invalid part")
	ErrInvalidPartOrder  = errors.New("invalid part order")
	ErrEntityTooSmall    = errors.New("part smaller than the minimum allowed size")
	ErrInvalidBucketName = errors.New("invalid bucket name")
	ErrInvalidKey        = errors.New("invalid object key")
	ErrKeyTooLong        = errors.New("object key too long")
	ErrInvalidRange      = errors.New("requested range not satisfiable")
	// ErrKeyConflict is returned by backends with a hierarchical namespace
	// (lake/file) when a key would need a path that another key occupies as a
	// file or as a directory, e.g. "a" and "a/b".
	ErrKeyConflict = errors.New("key conflicts with an existing object or prefix")
)

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name    string
	Created time.Time
}

// ObjectInfo describes an object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string // quoted, as S3 returns it
	LastModified time.Time
	ContentType  string
	// Metadata holds user metadata (x-amz-meta-*), keys lower-cased without prefix.
	Metadata map[string]string
	// Headers holds the other stored response headers (Content-Encoding,
	// Content-Disposition, Cache-Control, Content-Language, Expires).
	Headers map[string]string
}

// PutOptions are the stored attributes of a new object.
type PutOptions struct {
	ContentType string
	Metadata    map[string]string
	Headers     map[string]string
}

// Range is an inclusive byte range; End < 0 means "to the end", Suffix > 0
// means "the last Suffix bytes".
type Range struct {
	Start, End int64
	Suffix     int64
}

// Resolve returns the inclusive byte offsets rng selects in an object of
// size bytes, or ErrInvalidRange when it selects none, as HTTP and S3 do: an
// End past the object is clipped, a Suffix longer than the object is the
// whole object.
func (rng Range) Resolve(size int64) (start, end int64, err error) {
	if rng.Suffix > 0 {
		if size == 0 {
			return 0, 0, ErrInvalidRange
		}
		return max(0, size-rng.Suffix), size - 1, nil
	}
	if rng.Start < 0 || rng.Start >= size || (rng.End >= 0 && rng.End < rng.Start) {
		return 0, 0, ErrInvalidRange
	}
	end = rng.End
	if end < 0 || end >= size {
		end = size - 1
	}
	return rng.Start, end, nil
}

// ListOptions selects objects for a listing.
type ListOptions struct {
	Prefix     string
	Delimiter  string
	StartAfter string // exclusive; also used for continuation
	MaxKeys    int
}

// ListResult is one page of a listing, in lexicographic key order.
type ListResult struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	// IsTruncated is true when more entries follow; NextStartAfter continues.
	IsTruncated    bool
	NextStartAfter string
}

// Part describes an uploaded part.
type Part struct {
	Number       int
	ETag         string
	Size         int64
	LastModified time.Time
}

// CompletedPart names a part in CompleteMultipartUpload.
type CompletedPart struct {
	Number int
	ETag   string
}

// Upload describes an in-progress multipart upload.
type Upload struct {
	Key       string
	UploadID  string
	Initiated time.Time
}

// Store is the lake. Objects appear atomically: readers never see a partial
// object. Implementations must be safe for concurrent use.
type Store interface {
	CreateBucket(ctx context.Context, bucket string) error
	DeleteBucket(ctx context.Context, bucket string) error
	HeadBucket(ctx context.Context, bucket string) (BucketInfo, error)
	ListBuckets(ctx context.Context) ([]BucketInfo, error)

	// PutObject stores the whole of r; if r returns an error the object is
	// not created (nor an existing one replaced).
	PutObject(ctx context.Context, bucket, key string, r io.Reader, opts PutOptions) (ObjectInfo, error)
	// GetObject opens an object, or a range of it (rng may be nil).
	GetObject(ctx context.Context, bucket, key string, rng *Range) (io.ReadCloser, ObjectInfo, error)
	HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error)
	// DeleteObject succeeds when the key does not exist, as S3 does.
	DeleteObject(ctx context.Context, bucket, key string) error
	ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error)
	// CopyObject copies src to dst; opts == nil keeps the source's attributes.
	CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts *PutOptions) (ObjectInfo, error)

	CreateMultipartUpload(ctx context.Context, bucket, key string, opts PutOptions) (uploadID string, err error)
	UploadPart(ctx context.Context, bucket, key, uploadID string, number int, r io.Reader) (Part, error)
	ListParts(ctx context.Context, bucket, key, uploadID string) ([]Part, error)
	CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletedPart) (ObjectInfo, error)
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	ListMultipartUploads(ctx context.Context, bucket string) ([]Upload, error)

	Close(ctx context.Context) error
}
