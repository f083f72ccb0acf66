package crawler

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// RoleAuthorizer answers whether a service acting as an IAM role may do
// something (the role exists, trusts the service, and its policies allow
// the action). The IAM service implements it; nil allows everything.
type RoleAuthorizer interface {
	AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error
}

// gluePrincipal is the service principal a crawler's role must trust.
const gluePrincipal = "glue.amazonaws.com"

// msgCannotAssume is Glue's message for a crawl whose role it cannot use.
const msgCannotAssume = "Crawler cannot be started. Verify the permissions in the policies attached to the IAM role defined in the crawler."

// roleARN is the crawler's Role as an ARN: Glue accepts a role name too.
func (s *Service) roleARN(role string) string {
	if strings.HasPrefix(role, "arn:") {
		return role
	}
	return "arn:aws:iam::" + s.accountID + ":role/" + strings.TrimPrefix(role, "/")
}

// authorizeAs checks one action of the crawler's role. service names the
// API the crawl calls, for the error's wording: "s3" or "glue".
func (s *Service) authorizeAs(ctx context.Context, def Definition, service string, req awsapi.AuthzRequest) error {
	if s.roles == nil {
		return nil
	}
	err := s.roles.AuthorizeRole(ctx, s.roleARN(def.Role), gluePrincipal, req)
	var denied *awsapi.AccessDenied
	if err == nil || !errors.As(err, &denied) {
		return err
	}
	// The IAM service words a role that cannot be assumed as STS does.
	if denied.Action == "sts:AssumeRole" {
		return fmt.Errorf("%s %w", msgCannotAssume, err)
	}
	if service == "s3" {
		return fmt.Errorf("%w (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)", err)
	}
	return fmt.Errorf("%w (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)", err)
}

// authorizeList checks s3:ListBucket on a target's bucket for its prefix.
func (s *Service) authorizeList(ctx context.Context, def Definition, t Target) error {
	return s.authorizeAs(ctx, def, "s3", awsapi.AuthzRequest{Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + t.Bucket,
		Context: map[string][]string{"s3:prefix": {t.prefix()}}})
}

// authorizeGet checks s3:GetObject on one object the crawl reads.
func (s *Service) authorizeGet(ctx context.Context, def Definition, bucket, key string) error {
	return s.authorizeAs(ctx, def, "s3", awsapi.AuthzRequest{Action: "s3:GetObject", Resource: "arn:aws:s3:::" + bucket + "/" + key})
}

// authorizeGlue checks a Glue action on the catalog, the database and,
// when table is not empty, the table, as Glue authorizes catalog calls.
func (s *Service) authorizeGlue(ctx context.Context, def Definition, action, table string) error {
	if s.roles == nil {
		return nil
	}
	base := fmt.Sprintf("arn:aws:glue:%s:%s:", s.region, s.accountID)
	resources := []string{base + "catalog", base + "database/" + def.DatabaseName}
	if table != "" {
		resources = append(resources, base+"table/"+def.DatabaseName+"/"+table)
	}
	for _, r := range resources {
		if err := s.authorizeAs(ctx, def, "glue", awsapi.AuthzRequest{Action: action, Resource: r}); err != nil {
			return err
		}
	}
	return nil
}
