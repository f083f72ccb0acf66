package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
)

// RoleAuthorizer answers whether a service acting as an IAM role may do
// something (the role exists, trusts the service, and its policies allow
// the action). The IAM service implements it; nil allows everything.
type RoleAuthorizer interface {
	AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error
}

// redshiftPrincipal is the service principal an external schema's
// IAM_ROLE must trust.
const redshiftPrincipal = "redshift.amazonaws.com"

// spectrumRoles authorizes what Spectrum does as external schemas' roles.
type spectrumRoles struct {
	roles           RoleAuthorizer // nil: allow everything
	region, account string
	user            string // the database user, for Redshift's wording
}

// spectrum is the role checker for statements of the session user.
func (e *engine) spectrum(user string) spectrumRoles {
	return spectrumRoles{roles: e.opts.Roles, region: e.opts.Region, account: e.opts.AccountID, user: user}
}

// checkSchema is the check CREATE EXTERNAL SCHEMA makes: Redshift assumes
// the role and reads the database from the catalog.
func (s spectrumRoles) checkSchema(ctx context.Context, es externalSchema) error {
	return s.glue(ctx, es, "glue:GetDatabase", "")
}

// checkRead is what a query through es reads as its role: the table and
// its partitions from Glue, then the location's objects from S3.
func (s spectrumRoles) checkRead(ctx context.Context, es externalSchema, t *catalog.Table) error {
	for _, action := range []string{"glue:GetTable", "glue:GetPartitions"} {
		if err := s.glue(ctx, es, action, t.Name); err != nil {
			return err
		}
	}
	bucket, prefix := splitS3(tableLocationOf(t))
	if bucket == "" {
		return nil
	}
	if err := s.s3(ctx, es, awsapi.AuthzRequest{Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + bucket,
		Context: map[string][]string{"s3:prefix": {prefix}}}); err != nil {
		return err
	}
	return s.s3(ctx, es, awsapi.AuthzRequest{Action: "s3:GetObject", Resource: "arn:aws:s3:::" + bucket + "/" + prefix + "*"})
}

// glue checks action on the catalog, the database and (if set) the table.
func (s spectrumRoles) glue(ctx context.Context, es externalSchema, action, table string) error {
	region := s.region
	if es.region != "" {
		region = es.region
	}
	base := fmt.Sprintf("arn:aws:glue:%s:%s:", region, s.account)
	resources := []string{base + "catalog", base + "database/" + es.database}
	if table != "" {
		resources = append(resources, base+"table/"+es.database+"/"+table)
	}
	for _, r := range resources {
		err := s.authorize(ctx, es.iamRole, awsapi.AuthzRequest{Action: action, Resource: r})
		if err != nil {
			return wrapDenied(err, " (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)")
		}
	}
	return nil
}

func (s spectrumRoles) s3(ctx context.Context, es externalSchema, req awsapi.AuthzRequest) error {
	if err := s.authorize(ctx, es.iamRole, req); err != nil {
		return wrapDenied(err, " (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)")
	}
	return nil
}

// authorize asks as the role (an external schema's, or COPY's); a role
// that cannot be assumed gets Redshift's message for it.
func (s spectrumRoles) authorize(ctx context.Context, roleARN string, req awsapi.AuthzRequest) error {
	if s.roles == nil {
		return nil
	}
	err := s.roles.AuthorizeRole(ctx, roleARN, redshiftPrincipal, req)
	var denied *awsapi.AccessDenied
	if errors.As(err, &denied) && denied.Action == "sts:AssumeRole" {
		return newPGError(codeInternal, fmt.Sprintf("User arn:aws:redshift:%s:%s:dbuser:shoal/%s is not authorized to assume IAM Role %s",
			s.region, s.account, s.user, roleARN))
	}
	return err
}

// wrapDenied turns a role's denial into the Postgres error Redshift gives
// (XX000 with the AWS message); other errors pass unchanged.
func wrapDenied(err error, service string) error {
	var denied *awsapi.AccessDenied
	var pg *pgError
	if errors.As(err, &pg) || !errors.As(err, &denied) {
		return err
	}
	return newPGError(codeInternal, denied.Message()+service)
}

func tableLocationOf(t *catalog.Table) string {
	if t.StorageDescriptor == nil || t.StorageDescriptor.Location == nil {
		return ""
	}
	return *t.StorageDescriptor.Location
}

// splitS3 splits s3://bucket/prefix (s3a:// and s3n:// too).
func splitS3(loc string) (bucket, prefix string) {
	_, rest, ok := strings.Cut(loc, "://")
	if !ok {
		return "", ""
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, prefix
}
