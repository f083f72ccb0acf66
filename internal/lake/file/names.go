package file

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/lake"
)

// maxNameBytes is the longest file name Linux file systems accept.
const maxNameBytes = 255

// validBucketName applies S3's general-purpose bucket naming rules. They also
// keep bucket names safe as directory names ("..", "/" are impossible).
func validBucketName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %q: %s", lake.ErrInvalidBucketName, name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("only lowercase letters, digits, '.' and '-' are allowed")
		}
	}
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return bad("must not contain two adjacent periods or a period next to a hyphen")
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return bad("must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("must not start with " + p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with " + s)
		}
	}
	return nil
}

// validKey checks the S3 key rules the file lake enforces: 1..1024 bytes of
// UTF-8 without NUL (a NUL cannot be part of a file name).
func validKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", lake.ErrInvalidKey)
	case len(key) > lake.MaxKeyLength:
		return fmt.Errorf("%w: %d bytes (at most %d)", lake.ErrKeyTooLong, len(key), lake.MaxKeyLength)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: not valid UTF-8", lake.ErrInvalidKey)
	case strings.IndexByte(key, 0) >= 0:
		return fmt.Errorf("%w: contains NUL", lake.ErrInvalidKey)
	}
	return nil
}

// Keys map to paths segment by segment ("/" separates segments). Ordinary
// segments stay literal so objects sit at natural paths. A segment is escaped
// when it could not be a file name or would be ambiguous: "", ".", ".." and
// anything containing '%'. Escaping percent-encodes '%' (and the dots of "."
// and ".."), and the empty segment becomes a lone "%", which no escaped
// segment can be. Decoding is the inverse, so the mapping is a bijection and
// no key can name a path outside its bucket directory.

// encodeSegment returns the file name for one key segment.
func encodeSegment(seg string) (string, error) {
	var name string
	switch {
	case seg == "":
		name = "%"
	case seg == ".":
		name = "%2E"
	case seg == "..":
		name = "%2E%2E"
	case strings.Contains(seg, "%"):
		name = strings.ReplaceAll(seg, "%", "%25")
	default:
		name = seg
	}
	if len(name) > maxNameBytes {
		return "", fmt.Errorf("%w: a key segment may be at most %d bytes in the file lake", lake.ErrKeyTooLong, maxNameBytes)
	}
	return name, nil
}

// decodeSegment inverts encodeSegment; ok is false for names that no key
// maps to (files placed in the tree by other means), which listings skip.
func decodeSegment(name string) (seg string, ok bool) {
	switch {
	case !strings.Contains(name, "%"):
		return name, name != "." && name != ".."
	case name == "%":
		return "", true
	case name == "%2E":
		return ".", true
	case name == "%2E%2E":
		return "..", true
	}
	seg = strings.ReplaceAll(name, "%25", "%")
	// Any other '%' sequence is not something encodeSegment writes.
	if strings.Count(seg, "%") != strings.Count(name, "%25") {
		return "", false
	}
	return seg, true
}

// keyPath returns the path of key relative to its bucket directory.
func keyPath(key string) (string, error) {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		name, err := encodeSegment(s)
		if err != nil {
			return "", err
		}
		segs[i] = name
	}
	return filepath.Join(segs...), nil
}
