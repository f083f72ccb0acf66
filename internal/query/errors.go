package query

import (
	"errors"
	"fmt"
)

// Request errors of the service API. The Athena adapter maps them onto
// InvalidRequestException and ResourceNotFoundException.
var (
	ErrInvalidRequest = errors.New("invalid request")
	ErrNotFound       = errors.New("resource not found")
)

// RequestError is a rejected API call with Athena's wording.
type RequestError struct {
	kind error
	// AthenaErrorCode is the error code Athena reports with
	// InvalidRequestException (e.g. "INVALID_INPUT").
	AthenaErrorCode string
	Msg             string
}

func (e *RequestError) Error() string { return e.Msg }
func (e *RequestError) Unwrap() error { return e.kind }

func invalidRequest(format string, args ...any) *RequestError {
	return &RequestError{kind: ErrInvalidRequest, AthenaErrorCode: "INVALID_INPUT", Msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *RequestError {
	return &RequestError{kind: ErrNotFound, Msg: fmt.Sprintf(format, args...)}
}

// Athena's error categories and the few error types Shoal reports
// (https://docs.aws.amazon.com/athena/latest/ug/error-reference.html).
const (
	CategorySystem = 1
	CategoryUser   = 2

	TypeInternal     = 100
	TypeResultWrite  = 401
	TypeUser         = 1000
	TypeDDLFailed    = 1003
	TypeNotSupported = 1000
)

// QueryError is why an execution failed; its message becomes the
// execution's StateChangeReason and AthenaError.ErrorMessage.
type QueryError struct {
	Category int
	Type     int
	// Code prefixes the message as Athena does ("SYNTAX_ERROR: ...").
	Code    string
	Message string
	Err     error
}

// Error codes used as message prefixes.
const (
	ErrSyntax         = "SYNTAX_ERROR"
	ErrTableNotFound  = "TABLE_NOT_FOUND"
	ErrSchemaNotFound = "SCHEMA_NOT_FOUND"
	ErrNotSupported   = "NOT_SUPPORTED"
	ErrFunctionNotFnd = "FUNCTION_NOT_FOUND"
	ErrInvalidTable   = "HIVE_UNSUPPORTED_FORMAT"
	ErrGeneric        = "GENERIC_USER_ERROR"
	ErrInternal       = "GENERIC_INTERNAL_ERROR"
)

func (e *QueryError) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}

func (e *QueryError) Unwrap() error { return e.Err }

// userError is a query failure caused by the query or the data.
func userError(code, format string, args ...any) *QueryError {
	return &QueryError{Category: CategoryUser, Type: TypeUser, Code: code, Message: fmt.Sprintf(format, args...)}
}

// asQueryError classifies any error from running a query.
func asQueryError(err error) *QueryError {
	var qe *QueryError
	if errors.As(err, &qe) {
		if qe.Category == 0 {
			qe.Category, qe.Type = CategoryUser, TypeUser
		}
		return qe
	}
	return &QueryError{Category: CategorySystem, Type: TypeInternal, Code: ErrInternal, Message: err.Error(), Err: err}
}
