package awsapi

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
)

// crc64NVME is CRC-64/NVME (the reflected form of polynomial 0xad93d23594c93659).
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// checksumWriter computes one of S3's flexible checksums over a body.
type checksumWriter struct {
	header string
	h      hash.Hash
}

func newChecksumWriter(header string) (*checksumWriter, error) {
	header = strings.ToLower(header)
	var h hash.Hash
	switch header {
	case "x-amz-checksum-crc32":
		h = crc32.NewIEEE()
	case "x-amz-checksum-crc32c":
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "x-amz-checksum-crc64nvme":
		h = crc64.New(crc64NVME)
	case "x-amz-checksum-sha1":
		h = sha1.New()
	case "x-amz-checksum-sha256":
		h = sha256.New()
	default:
		return nil, &Error{Status: 400, Code: "InvalidRequest", Message: fmt.Sprintf("Unsupported checksum %q", header)}
	}
	return &checksumWriter{header: header, h: h}, nil
}

func (c *checksumWriter) Write(p []byte) (int, error) { return c.h.Write(p) }

func (c *checksumWriter) check(want string) error {
	got := base64.StdEncoding.EncodeToString(c.h.Sum(nil))
	if got != want {
		name := strings.TrimPrefix(c.header, "x-amz-checksum-")
		return &Error{Status: 400, Code: "BadDigest", Message: fmt.Sprintf("The %s you specified did not match the calculated checksum.", strings.ToUpper(name))}
	}
	return io.EOF
}

// checksumReader verifies a checksum sent as a header alongside a plain body.
type checksumReader struct {
	io.ReadCloser
	w    *checksumWriter
	want string
}

func (c *checksumReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.w.Write(p[:n])
	if err == io.EOF {
		return n, c.w.check(c.want)
	}
	return n, err
}

// WrapChecksums makes r.Body verify the flexible checksum S3 clients send,
// whether as a header (x-amz-checksum-*) or as an aws-chunked trailer
// (x-amz-trailer). Call after Verify.
func WrapChecksums(r *http.Request) error {
	if cr, ok := r.Body.(*chunkedReader); ok {
		if name := r.Header.Get("X-Amz-Trailer"); name != "" {
			return cr.expectChecksum(name)
		}
	}
	for name, vals := range r.Header {
		lname := strings.ToLower(name)
		// x-amz-checksum-mode (GetObject) and the others name no checksum value.
		if !strings.HasPrefix(lname, "x-amz-checksum-") || lname == "x-amz-checksum-type" || lname == "x-amz-checksum-algorithm" || lname == "x-amz-checksum-mode" {
			continue
		}
		w, err := newChecksumWriter(lname)
		if err != nil {
			return err
		}
		r.Body = &checksumReader{ReadCloser: r.Body, w: w, want: vals[0]}
		return nil
	}
	return nil
}
