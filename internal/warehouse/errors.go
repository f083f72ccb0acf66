package warehouse

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/shoal-dev/shoal/internal/query"
)

// SQLSTATE codes the endpoint sends.
const (
	codeSyntax                = "42601"
	codeUndefinedTable        = "42P01"
	codeUndefinedFunction     = "42883"
	codeInvalidSchemaName     = "3F000"
	codeInvalidCatalogName    = "3D000"
	codeInvalidPassword       = "28P01"
	codeInvalidAuthorization  = "28000"
	codeProtocolViolation     = "08P01"
	codeFeatureNotSupported   = "0A000"
	codeQueryCanceled         = "57014"
	codeDataException         = "22000"
	codeInvalidParameterValue = "22023"
	codeUndefinedPrepared     = "26000"
	codeUndefinedCursor       = "34000"
	codeInternal              = "XX000"
)

// pgError is an error that carries its SQLSTATE to the client.
type pgError struct {
	code    string
	message string
}

func (e *pgError) Error() string { return e.code + ": " + e.message }

func newPGError(code, message string) *pgError { return &pgError{code: code, message: message} }

// athenaCodes maps the query engine's Athena error codes to SQLSTATEs.
var athenaCodes = map[string]string{
	query.ErrSyntax:         codeSyntax,
	query.ErrTableNotFound:  codeUndefinedTable,
	query.ErrSchemaNotFound: codeInvalidSchemaName,
	query.ErrFunctionNotFnd: codeUndefinedFunction,
	query.ErrNotSupported:   codeFeatureNotSupported,
	query.ErrInvalidTable:   codeFeatureNotSupported,
	query.ErrGeneric:        codeDataException,
	query.ErrInternal:       codeInternal,
}

// errorResponse turns any error from running a statement into the
// message the client sees.
func errorResponse(err error) *pgproto3.ErrorResponse {
	code, msg := codeInternal, err.Error()
	var pe *pgError
	var qe *query.QueryError
	switch {
	case errors.As(err, &pe):
		code, msg = pe.code, pe.message
	case errors.Is(err, context.Canceled):
		code, msg = codeQueryCanceled, "canceling statement due to user request"
	case errors.As(err, &qe):
		msg = qe.Message
		if c, ok := athenaCodes[qe.Code]; ok {
			code = c
		} else if qe.Category == query.CategoryUser {
			code = codeDataException
		}
	case errors.Is(err, query.ErrInvalidRequest):
		code = codeDataException
	}
	return &pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: code, Message: strings.TrimSpace(msg)}
}
