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
	codeUndefinedColumn       = "42703"
	codeUndefinedObject       = "42704"
	codeUndefinedSchema       = "3F000"
	codeDuplicateTable        = "42P07"
	codeDuplicateSchema       = "42P06"
	codeWrongObjectType       = "42809"
	codeDependentObjects      = "2BP01"
	codeInvalidText           = "22P02"
	codeUniqueViolation       = "23505"
	codeNotNullViolation      = "23502"
	codeInFailedTransaction   = "25P02"
	codeReadOnlyTransaction   = "25006"
	codeLoadError             = "XX000"
	codeInsufficientPrivilege = "42501"
	codeInvalidGrant          = "0LP01"
)

func syntaxError(msg string) *pgError { return newPGError(codeSyntax, msg) }

// duckCodes maps DuckDB's error classes (the message prefix) to SQLSTATEs.
var duckCodes = []struct{ prefix, code string }{
	{"Parser Error", codeSyntax},
	{"Catalog Error: Scalar Function", codeUndefinedFunction},
	{"Catalog Error: Aggregate Function", codeUndefinedFunction},
	{"Catalog Error: Table Function", codeUndefinedFunction},
	{"Catalog Error: Schema with name", codeUndefinedSchema},
	{"Catalog Error: Table with name", codeUndefinedTable},
	{"Catalog Error: View with name", codeUndefinedTable},
	{"Binder Error: Referenced column", codeUndefinedColumn},
	{"Binder Error: Values list", codeUndefinedColumn},
	{"Binder Error", codeSyntax},
	{"Conversion Error", codeInvalidText},
	{"Invalid Input Error", codeInvalidText},
	{"Out of Range Error", "22003"},
	{"Constraint Error: NOT NULL", codeNotNullViolation},
	{"Constraint Error: Duplicate key", codeUniqueViolation},
	{"Constraint Error", "23000"},
	{"TransactionContext Error: Current transaction is aborted", codeInFailedTransaction},
	{"TransactionContext Error", "25000"},
	{"Dependency Error", codeDependentObjects},
	{"Not implemented Error", codeFeatureNotSupported},
	{"IO Error", "58030"},
	{"Interrupt Error", codeQueryCanceled},
}

// duckError gives a DuckDB failure its SQLSTATE; the message loses
// DuckDB's class prefix, keeping the text (and its LINE pointer).
func duckError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	msg := err.Error()
	for _, d := range duckCodes {
		if strings.HasPrefix(msg, d.prefix) {
			if strings.HasPrefix(msg, "Catalog Error: Table with name") && strings.Contains(msg, "because schema") {
				return newPGError(codeUndefinedSchema, trimClass(msg))
			}
			return newPGError(d.code, trimClass(msg))
		}
	}
	return newPGError(codeInternal, msg)
}

// trimClass drops "Xxx Error: " from a DuckDB message.
func trimClass(msg string) string {
	if _, rest, ok := strings.Cut(msg, " Error: "); ok && !strings.Contains(msg[:strings.Index(msg, " Error: ")], "\n") {
		return strings.TrimSpace(rest)
	}
	return msg
}

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
