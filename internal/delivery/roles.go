package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// RoleAuthorizer answers whether a service acting as an IAM role may do
// something: the role exists, its trust policy lets the service principal
// assume it, and its policies allow the action. The IAM service implements
// it; a nil RoleAuthorizer in Options allows everything (in-process use).
type RoleAuthorizer interface {
	AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error
}

// firehosePrincipal is the service principal a delivery stream's roles
// must trust.
const firehosePrincipal = "firehose.amazonaws.com"

// Failure areas: which part of delivery a failure belongs to, so that a
// success in one area clears only its own failure.
const (
	areaS3     = "s3"
	areaGlue   = "glue"
	areaSource = "source"
)

// The error codes and messages Firehose reports for a role that cannot be
// assumed or lacks permissions (its delivery error logs use these codes).
const (
	codeS3AccessDenied   = "S3.AccessDenied"
	msgS3AccessDenied    = "Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket."
	codeGlueAccessDenied = "DataFormatConversion.AccessDenied"
	msgGlueAccessDenied  = "Access was denied. Ensure that the trust policy for the IAM role in the schema configuration allows Firehose to assume the role, and the access policy allows glue:GetTable, glue:GetTableVersion and glue:GetTableVersions on the table."
	codeKinesisDenied    = "Kinesis.AccessDenied"
	msgKinesisDenied     = "Access was denied. Ensure that the trust policy for the IAM role in the Kinesis stream source configuration allows Firehose to assume the role, and the access policy allows kinesis:DescribeStream, kinesis:GetShardIterator, kinesis:GetRecords and kinesis:ListShards on the stream."
)

// FailureDescription is why delivery is paused, in the shape of Firehose's
// FailureDescription: Type is the Firehose error code, Details its message.
type FailureDescription struct {
	Type    string `json:"Type"`
	Details string `json:"Details"`
}

// deniedError is a role's denial; delivery keeps the records and retries.
type deniedError struct {
	area, code, msg string
	cause           error // the IAM denial, naming role, action and resource
}

func (e *deniedError) Error() string { return e.code + ": " + e.msg + " (" + e.cause.Error() + ")" }
func (e *deniedError) Unwrap() error { return e.cause }

// authorizeAs checks one action of a role; denials become *deniedError of
// the area, other failures (the IAM store unavailable) are wrapped.
func (s *Service) authorizeAs(ctx context.Context, area, roleARN, action, resource string) error {
	if s.opts.Roles == nil {
		return nil
	}
	err := s.opts.Roles.AuthorizeRole(ctx, roleARN, firehosePrincipal, awsapi.AuthzRequest{Action: action, Resource: resource})
	var denied *awsapi.AccessDenied
	switch {
	case err == nil:
		return nil
	case errors.As(err, &denied):
		code, msg := deniedText(area)
		return &deniedError{area: area, code: code, msg: msg, cause: err}
	default:
		return fmt.Errorf("authorize %s as %s: %w", action, roleARN, err)
	}
}

func deniedText(area string) (code, msg string) {
	switch area {
	case areaGlue:
		return codeGlueAccessDenied, msgGlueAccessDenied
	case areaSource:
		return codeKinesisDenied, msgKinesisDenied
	default:
		return codeS3AccessDenied, msgS3AccessDenied
	}
}

// authorizePut checks that the destination role may write the object.
func (w *worker) authorizePut(ctx context.Context, key string) error {
	return w.svc.authorizeAs(ctx, areaS3, w.cfg.Destination.RoleARN, "s3:PutObject", "arn:aws:s3:::"+w.bucket+"/"+key)
}

// authorizeSchema checks that the schema configuration's role may read
// the table, as Glue checks GetTable: on the catalog, the database and the
// table. A pinned version is read with GetTableVersion.
func (w *worker) authorizeSchema(ctx context.Context, sc *SchemaConfiguration, version string) error {
	role := sc.RoleARN
	if role == "" {
		role = w.cfg.Destination.RoleARN
	}
	region, account := w.svc.opts.Region, w.svc.opts.AccountID
	if sc.Region != "" {
		region = sc.Region
	}
	if sc.CatalogId != "" {
		account = sc.CatalogId
	}
	action := "glue:GetTable"
	if version != "" {
		action = "glue:GetTableVersion"
	}
	base := fmt.Sprintf("arn:aws:glue:%s:%s:", region, account)
	for _, res := range []string{base + "catalog", base + "database/" + sc.DatabaseName, base + "table/" + sc.DatabaseName + "/" + sc.TableName} {
		if err := w.svc.authorizeAs(ctx, areaGlue, role, action, res); err != nil {
			return err
		}
	}
	return nil
}

// authorizeSource checks that the source role may call action on the
// source stream.
func (src *source) authorizeSource(ctx context.Context, action string) error {
	return src.svc.authorizeAs(ctx, areaSource, src.cfg.Source.RoleARN, action, src.cfg.Source.KinesisStreamARN)
}

func isDenied(err error) bool {
	var d *deniedError
	return errors.As(err, &d)
}

// noteDenied records a denial as the delivery stream's failure.
func (c *counters) noteDenied(err error) bool {
	var d *deniedError
	if c == nil || !errors.As(err, &d) {
		return false
	}
	c.mu.Lock()
	c.failure = &FailureDescription{Type: d.code, Details: d.msg}
	c.failureArea = d.area
	c.mu.Unlock()
	return true
}

// clearFailure forgets a failure of area once that area works again.
func (c *counters) clearFailure(area string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.failureArea == area {
		c.failure, c.failureArea = nil, ""
	}
	c.mu.Unlock()
}

func (c *counters) currentFailure() *FailureDescription {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failure == nil {
		return nil
	}
	f := *c.failure
	return &f
}

// Default retry backoff of failed deliveries: it doubles per attempt from
// DefaultRetryBackoff up to maxBackoffFactor times it.
const (
	DefaultRetryBackoff = time.Second
	maxBackoffFactor    = 16
)

// backoff is how long to wait before retry number attempt (1-based).
func (s *Service) backoff(attempt int) time.Duration {
	d := s.opts.RetryBackoff
	for i := 1; i < attempt && d < s.opts.RetryBackoff*maxBackoffFactor; i++ {
		d *= 2
	}
	return min(d, s.opts.RetryBackoff*maxBackoffFactor)
}
