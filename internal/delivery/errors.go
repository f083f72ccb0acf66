package delivery

import (
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Kind classifies service errors; the values are the Firehose error codes, so
// the API layer passes them through unchanged.
type Kind string

const (
	KindNotFound               Kind = "ResourceNotFoundException"
	KindInUse                  Kind = "ResourceInUseException"
	KindInvalidArgument        Kind = "InvalidArgumentException"
	KindLimitExceeded          Kind = "LimitExceededException"
	KindConcurrentModification Kind = "ConcurrentModificationException"
	KindValidation             Kind = "ValidationException"
	KindServiceUnavailable     Kind = "ServiceUnavailableException"
)

// Error is a client-visible service error.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }

func errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func invalidArg(format string, args ...any) *Error {
	return errorf(KindInvalidArgument, format, args...)
}

func isNotFound(err error) bool {
	return errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrMsgNotFound)
}
