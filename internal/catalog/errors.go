package catalog

import (
	"errors"
	"fmt"
)

// Error kinds. The API layer maps them onto Glue's exception names; Go
// callers test them with errors.Is.
var (
	ErrNotFound               = errors.New("entity not found")
	ErrAlreadyExists          = errors.New("already exists")
	ErrInvalidInput           = errors.New("invalid input")
	ErrConcurrentModification = errors.New("concurrent modification")
)

// Error is a catalog failure with Glue's wording.
type Error struct {
	kind error
	msg  string
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.kind }

func newError(kind error, format string, args ...any) *Error {
	return &Error{kind: kind, msg: fmt.Sprintf(format, args...)}
}

func invalidInput(format string, args ...any) *Error {
	return newError(ErrInvalidInput, format, args...)
}

func databaseNotFound(name string) *Error {
	return newError(ErrNotFound, "Database %s not found.", name)
}

func tableNotFound(name string) *Error {
	return newError(ErrNotFound, "Table %s not found.", name)
}

func partitionNotFound() *Error {
	return newError(ErrNotFound, "Cannot find partition.")
}

// isCatalogError tells a per-entry failure (reported to the caller) from a
// storage failure (which aborts the whole operation).
func isCatalogError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}
