// Package glueapi adapts the catalog service to the AWS Glue Data Catalog
// JSON 1.1 API (X-Amz-Target "AWSGlue.<Operation>").
package glueapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/crawler"
)

// TargetPrefix is the X-Amz-Target prefix of AWS Glue.
const TargetPrefix = "AWSGlue"

// Options configures the API.
type Options struct {
	// AccountID is the only CatalogId this server serves.
	AccountID string
	Logger    *slog.Logger
	// Crawlers, when set, serves the crawler operations.
	Crawlers *crawler.Service
}

type api struct {
	svc    *catalog.Service
	opts   Options
	logger *slog.Logger
}

// Register adds the Glue Data Catalog operations to rt.
func Register(rt *awsapi.Router, svc *catalog.Service, opts Options) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &api{svc: svc, opts: opts, logger: opts.Logger}
	ops := map[string]awsapi.JSONOp{
		"CreateDatabase": handle(a, a.createDatabase),
		"GetDatabase":    handle(a, a.getDatabase),
		"GetDatabases":   handle(a, a.getDatabases),
		"UpdateDatabase": handle(a, a.updateDatabase),
		"DeleteDatabase": handle(a, a.deleteDatabase),

		"CreateTable":             handle(a, a.createTable),
		"GetTable":                handle(a, a.getTable),
		"GetTables":               handle(a, a.getTables),
		"UpdateTable":             handle(a, a.updateTable),
		"DeleteTable":             handle(a, a.deleteTable),
		"BatchDeleteTable":        handle(a, a.batchDeleteTable),
		"GetTableVersions":        handle(a, a.getTableVersions),
		"GetTableVersion":         handle(a, a.getTableVersion),
		"DeleteTableVersion":      handle(a, a.deleteTableVersion),
		"BatchDeleteTableVersion": handle(a, a.batchDeleteTableVersion),

		"CreatePartition":      handle(a, a.createPartition),
		"BatchCreatePartition": handle(a, a.batchCreatePartition),
		"GetPartition":         handle(a, a.getPartition),
		"GetPartitions":        handle(a, a.getPartitions),
		"BatchGetPartition":    handle(a, a.batchGetPartition),
		"UpdatePartition":      handle(a, a.updatePartition),
		"DeletePartition":      handle(a, a.deletePartition),
		"BatchDeletePartition": handle(a, a.batchDeletePartition),
	}
	if opts.Crawlers != nil {
		a.addCrawlerOps(ops)
	}
	a.authorizeOps(ops)
	rt.HandleJSON(TargetPrefix, ops)
}

// handle decodes the request into In, runs fn and maps catalog errors onto
// Glue's exceptions.
func handle[In any](a *api, fn func(ctx context.Context, in *In) (any, error)) awsapi.JSONOp {
	return awsapi.Op(fn, a.apiError)
}

// empty is the body of operations that return nothing.
type empty struct{}

func (a *api) apiError(ctx context.Context, op string, err error) error {
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return ae
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return awsapi.Errorf(http.StatusBadRequest, errorCode(err), "%s", ce.Error())
	}
	a.logger.Error("glue operation failed", "op", op, "request_id", awsapi.RequestIDFrom(ctx), "err", err)
	return awsapi.Errorf(http.StatusInternalServerError, "InternalServiceException", "An internal error occurred.")
}

// errorCode is the Glue exception for a catalog error.
func errorCode(err error) string {
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		return "EntityNotFoundException"
	case errors.Is(err, catalog.ErrAlreadyExists):
		return "AlreadyExistsException"
	case errors.Is(err, catalog.ErrConcurrentModification):
		return "ConcurrentModificationException"
	default:
		return "InvalidInputException"
	}
}

// errorDetail is Glue's per-entry error of batch operations.
type errorDetail struct {
	ErrorCode    string
	ErrorMessage string
}

func detailOf(err error) *errorDetail {
	var ce *catalog.Error
	msg := err.Error()
	if errors.As(err, &ce) {
		msg = ce.Error()
	}
	return &errorDetail{ErrorCode: errorCode(err), ErrorMessage: msg}
}

// checkCatalog accepts the server's own account id or none. Another
// account's catalog is not reachable (as when it has no resource policy
// granting access); anything that is not an account id does not exist.
func (a *api) checkCatalog(id *string) error {
	if id == nil || *id == a.opts.AccountID {
		return nil
	}
	if len(*id) == 12 && strings.Trim(*id, "0123456789") == "" {
		return awsapi.Errorf(http.StatusBadRequest, "AccessDeniedException",
			"Cross-account access to catalog %s is not supported; this server serves catalog %s.", *id, a.opts.AccountID)
	}
	return awsapi.Errorf(http.StatusBadRequest, "EntityNotFoundException", "Catalog %s not found.", *id)
}

// catalogID is the CatalogId echoed in responses.
func (a *api) catalogID() string { return a.opts.AccountID }

// unsupported rejects a request field Shoal models but does not implement,
// rather than silently ignoring what the caller asked for.
func unsupported(field string) error {
	return awsapi.Errorf(http.StatusBadRequest, "InvalidInputException", "%s is not supported by Shoal.", field)
}

// present reports whether an optional JSON value was sent (and not null).
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

func missing(field string) error {
	return awsapi.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// checkName validates a required database/table name parameter.
func checkName(field string, name *string) error {
	if name == nil {
		return missing(field)
	}
	if p := catalog.NameProblem(*name); p != "" {
		return awsapi.ConstraintViolation(*name, field, p)
	}
	return nil
}

// checkMax validates MaxResults against the operation's range.
func checkMax(v *int32, max int) (int, error) {
	if v == nil {
		return 0, nil
	}
	if *v < 1 {
		return 0, awsapi.ConstraintViolation(*v, "maxResults", "Member must have value greater than or equal to 1")
	}
	if int(*v) > max {
		return 0, awsapi.ConstraintViolation(*v, "maxResults", fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
	return int(*v), nil
}

// checkLen validates the length of a batch list.
func checkLen(field string, n, min, max int) error {
	if n < min {
		return awsapi.ConstraintViolation("[]", field, fmt.Sprintf("Member must have length greater than or equal to %d", min))
	}
	if n > max {
		return awsapi.ConstraintViolation(fmt.Sprintf("list of %d", n), field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
