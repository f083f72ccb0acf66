package s3api

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/lake"
)

// storedHeaders are the request headers S3 keeps with an object and returns
// on GET and HEAD.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

const maxUserMetadata = 2 << 10 // S3's limit on x-amz-meta-* names and values

// putOptions collects the stored attributes of a new object from headers.
func putOptions(hdr http.Header) (lake.PutOptions, error) {
	o := lake.PutOptions{ContentType: hdr.Get("Content-Type"), Metadata: map[string]string{}, Headers: map[string]string{}}
	size := 0
	for name, vals := range hdr {
		if m, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-meta-"); ok {
			o.Metadata[m] = strings.Join(vals, ",")
			size += len(m) + len(o.Metadata[m])
		}
	}
	if size > maxUserMetadata {
		return o, awsapi.Errorf(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.")
	}
	for _, name := range storedHeaders {
		v := hdr.Get(name)
		if name == "Content-Encoding" {
			v = stripAWSChunked(v) // a transfer detail of this request, not the object's encoding
		}
		if v != "" {
			o.Headers[name] = v
		}
	}
	return o, nil
}

func stripAWSChunked(v string) string {
	var keep []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
			keep = append(keep, e)
		}
	}
	return strings.Join(keep, ",")
}

// checkWriteHeaders refuses write options Shoal does not implement rather
// than storing an object without them.
func checkWriteHeaders(hdr http.Header) error {
	for _, name := range []string{"X-Amz-Tagging", "X-Amz-Object-Lock-Mode", "X-Amz-Object-Lock-Retain-Until-Date",
		"X-Amz-Object-Lock-Legal-Hold", "X-Amz-Website-Redirect-Location", "X-Amz-Server-Side-Encryption",
		"X-Amz-Server-Side-Encryption-Customer-Algorithm", "X-Amz-Grant-Read", "X-Amz-Grant-Write",
		"X-Amz-Grant-Read-Acp", "X-Amz-Grant-Write-Acp", "X-Amz-Grant-Full-Control", "If-Match", "If-None-Match"} {
		if hdr.Get(name) != "" {
			return notImplemented("header " + name)
		}
	}
	if sc := hdr.Get("X-Amz-Storage-Class"); sc != "" && sc != "STANDARD" {
		return notImplemented("storage class " + sc)
	}
	if acl := hdr.Get("X-Amz-Acl"); acl != "" && acl != "private" && acl != "bucket-owner-full-control" {
		return notImplemented("canned ACL " + acl)
	}
	return nil
}

// checkContentMD5 verifies a buffered body against Content-MD5.
func checkContentMD5(r *http.Request, body []byte) error {
	want, err := contentMD5(r)
	if err != nil || want == nil {
		return err
	}
	if sum := md5.Sum(body); !bytes.Equal(sum[:], want) {
		return badDigest()
	}
	return nil
}

func contentMD5(r *http.Request) ([]byte, error) {
	v := r.Header.Get("Content-Md5")
	if v == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != md5.Size {
		return nil, awsapi.Errorf(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid.")
	}
	return b, nil
}

func badDigest() error {
	return awsapi.Errorf(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
}

// md5Reader fails the last read when the body does not match Content-MD5,
// so the store discards the object instead of committing it.
type md5Reader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
}

func (m *md5Reader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(m.h.Sum(nil), m.want) {
		return n, badDigest()
	}
	return n, err
}

// checksum computes the flexible checksum a client sent (as a header or an
// aws-chunked trailer, both verified by awsapi) so it can be echoed and
// stored like S3 does.
type checksum struct {
	header string // x-amz-checksum-crc32 ...
	h      hash.Hash
}

func requestChecksum(r *http.Request) *checksum {
	name := strings.ToLower(r.Header.Get("X-Amz-Trailer"))
	if name == "" {
		for k := range r.Header {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "x-amz-checksum-") && lk != "x-amz-checksum-type" && lk != "x-amz-checksum-algorithm" && lk != "x-amz-checksum-mode" {
				name = lk
			}
		}
	}
	var h hash.Hash
	switch name {
	case "x-amz-checksum-crc32":
		h = crc32.NewIEEE()
	case "x-amz-checksum-crc32c":
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "x-amz-checksum-crc64nvme":
		h = crc64.New(crc64.MakeTable(0x9a6c9329ac4bc9b5))
	case "x-amz-checksum-sha1":
		h = sha1.New()
	case "x-amz-checksum-sha256":
		h = sha256.New()
	default:
		return nil
	}
	return &checksum{header: name, h: h}
}

func (c *checksum) value() string { return base64.StdEncoding.EncodeToString(c.h.Sum(nil)) }

// bodyReader wraps the request body with Content-MD5 and checksum hashing.
func bodyReader(r *http.Request) (io.Reader, *checksum, error) {
	var body io.Reader = r.Body
	want, err := contentMD5(r)
	if err != nil {
		return nil, nil, err
	}
	if want != nil {
		body = &md5Reader{r: body, h: md5.New(), want: want}
	}
	cs := requestChecksum(r)
	if cs != nil {
		body = io.TeeReader(body, cs.h)
	}
	return body, cs, nil
}

// parseRange reads "bytes=a-b", "bytes=a-" or "bytes=-n". Anything else
// (including several ranges, which S3 does not serve) means the whole object.
func parseRange(v string) *lake.Range {
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return nil
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 {
			return nil
		}
		return &lake.Range{Suffix: n}
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return nil
	}
	end := int64(-1)
	if last != "" {
		if end, err = strconv.ParseInt(last, 10, 64); err != nil || end < start {
			return nil
		}
	}
	return &lake.Range{Start: start, End: end}
}

// precondition evaluates If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in RFC 9110 order; it returns 0, 304 or 412.
func precondition(hdr http.Header, prefix string, info lake.ObjectInfo) int {
	modified := info.LastModified.Truncate(time.Second)
	if v := hdr.Get(prefix + "If-Match"); v != "" {
		if !etagMatches(v, info.ETag) {
			return http.StatusPreconditionFailed
		}
	} else if t, err := http.ParseTime(hdr.Get(prefix + "If-Unmodified-Since")); err == nil && modified.After(t) {
		return http.StatusPreconditionFailed
	}
	if v := hdr.Get(prefix + "If-None-Match"); v != "" {
		if etagMatches(v, info.ETag) {
			return http.StatusNotModified
		}
	} else if t, err := http.ParseTime(hdr.Get(prefix + "If-Modified-Since")); err == nil && !modified.After(t) {
		return http.StatusNotModified
	}
	return 0
}

func etagMatches(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == "*" || strings.Trim(e, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

func preconditionFailed() error {
	return awsapi.Errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
}
