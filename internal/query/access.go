package query

import (
	"context"
	"errors"
)

// Access authorizes what an execution does on its caller's behalf, as
// Athena does: reading a table's definition from the catalog, listing and
// reading its objects, and writing the result. The Athena API implements
// it with the caller's identity; executions started without one (the
// console's and the warehouse's own queries) are not checked here.
//
// Each method returns nil when allowed, a *Denied when the caller lacks
// the permission, or another error when the decision itself failed.
type Access interface {
	// Catalog authorizes Glue action (e.g. "glue:GetTable") on the
	// catalog, the database and, unless table is "", the table.
	Catalog(ctx context.Context, action, database, table string) error
	ListObjects(ctx context.Context, bucket, prefix string) error
	GetObject(ctx context.Context, bucket, key string) error
	PutObject(ctx context.Context, bucket, key string) error
}

// Denied is a refused permission; Message is the authorizer's text
// ("User: ... is not authorized to perform: ...").
type Denied struct{ Message string }

func (d *Denied) Error() string { return d.Message }

type accessKey struct{}

func withAccess(ctx context.Context, a Access) context.Context {
	if a == nil {
		return ctx
	}
	return context.WithValue(ctx, accessKey{}, a)
}

func accessFrom(ctx context.Context) Access {
	a, _ := ctx.Value(accessKey{}).(Access)
	return a
}

// checkTable authorizes reading a table's definition.
func checkTable(ctx context.Context, database, table string) error {
	return checkCatalog(ctx, "glue:GetTable", database, table)
}

// checkCatalog authorizes a catalog action of the execution (reading a
// table, or a DDL statement's change); a denial fails the query with
// Athena's wording for a Glue refusal.
func checkCatalog(ctx context.Context, action, database, table string) error {
	a := accessFrom(ctx)
	if a == nil {
		return nil
	}
	return denial(a.Catalog(ctx, action, database, table), func(msg string) string {
		return "Insufficient permissions to execute the query. " + msg +
			" (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)"
	})
}

// checkList authorizes listing a table's objects under s3://bucket/prefix.
func checkList(ctx context.Context, bucket, prefix string) error {
	a := accessFrom(ctx)
	if a == nil {
		return nil
	}
	return denial(a.ListObjects(ctx, bucket, prefix), func(string) string {
		return "Permission denied on S3 path: s3://" + bucket + "/" + prefix
	})
}

// checkRead authorizes reading one object of a table.
func checkRead(ctx context.Context, bucket, key string) error {
	a := accessFrom(ctx)
	if a == nil {
		return nil
	}
	return denial(a.GetObject(ctx, bucket, key), func(string) string {
		return "Permission denied on S3 path: s3://" + bucket + "/" + key
	})
}

// checkWrite authorizes writing an object (the result, or the data of
// CREATE TABLE AS and INSERT INTO), with Athena's wording.
func checkWrite(ctx context.Context, bucket, key string) error {
	a := accessFrom(ctx)
	if a == nil {
		return nil
	}
	return denial(a.PutObject(ctx, bucket, key), func(string) string {
		return "Access denied when writing output to url: s3://" + bucket + "/" + key +
			" . Please ensure you are allowed to access the S3 bucket."
	})
}

// denial turns an Access answer into the query's failure: a *Denied
// becomes a user error worded by reason, anything else stays an internal
// error.
func denial(err error, reason func(msg string) string) error {
	var d *Denied
	if !errors.As(err, &d) {
		return err
	}
	return &QueryError{Category: CategoryUser, Type: TypeUser, Message: reason(d.Message), Err: err}
}
