package awsapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Error is an error in the shape AWS protocols return: a stable code (the JSON
// "__type" or the S3 <Code>), a human message and the HTTP status.
type Error struct {
	Code    string
	Message string
	Status  int
	// Resource is echoed in S3 error bodies (<Resource>), optional.
	Resource string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

// AsError converts any error into an *Error: a service's *awserr.Error
// keeps its code and message; unknown errors become InternalFailure (JSON)
// so internals never leak as a malformed response.
func AsError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var se *awserr.Error
	if errors.As(err, &se) {
		return &Error{Code: string(se.Code), Message: se.Message, Status: se.Status()}
	}
	return &Error{Code: "InternalFailure", Message: "internal error", Status: http.StatusInternalServerError}
}

// Errors shared by the JSON services. Service-specific ones live with the service.
func ValidationError(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// ConstraintViolation formats AWS's validation wording for one failed field, e.g.
// "1 validation error detected: Value 'x' at 'streamName' failed to satisfy
// constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+".
func ConstraintViolation(value any, field, constraint string) *Error {
	return ValidationError("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// S3 XML error body.
type s3ErrorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
}

// WriteXMLError writes err as S3 does: <Error><Code>...</Code>...</Error>.
func WriteXMLError(w http.ResponseWriter, r *http.Request, err error) {
	ae := AsError(err)
	// The verifying body reader (Verify) fails reads with an auth failure
	// when a payload hash or chunk signature does not match; S3 handlers
	// see it only after Verify returned, wrapped in their own errors.
	var af *authFailure
	if errors.As(err, &af) {
		ae = af.xmlError()
	}
	if ae.Code == "InternalFailure" {
		ae = &Error{Code: "InternalError", Message: "We encountered an internal error. Please try again.", Status: http.StatusInternalServerError}
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(ae.Status)
	if r.Method == http.MethodHead {
		return // HEAD responses carry no body; clients read the status only.
	}
	body := s3ErrorBody{Code: ae.Code, Message: ae.Message, Resource: ae.Resource, RequestID: RequestIDFrom(r.Context())}
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(body)
}
