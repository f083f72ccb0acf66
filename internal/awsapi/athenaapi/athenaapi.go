// Package athenaapi adapts the query service to the Amazon Athena JSON 1.1
// API (X-Amz-Target "AmazonAthena.<Operation>").
package athenaapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/query"
)

// TargetPrefix is the X-Amz-Target prefix of Athena.
const TargetPrefix = "AmazonAthena"

type api struct {
	svc    *query.Service
	logger *slog.Logger
}

// Register adds the Athena operations to rt.
func Register(rt *awsapi.Router, svc *query.Service, logger *slog.Logger) {
	if logger == nil {
		logger = slog.Default()
	}
	a := &api{svc: svc, logger: logger}
	rt.HandleJSON(TargetPrefix, a.authorized(map[string]awsapi.JSONOp{
		"StartQueryExecution":    handle(a, a.startQueryExecution),
		"GetQueryExecution":      handle(a, a.getQueryExecution),
		"BatchGetQueryExecution": handle(a, a.batchGetQueryExecution),
		"ListQueryExecutions":    handle(a, a.listQueryExecutions),
		"StopQueryExecution":     handle(a, a.stopQueryExecution),
		"GetQueryResults":        handle(a, a.getQueryResults),

		"CreateWorkGroup": handle(a, a.createWorkGroup),
		"GetWorkGroup":    handle(a, a.getWorkGroup),
		"ListWorkGroups":  handle(a, a.listWorkGroups),
		"UpdateWorkGroup": handle(a, a.updateWorkGroup),
		"DeleteWorkGroup": handle(a, a.deleteWorkGroup),

		"CreateNamedQuery":   handle(a, a.createNamedQuery),
		"GetNamedQuery":      handle(a, a.getNamedQuery),
		"ListNamedQueries":   handle(a, a.listNamedQueries),
		"BatchGetNamedQuery": handle(a, a.batchGetNamedQuery),
		"DeleteNamedQuery":   handle(a, a.deleteNamedQuery),

		"CreatePreparedStatement": handle(a, a.createPreparedStatement),
		"GetPreparedStatement":    handle(a, a.getPreparedStatement),
		"ListPreparedStatements":  handle(a, a.listPreparedStatements),
		"UpdatePreparedStatement": handle(a, a.updatePreparedStatement),
		"DeletePreparedStatement": handle(a, a.deletePreparedStatement),
	}))
}

// handle decodes the request into In, runs fn and maps service errors onto
// Athena's exceptions.
func handle[In any](a *api, fn func(ctx context.Context, in *In) (any, error)) awsapi.JSONOp {
	return awsapi.Op(fn, a.apiError)
}

type empty struct{}

func (a *api) apiError(ctx context.Context, op string, err error) error {
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return ae
	}
	var re *query.RequestError
	if errors.As(err, &re) {
		if errors.Is(err, query.ErrNotFound) {
			return awsapi.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "%s", re.Msg)
		}
		return awsapi.Errorf(http.StatusBadRequest, "InvalidRequestException", "%s", re.Msg)
	}
	a.logger.Error("athena operation failed", "op", op, "request_id", awsapi.RequestIDFrom(ctx), "err", err)
	return awsapi.Errorf(http.StatusInternalServerError, "InternalServerException", "An internal error occurred.")
}

// invalid is Athena's InvalidRequestException for a bad parameter.
func invalid(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "InvalidRequestException", format, args...)
}

// page slices items by an offset token.
func page[T any](items []T, token string, max, limit int) ([]T, *string, error) {
	if max <= 0 || max > limit {
		max = limit
	}
	off := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalid("NextToken %q is not valid", token)
		}
		off = n
	}
	end := min(off+max, len(items))
	var next *string
	if end < len(items) {
		s := strconv.Itoa(end)
		next = &s
	}
	return items[off:end], next, nil
}

func required(name, v string) error {
	if v == "" {
		return invalid("%s is required", name)
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
