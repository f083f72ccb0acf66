package awsapi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// chunkSigner verifies the signature chain of STREAMING-AWS4-HMAC-SHA256-PAYLOAD
// uploads: each chunk's signature covers the previous one, seeded by the
// request signature.
type chunkSigner struct {
	key     []byte
	scope   string
	amzDate string
	prev    string
}

func (s *chunkSigner) verify(kind, sig string, payloadHash string) bool {
	toSign := kind + "\n" + s.amzDate + "\n" + s.scope + "\n" + s.prev + "\n"
	if kind == "AWS4-HMAC-SHA256-PAYLOAD" {
		toSign += emptySHA256 + "\n"
	}
	toSign += payloadHash
	want := hex.EncodeToString(hmacSHA256(s.key, []byte(toSign)))
	s.prev = want
	return want == sig
}

// chunkedReader decodes Content-Encoding: aws-chunked bodies, checking chunk
// signatures (signer != nil) and a trailing checksum when one is announced.
type chunkedReader struct {
	src      io.Closer
	br       *bufio.Reader
	signer   *chunkSigner
	trailer  bool
	remain   int64 // bytes left in the current chunk
	chunkSig string
	chunkSum interface {
		io.Writer
		Sum([]byte) []byte
		Reset()
	}
	checksum *checksumWriter
	err      error
}

var errChunkFormat = &Error{Status: 400, Code: "IncompleteBody", Message: "The request body terminated unexpectedly or is not valid aws-chunked encoding"}

func newChunkedReader(body io.ReadCloser, signer *chunkSigner, trailer bool) *chunkedReader {
	c := &chunkedReader{src: body, br: bufio.NewReaderSize(body, 64<<10), signer: signer, trailer: trailer, remain: -1}
	if signer != nil {
		c.chunkSum = sha256.New()
	}
	return c
}

// expectChecksum makes the reader verify the named trailing checksum
// (x-amz-checksum-crc32 and friends) once the body ends.
func (c *chunkedReader) expectChecksum(header string) error {
	w, err := newChecksumWriter(header)
	if err != nil {
		return err
	}
	c.checksum = w
	return nil
}

func (c *chunkedReader) Close() error { return c.src.Close() }

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.remain <= 0 {
		if c.remain == 0 {
			if err := c.endChunk(); err != nil {
				c.err = err
				return 0, err
			}
		}
		size, err := c.startChunk()
		if err != nil {
			c.err = err
			return 0, err
		}
		if size == 0 {
			c.err = c.finish()
			return 0, c.err
		}
		c.remain = size
	}
	if int64(len(p)) > c.remain {
		p = p[:c.remain]
	}
	n, err := c.br.Read(p)
	c.remain -= int64(n)
	if c.chunkSum != nil {
		c.chunkSum.Write(p[:n])
	}
	if c.checksum != nil {
		c.checksum.Write(p[:n])
	}
	if err == io.EOF {
		err = errChunkFormat
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

func (c *chunkedReader) readLine() (string, error) {
	line, err := c.br.ReadString('\n')
	if err != nil {
		return "", errChunkFormat
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (c *chunkedReader) startChunk() (int64, error) {
	line, err := c.readLine()
	if err != nil {
		return 0, err
	}
	sizeHex, ext, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
	if err != nil || size < 0 {
		return 0, errChunkFormat
	}
	if c.signer != nil {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !ok {
			return 0, errChunkFormat
		}
		c.chunkSig = sig
		c.chunkSum.Reset()
	}
	return size, nil
}

// endChunk consumes the CRLF after a chunk's data and checks its signature.
func (c *chunkedReader) endChunk() error {
	line, err := c.readLine()
	if err != nil || line != "" {
		return errChunkFormat
	}
	c.remain = -1
	return c.verifyChunk()
}

func (c *chunkedReader) verifyChunk() error {
	if c.signer == nil {
		return nil
	}
	if !c.signer.verify("AWS4-HMAC-SHA256-PAYLOAD", c.chunkSig, hex.EncodeToString(c.chunkSum.Sum(nil))) {
		return errBadSignature
	}
	return nil
}

// finish handles the zero-length final chunk and trailers, returning io.EOF
// when everything checked out.
func (c *chunkedReader) finish() error {
	if c.chunkSum != nil {
		c.chunkSum.Reset()
	}
	if err := c.verifyChunk(); err != nil {
		return err
	}
	var trailerLines []string
	trailerSig := ""
	for {
		line, err := c.readLine()
		if err != nil {
			if errors.Is(err, errChunkFormat) && !c.trailer && len(trailerLines) == 0 {
				break // some clients end right after "0;chunk-signature=...\r\n"
			}
			return err
		}
		if line == "" {
			break
		}
		if sig, ok := strings.CutPrefix(line, "x-amz-trailer-signature:"); ok {
			trailerSig = sig
			continue
		}
		trailerLines = append(trailerLines, line)
	}
	if c.signer != nil && c.trailer {
		var canon bytes.Buffer
		for _, l := range trailerLines {
			k, v, _ := strings.Cut(l, ":")
			fmt.Fprintf(&canon, "%s:%s\n", strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
		if !c.signer.verify("AWS4-HMAC-SHA256-TRAILER", trailerSig, hexSHA256(canon.Bytes())) {
			return errBadSignature
		}
	}
	if c.checksum != nil {
		for _, l := range trailerLines {
			k, v, _ := strings.Cut(l, ":")
			if strings.EqualFold(strings.TrimSpace(k), c.checksum.header) {
				return c.checksum.check(strings.TrimSpace(v))
			}
		}
		return &Error{Status: 400, Code: "InvalidRequest", Message: "The x-amz-trailer header was set but no trailing checksum was sent"}
	}
	return io.EOF
}
