package dashboard

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/shoal-dev/shoal/internal/query"
)

// Error is a failure the API reports with a status and a code.
type Error struct {
	Status  int
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Error codes of the dashboards API.
const (
	CodeValidation             = "ValidationError"
	CodeNotFound               = "NotFound"
	CodeConcurrentModification = "ConcurrentModification"
	CodeResourceInUse          = "ResourceInUse"
	CodeQueryFailed            = "QueryFailed"
	CodeInternal               = "InternalError"
)

func invalid(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

func conflict(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// queryFailed classifies an error of the query service: a bad query or bad
// data is the caller's problem (400), anything else is ours (500).
func queryFailed(err error) error {
	var qe *query.QueryError
	if errors.As(err, &qe) && qe.Category == query.CategoryUser {
		return &Error{Status: http.StatusBadRequest, Code: CodeQueryFailed, Message: qe.Error(), Err: err}
	}
	if errors.Is(err, query.ErrInvalidRequest) || errors.Is(err, query.ErrNotFound) {
		return &Error{Status: http.StatusBadRequest, Code: CodeQueryFailed, Message: err.Error(), Err: err}
	}
	return fmt.Errorf("query: %w", err)
}

// statusOf maps any error onto the API's status, code and message.
func statusOf(err error) (int, string, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Code, e.Message
	}
	return http.StatusInternalServerError, CodeInternal, err.Error()
}
