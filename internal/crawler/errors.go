package crawler

import (
	"errors"
	"fmt"
)

// Error kinds of the crawler service; the Glue API maps each onto the
// exception of the same meaning.
var (
	ErrNotFound             = errors.New("entity not found")
	ErrAlreadyExists        = errors.New("already exists")
	ErrInvalidInput         = errors.New("invalid input")
	ErrRunning              = errors.New("crawler running")
	ErrNotRunning           = errors.New("crawler not running")
	ErrStopping             = errors.New("crawler stopping")
	ErrSchedulerRunning     = errors.New("scheduler running")
	ErrSchedulerNotRunning  = errors.New("scheduler not running")
	ErrSchedulerTransition  = errors.New("scheduler transitioning")
	ErrNoSchedule           = errors.New("no schedule")
	ErrUnsupportedByShoal   = errors.New("not supported by Shoal")
	errInterruptedByRestart = "The crawl was interrupted because the server stopped before it finished."
)

// Error is a crawler service error with the message Glue would give.
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

func crawlerNotFound(name string) *Error {
	return newError(ErrNotFound, "Crawler entry with name %s does not exist", name)
}

func unsupported(what string) *Error {
	return newError(ErrUnsupportedByShoal, "%s is not supported by Shoal.", what)
}
