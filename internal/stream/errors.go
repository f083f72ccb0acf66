package stream

import "fmt"

// Kind classifies service errors; the values are the Kinesis error codes, so
// the API layer can pass them through unchanged.
type Kind string

const (
	KindNotFound              Kind = "ResourceNotFoundException"
	KindInUse                 Kind = "ResourceInUseException"
	KindInvalidArgument       Kind = "InvalidArgumentException"
	KindLimitExceeded         Kind = "LimitExceededException"
	KindExpiredIterator       Kind = "ExpiredIteratorException"
	KindExpiredNextToken      Kind = "ExpiredNextTokenException"
	KindValidation            Kind = "ValidationException"
	KindInternal              Kind = "InternalFailure"
	KindProvisionedThroughput Kind = "ProvisionedThroughputExceededException"
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

func (s *Service) streamNotFound(name string) *Error {
	return errorf(KindNotFound, "Stream %s under account %s not found.", name, s.opts.AccountID)
}
