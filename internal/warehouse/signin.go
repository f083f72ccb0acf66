package warehouse

import (
	"context"
	"errors"
	"fmt"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// clusterID names the warehouse in Redshift ARNs (dbuser, dbname).
const clusterID = "shoal"

// dbUser is the session's database user: an IAM user is known by name
// whether they signed in with their console password or an access key.
func (s *session) dbUser() string {
	if s.identity.PrincipalType == "user" && s.identity.Name != "" {
		return s.identity.Name
	}
	return s.user
}

// authorizeSignIn lets an IAM user in only when their policies allow
// redshift:GetClusterCredentials on their dbuser and on the database, the
// authorization behind Redshift's IAM sign-in. Root keys are the
// superuser.
func (s *Server) authorizeSignIn(ctx context.Context, sess *session) error {
	if s.opts.Authorizer == nil || sess.identity.Root {
		return nil
	}
	user := sess.dbUser()
	keys := map[string][]string{"redshift:DbUser": {user}, "redshift:DbName": {database}}
	prefix := fmt.Sprintf("arn:aws:redshift:%s:%s:", s.opts.Region, s.opts.AccountID)
	for _, resource := range []string{prefix + "dbuser:" + clusterID + "/" + user, prefix + "dbname:" + clusterID + "/" + database} {
		err := s.opts.Authorizer.Authorize(ctx, sess.identity, awsapi.AuthzRequest{
			Action: "redshift:GetClusterCredentials", Resource: resource, Context: keys})
		var denied *awsapi.AccessDenied
		switch {
		case errors.As(err, &denied):
			return sess.fatal(codeInvalidAuthorization, denied.Message())
		case err != nil:
			s.log.Error("sign-in authorization", "user", user, "err", err)
			return sess.fatal(codeInternal, "sign-in authorization failed")
		}
	}
	return nil
}
