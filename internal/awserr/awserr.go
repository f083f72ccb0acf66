// Package awserr is the error Shoal's services give their API layers: an
// AWS error code and AWS's wording, which the protocol adapters write out
// unchanged. One catalog of codes serves Kinesis and Firehose, which share
// most of them.
package awserr

import (
	"fmt"
	"net/http"
)

// Code is an AWS error code, as the services' APIs spell it.
type Code string

const (
	NotFound               Code = "ResourceNotFoundException"
	InUse                  Code = "ResourceInUseException"
	InvalidArgument        Code = "InvalidArgumentException"
	LimitExceeded          Code = "LimitExceededException"
	ConcurrentModification Code = "ConcurrentModificationException"
	Validation             Code = "ValidationException"
	ExpiredIterator        Code = "ExpiredIteratorException"
	ExpiredNextToken       Code = "ExpiredNextTokenException"
	ProvisionedThroughput  Code = "ProvisionedThroughputExceededException"
	ServiceUnavailable     Code = "ServiceUnavailableException"
	Internal               Code = "InternalFailure"
)

// Error is a client-visible service error.
type Error struct {
	Code    Code
	Message string
}

// New makes an Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status AWS answers the code with.
func (e *Error) Status() int {
	switch e.Code {
	case Internal:
		return http.StatusInternalServerError
	case ServiceUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}
