package delivery

import (
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
)

func invalidArg(format string, args ...any) *awserr.Error {
	return awserr.New(awserr.InvalidArgument, format, args...)
}

func isNotFound(err error) bool {
	return errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrMsgNotFound)
}
