package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// maxJSONBody bounds a JSON/CBOR request (PutRecords carries up to 5 MiB of data,
// which base64 inflates by a third).
const maxJSONBody = 16 << 20

// Codec is the wire encoding of a JSON-protocol service: JSON 1.1, or CBOR
// (application/x-amz-cbor-1.1) which the Java SDK and the KPL use for Kinesis.
type Codec struct {
	contentType string
	cbor        bool
}

var (
	jsonCodec = &Codec{contentType: "application/x-amz-json-1.1"}
	cborCodec = &Codec{contentType: "application/x-amz-cbor-1.1", cbor: true}

	cborEnc, _ = cbor.EncOptions{}.EncMode()
	cborDec, _ = cbor.DecOptions{ExtraReturnErrors: cbor.ExtraDecErrorUnknownField}.DecMode()
)

func codecFor(r *http.Request) *Codec {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-cbor") {
		return cborCodec
	}
	return jsonCodec
}

// IsCBOR reports whether the codec is CBOR.
func (c *Codec) IsCBOR() bool { return c.cbor }

// JSONAppender lets a hot-path response encode itself without reflection.
type JSONAppender interface {
	AppendJSON(dst []byte) []byte
}

// JSONDecoder lets a hot-path request decode itself without reflection. It must
// reject unknown fields like the reflective path does.
type JSONDecoder interface {
	DecodeJSON(data []byte) error
}

func (c *Codec) marshal(v any) ([]byte, error) {
	if c.cbor {
		return cborEnc.Marshal(v)
	}
	if a, ok := v.(JSONAppender); ok {
		return a.AppendJSON(make([]byte, 0, 4096)), nil
	}
	return json.Marshal(v)
}

// Call is one decoded JSON-protocol request.
type Call struct {
	Operation string
	Body      []byte
	Codec     *Codec
	Auth      *AuthInfo
}

// Decode reads the request body into v, rejecting fields the operation does not
// have with SerializationException, as AWS does.
func (c *Call) Decode(v any) error {
	body := bytes.TrimSpace(c.Body)
	if len(body) == 0 {
		return nil
	}
	if c.Codec.cbor {
		if err := cborDec.Unmarshal(body, v); err != nil {
			return &Error{Status: 400, Code: "SerializationException", Message: err.Error()}
		}
		return nil
	}
	if d, ok := v.(JSONDecoder); ok {
		if err := d.DecodeJSON(body); err != nil {
			var ae *Error
			if errors.As(err, &ae) {
				return ae
			}
			return &Error{Status: 400, Code: "SerializationException", Message: err.Error()}
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{Status: 400, Code: "SerializationException", Message: serializationMessage(err)}
	}
	return nil
}

func serializationMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("Unexpected value type for field '%s': expected %s", te.Field, te.Type)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "Unrecognized field " + f
	}
	return "Malformed request body: " + err.Error()
}

func readBody(r *http.Request) ([]byte, error) {
	if bb, ok := r.Body.(*bufferedBody); ok && bb.Len() == len(bb.data) {
		if len(bb.data) > maxJSONBody {
			return nil, &Error{Status: 413, Code: "SerializationException", Message: "Request body too large"}
		}
		return bb.data, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return nil, ae
		}
		var af *authFailure
		if errors.As(err, &af) {
			return nil, af.jsonError()
		}
		return nil, &Error{Status: 400, Code: "SerializationException", Message: "could not read request body"}
	}
	if len(b) > maxJSONBody {
		return nil, &Error{Status: 413, Code: "SerializationException", Message: "Request body too large"}
	}
	return b, nil
}

// Timestamp is an AWS timestamp: epoch seconds (a JSON number) in JSON, CBOR
// tag 1 with epoch milliseconds in CBOR (as the Java SDK writes them).
type Timestamp struct{ time.Time }

func (t Timestamp) MarshalJSON() ([]byte, error) {
	return AppendEpochSeconds(nil, t.Time), nil
}

// AppendEpochSeconds appends t as epoch seconds with millisecond precision.
func AppendEpochSeconds(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	dst = strconv.AppendInt(dst, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		dst = append(dst, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	}
	return dst
}

func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec, frac := math.Modf(f)
		t.Time = time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC()
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp %s is neither epoch seconds nor ISO 8601", b)
	}
	t.Time = parsed
	return nil
}

func (t Timestamp) MarshalCBOR() ([]byte, error) {
	return cborEnc.Marshal(cbor.Tag{Number: 1, Content: t.UnixMilli()})
}

func (t *Timestamp) UnmarshalCBOR(b []byte) error {
	var raw cbor.RawTag
	if err := cborDec.Unmarshal(b, &raw); err == nil && raw.Number == 1 {
		b = raw.Content
	}
	var f float64
	if err := cborDec.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	t.Time = time.UnixMilli(int64(f)).UTC()
	return nil
}
