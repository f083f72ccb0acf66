package delivery

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/snappy"
)

func lower(s string) string { return strings.ToLower(s) }

func compressionExt(format string) string {
	switch format {
	case "GZIP":
		return ".gz"
	case "ZIP":
		return ".zip"
	case "Snappy":
		return ".snappy"
	case "HADOOP_SNAPPY":
		return ".hsnappy"
	}
	return ""
}

// compress writes data in the delivery stream's CompressionFormat.
func compressData(dst *bytes.Buffer, format string, data []byte, name string) error {
	switch format {
	case "", "UNCOMPRESSED":
		dst.Write(data)
	case "GZIP":
		zw, _ := gzip.NewWriterLevel(dst, gzip.DefaultCompression)
		if _, err := zw.Write(data); err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		return zw.Close()
	case "ZIP":
		zw := zip.NewWriter(dst)
		f, err := zw.Create(name)
		if err != nil {
			return fmt.Errorf("zip: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			return fmt.Errorf("zip: %w", err)
		}
		return zw.Close()
	case "Snappy":
		// The framing format, as Firehose writes it.
		sw := snappy.NewBufferedWriter(dst)
		if _, err := sw.Write(data); err != nil {
			return fmt.Errorf("snappy: %w", err)
		}
		return sw.Close()
	case "HADOOP_SNAPPY":
		// Hadoop's block format: per block, the uncompressed length, then
		// per chunk its compressed length and raw snappy bytes. Blocks are
		// as big as Hadoop's SnappyCodec makes them: its 256 KiB buffer less
		// snappy's worst-case overhead (bufferSize/6 + 32), so that even an
		// incompressible block's chunk fits the decompressor's 256 KiB buffer.
		const bufferSize = 256 << 10
		const block = bufferSize - (bufferSize/6 + 32)
		for off := 0; off < len(data) || off == 0; off += block {
			chunk := data[off:min(off+block, len(data))]
			enc := s2.EncodeSnappy(nil, chunk)
			var hdr [8]byte
			binary.BigEndian.PutUint32(hdr[:4], uint32(len(chunk)))
			binary.BigEndian.PutUint32(hdr[4:], uint32(len(enc)))
			dst.Write(hdr[:])
			dst.Write(enc)
			if len(data) == 0 {
				break
			}
		}
	default:
		return fmt.Errorf("unknown compression format %s", format)
	}
	return nil
}
