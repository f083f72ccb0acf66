package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// DecodeJSON decodes a PutRecords request without reflection: every record's
// data is base64-decoded into one shared buffer and all partition and hash
// keys share one string, so a 500-record request costs a handful of
// allocations. It accepts what encoding/json with DisallowUnknownFields
// accepts for this shape (field names match case-insensitively, null means
// absent) and rejects the rest with SerializationException.
func (in *PutRecordsInput) DecodeJSON(body []byte) error {
	d := jsonScanner{b: body}
	*in = PutRecordsInput{}
	keys := make([]byte, 0, 4096)
	// Offsets into keys, two pairs per record (partition key, hash key),
	// turned into strings once the whole body is read.
	var spans []int32
	data := make([]byte, 0, len(body)*3/4)
	var err error
	if err := d.openObject(""); err != nil {
		return err
	}
	for {
		var name []byte
		var more bool
		if name, more, err = d.nextField(); err != nil || !more {
			break
		}
		switch {
		case fieldIs(name, "Records"):
			if d.null() {
				in.Records = nil
				continue
			}
			if err = d.openArray("Records"); err != nil {
				return err
			}
			in.Records = make([]PutRecordsRequestEntry, 0, 64)
			spans = make([]int32, 0, 4*64)
			for {
				if more, err = d.nextElement(); err != nil || !more {
					break
				}
				var e PutRecordsRequestEntry
				var span [4]int32
				if data, keys, err = d.entry(&e, &span, data, keys); err != nil {
					return err
				}
				in.Records = append(in.Records, e)
				spans = append(spans, span[:]...)
			}
		case fieldIs(name, "StreamName"):
			err = d.optString(&in.StreamName, "StreamName")
		case fieldIs(name, "StreamARN"):
			err = d.optString(&in.StreamARN, "StreamARN")
		case fieldIs(name, "StreamId"):
			err = d.optString(&in.StreamId, "StreamId")
		case fieldIs(name, "DryRun"):
			if d.null() {
				in.DryRun = nil
				continue
			}
			var b bool
			b, err = d.boolean("DryRun")
			in.DryRun = &b
		default:
			return unknownField(name)
		}
		if err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if d.ws(); d.i != len(d.b) {
		return serialization("Malformed request body: invalid character after top-level value")
	}
	all := string(keys)
	for i := range in.Records {
		s := spans[4*i : 4*i+4]
		in.Records[i].PartitionKey = all[s[0]:s[1]]
		in.Records[i].ExplicitHashKey = all[s[2]:s[3]]
	}
	return nil
}

// entry decodes one PutRecordsRequestEntry object: Data into data, keys
// into keys with their offsets in span.
func (d *jsonScanner) entry(e *PutRecordsRequestEntry, span *[4]int32, data, keys []byte) ([]byte, []byte, error) {
	if err := d.openObject("Records"); err != nil {
		return data, keys, err
	}
	for {
		name, more, err := d.nextField()
		if err != nil || !more {
			return data, keys, err
		}
		if d.null() {
			if !fieldIs(name, "Data") && !fieldIs(name, "PartitionKey") && !fieldIs(name, "ExplicitHashKey") {
				return data, keys, unknownField(name)
			}
			continue
		}
		switch {
		case fieldIs(name, "Data"):
			raw, err := d.stringRawUnchecked("Records.Data")
			if err != nil {
				return data, keys, err
			}
			if bytes.IndexByte(raw, '\\') >= 0 { // escaped "/" from some encoders
				if raw, err = unescape(nil, raw); err != nil {
					return data, keys, err
				}
			}
			start := len(data)
			if data, err = base64.StdEncoding.AppendDecode(data, raw); err != nil {
				return data, keys, serialization("Malformed request body: failed to decode Records.Data: illegal base64 data")
			}
			if len(data)-start != decodedLen(raw) {
				// The decoder skips CR and LF, which JSON forbids raw in strings.
				return data, keys, serialization("Malformed request body: invalid character in string literal Records.Data")
			}
			e.Data = data[start:len(data):len(data)]
		case fieldIs(name, "PartitionKey"):
			span[0] = int32(len(keys))
			if keys, err = d.stringAppend(keys, "Records.PartitionKey"); err != nil {
				return data, keys, err
			}
			span[1] = int32(len(keys))
		case fieldIs(name, "ExplicitHashKey"):
			span[2] = int32(len(keys))
			if keys, err = d.stringAppend(keys, "Records.ExplicitHashKey"); err != nil {
				return data, keys, err
			}
			span[3] = int32(len(keys))
		default:
			return data, keys, unknownField(name)
		}
	}
}

func serialization(msg string) error {
	return &awsapi.Error{Status: 400, Code: "SerializationException", Message: msg}
}

func unknownField(f []byte) error { return serialization(fmt.Sprintf("Unrecognized field %q", f)) }

// fieldIs matches a member name case-insensitively, as encoding/json does
// (ASCII folding suffices: every member name is ASCII).
func fieldIs(f []byte, name string) bool {
	if len(f) != len(name) {
		return false
	}
	for i := range len(f) {
		a, b := f[i], name[i]
		if a == b {
			continue
		}
		if a|0x20 != b|0x20 || a|0x20 < 'a' || a|0x20 > 'z' {
			return false
		}
	}
	return true
}

// jsonScanner is a minimal JSON reader for the request shapes decoded by hand.
type jsonScanner struct {
	b     []byte
	i     int
	first bool   // no element read yet in the current object or array
	name  []byte // buffer of the current member name
}

func (d *jsonScanner) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonScanner) syntax(what string) error {
	if d.i >= len(d.b) {
		return serialization("Malformed request body: unexpected end of JSON input")
	}
	return serialization(fmt.Sprintf("Malformed request body: invalid character %q %s at offset %d", d.b[d.i], what, d.i))
}

func (d *jsonScanner) typeError(field, want string) error {
	return serialization(fmt.Sprintf("Unexpected value type for field '%s': expected %s", field, want))
}

func (d *jsonScanner) null() bool {
	d.ws()
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// openObject consumes '{'; nextField then yields each key, leaving the
// scanner at its value. Objects and arrays are walked without callbacks so
// that nothing escapes to the heap per record.
func (d *jsonScanner) openObject(field string) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		if d.i < len(d.b) && field != "" {
			return d.typeError(field, "object")
		}
		return d.syntax("looking for beginning of object")
	}
	d.i++
	d.first = true
	return nil
}

// nextField returns the next key or more=false at '}'. The key is valid
// until the next call.
func (d *jsonScanner) nextField() (name []byte, more bool, err error) {
	buf := d.name[:0]
	defer func() { d.name = name }()
	d.ws()
	if d.i >= len(d.b) {
		return buf, false, d.syntax("")
	}
	if d.b[d.i] == '}' {
		d.i++
		d.first = false
		return buf, false, nil
	}
	if !d.first {
		if d.b[d.i] != ',' {
			return buf, false, d.syntax("after object key:value pair")
		}
		d.i++
		d.ws()
	}
	d.first = false
	raw, err := d.stringRaw("")
	if err != nil {
		return buf, false, d.syntax("looking for beginning of object key string")
	}
	if name, err = unescape(buf[:0], raw); err != nil {
		return name, false, err
	}
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != ':' {
		return name, false, d.syntax("after object key")
	}
	d.i++
	return name, true, nil
}

func (d *jsonScanner) openArray(field string) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return d.typeError(field, "array")
	}
	d.i++
	d.first = true
	return nil
}

// nextElement reports whether another element follows, consuming ','.
func (d *jsonScanner) nextElement() (bool, error) {
	d.ws()
	if d.i >= len(d.b) {
		return false, d.syntax("")
	}
	if d.b[d.i] == ']' {
		d.i++
		d.first = false
		return false, nil
	}
	if !d.first {
		if d.b[d.i] != ',' {
			return false, d.syntax("after array element")
		}
		d.i++
	}
	d.first = false
	return true, nil
}

// stringRawUnchecked returns the bytes between the quotes of a string,
// escapes intact. Strings are mostly long base64 runs without escapes, so it
// finds the closing quote with IndexByte instead of walking byte by byte.
func (d *jsonScanner) stringRawUnchecked(field string) ([]byte, error) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		if field != "" && d.i < len(d.b) {
			return nil, d.typeError(field, "string")
		}
		return nil, d.syntax("looking for beginning of value")
	}
	start := d.i + 1
	j := start
	for {
		q := bytes.IndexByte(d.b[j:], '"')
		if q < 0 {
			d.i = len(d.b)
			return nil, d.syntax("")
		}
		seg := d.b[j : j+q]
		bs := bytes.IndexByte(seg, '\\')
		if bs < 0 {
			j += q
			break
		}
		// Skip the escaped character (which may be a quote) and go on.
		j += bs + 2
		if j >= len(d.b) {
			d.i = len(d.b)
			return nil, d.syntax("")
		}
	}
	d.i = j + 1
	return d.b[start:j], nil
}

// stringRaw is stringRawUnchecked plus the check for raw control
// characters, which JSON forbids inside strings.
func (d *jsonScanner) stringRaw(field string) ([]byte, error) {
	start := d.i
	raw, err := d.stringRawUnchecked(field)
	if err != nil {
		return nil, err
	}
	for k, c := range raw {
		if c < 0x20 {
			d.i = start + 1 + k
			return nil, d.syntax("in string literal")
		}
	}
	return raw, nil
}

// decodedLen is the length of padded standard base64 without line breaks.
func decodedLen(raw []byte) int {
	n := len(raw) / 4 * 3
	if len(raw) > 0 && raw[len(raw)-1] == '=' {
		n--
		if len(raw) > 1 && raw[len(raw)-2] == '=' {
			n--
		}
	}
	return n
}

func (d *jsonScanner) stringAppend(dst []byte, field string) ([]byte, error) {
	raw, err := d.stringRaw(field)
	if err != nil {
		return dst, err
	}
	return unescape(dst, raw)
}

func (d *jsonScanner) optString(dst *string, field string) error {
	if d.null() {
		return nil
	}
	b, err := d.stringAppend(nil, field)
	*dst = string(b)
	return err
}

func (d *jsonScanner) boolean(field string) (bool, error) {
	d.ws()
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		return true, nil
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		return false, nil
	}
	return false, d.typeError(field, "bool")
}

// unescape appends the decoded JSON string content raw to dst, replacing
// invalid UTF-8 with U+FFFD as encoding/json does.
func unescape(dst, raw []byte) ([]byte, error) {
	// Copy the plain ASCII prefix (usually all of it) in one go.
	plain := 0
	for plain < len(raw) && raw[plain] != '\\' && raw[plain] < utf8.RuneSelf {
		plain++
	}
	dst = append(dst, raw[:plain]...)
	for i := plain; i < len(raw); {
		c := raw[i]
		if c == '\\' {
			if i+1 >= len(raw) {
				return dst, errBadEscape
			}
			i++
			switch raw[i] {
			case '"', '\\', '/':
				dst = append(dst, raw[i])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, n := hex4(raw[i+1:])
				if n < 0 {
					return dst, errBadEscape
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, n2 := rune(-1), -1
					if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
						r2, n2 = hex4(raw[i+3:])
					}
					if dec := utf16.DecodeRune(r, r2); n2 >= 0 && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
			default:
				return dst, errBadEscape
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, raw[i:i+size]...)
		}
		i += size
	}
	return dst, nil
}

var errBadEscape = serialization("Malformed request body: invalid escape in string literal")

func hex4(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, -1
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return 0, -1
	}
	return rune(v), 4
}
