package warehouse

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// copyAuth is whom COPY reads S3 as (Redshift's authorization parameters):
// an IAM role Redshift assumes, or the access keys given.
type copyAuth struct {
	role                  string
	keyID, secret, token  string
	roleParam, keysParams bool // which form the statement used
	credentialsClause     bool
	region                string
}

// credentialsFormat is how a CREDENTIALS string must look.
const credentialsFormat = "Invalid credentials. Must be of the format: credentials " +
	"'aws_iam_role=...' or 'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'"

// authParam reads one authorization parameter of COPY, if the next token
// starts one.
func (a *copyAuth) authParam(p *parser) (bool, error) {
	var err error
	switch {
	case p.accept("iam_role"):
		if p.accept("default") {
			return true, newPGError(codeFeatureNotSupported, "IAM_ROLE default is not supported: Shoal has no role associated with the cluster; name the role's ARN")
		}
		a.roleParam = true
		a.role, err = p.str()
	case p.accept("credentials"):
		a.credentialsClause = true
		var s string
		if s, err = p.str(); err == nil {
			err = a.parseCredentials(s)
		}
	case p.accept("access_key_id"):
		a.keysParams = true
		a.keyID, err = p.str()
	case p.accept("secret_access_key"):
		a.keysParams = true
		a.secret, err = p.str()
	case p.accept("session_token"):
		a.keysParams = true
		a.token, err = p.str()
	case p.accept("region"):
		a.region, err = p.str()
	default:
		return false, nil
	}
	return true, err
}

// parseCredentials reads 'aws_iam_role=arn' or
// 'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'.
func (a *copyAuth) parseCredentials(s string) error {
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return newPGError(codeInvalidParameterValue, credentialsFormat)
		}
		switch strings.ToLower(k) {
		case "aws_iam_role":
			a.role = v
		case "aws_access_key_id":
			a.keyID = v
		case "aws_secret_access_key":
			a.secret = v
		case "token":
			a.token = v
		default:
			return newPGError(codeInvalidParameterValue, credentialsFormat)
		}
	}
	return nil
}

// validate applies Redshift's rules: exactly one form, keys in pairs.
func (a *copyAuth) validate() error {
	forms := 0
	for _, used := range []bool{a.roleParam, a.keysParams, a.credentialsClause} {
		if used {
			forms++
		}
	}
	switch {
	case forms == 0:
		return newPGError(codeInvalidParameterValue, "COPY needs authorization to read Amazon S3: give IAM_ROLE, ACCESS_KEY_ID and SECRET_ACCESS_KEY, or CREDENTIALS")
	case forms > 1:
		return newPGError(codeInvalidParameterValue, "IAM_ROLE, ACCESS_KEY_ID/SECRET_ACCESS_KEY/SESSION_TOKEN and CREDENTIALS cannot be used together")
	case a.role != "" && (a.keyID != "" || a.secret != "" || a.token != ""):
		return newPGError(codeInvalidParameterValue, credentialsFormat)
	case a.role == "" && (a.keyID == "" || a.secret == ""):
		return newPGError(codeInvalidParameterValue, "ACCESS_KEY_ID and SECRET_ACCESS_KEY must be used together")
	case a.role != "" && !strings.HasPrefix(a.role, "arn:"):
		return newPGError(codeInvalidParameterValue, fmt.Sprintf("Invalid IAM role ARN %q", a.role))
	}
	return nil
}

// authorizeCopy checks that whom COPY reads as may list the prefix and
// get every object it loads; a denial is Redshift's S3 error.
func (e *engine) authorizeCopy(ctx context.Context, c *conn, spec *copySpec, keys []string) error {
	if r := spec.auth.region; r != "" && r != e.opts.Region {
		return newPGError(codeInvalidParameterValue, fmt.Sprintf("REGION '%s' is not this server's region (%s); Shoal's buckets are all in %s", r, e.opts.Region, e.opts.Region))
	}
	check, err := e.copyAuthorizer(ctx, c, spec.auth)
	if err != nil || check == nil {
		return err
	}
	bucketARN := "arn:aws:s3:::" + spec.bucket
	reqs := []awsapi.AuthzRequest{{Action: "s3:ListBucket", Resource: bucketARN, Context: map[string][]string{"s3:prefix": {spec.prefix}}}}
	for _, k := range keys {
		reqs = append(reqs, awsapi.AuthzRequest{Action: "s3:GetObject", Resource: bucketARN + "/" + k})
	}
	for _, req := range reqs {
		if err := check(ctx, req); err != nil {
			return wrapDenied(err, " (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)")
		}
	}
	return nil
}

// copyAuthorizer is the check for each S3 request of a COPY, or nil when
// nothing is enforced (no IAM wired, or service roles trusted).
func (e *engine) copyAuthorizer(ctx context.Context, c *conn, a copyAuth) (func(context.Context, awsapi.AuthzRequest) error, error) {
	if a.role != "" {
		if e.opts.Roles == nil {
			return nil, nil
		}
		roles := e.spectrum(c.user)
		return func(ctx context.Context, req awsapi.AuthzRequest) error {
			return roles.authorize(ctx, a.role, req)
		}, nil
	}
	if e.opts.Credentials == nil || e.opts.Authorizer == nil {
		return nil, nil
	}
	id, err := e.copyIdentity(ctx, a)
	if err != nil {
		return nil, err
	}
	if id.Root {
		return nil, nil
	}
	return func(ctx context.Context, req awsapi.AuthzRequest) error {
		return e.opts.Authorizer.Authorize(ctx, id, req)
	}, nil
}

// copyIdentity verifies the access keys given to COPY as S3 verifies a
// request signed with them; a failure is the S3 error Redshift reports.
func (e *engine) copyIdentity(ctx context.Context, a copyAuth) (awsapi.Identity, error) {
	cred, ok, err := e.opts.Credentials.LookupAccessKey(ctx, a.keyID)
	switch {
	case err != nil:
		return awsapi.Identity{}, fmt.Errorf("COPY credentials: %w", err)
	case !ok:
		return awsapi.Identity{}, s3Error(&awsapi.Error{Status: 403, Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records."})
	case subtle.ConstantTimeCompare([]byte(cred.SecretAccessKey), []byte(a.secret)) != 1:
		return awsapi.Identity{}, s3Error(&awsapi.Error{Status: 403, Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."})
	}
	if err := cred.CheckSessionToken(a.token, time.Now()); err != nil {
		return awsapi.Identity{}, s3Error(awsapi.AsError(err))
	}
	return cred.Identity, nil
}

// s3Error is an S3 failure in the form Redshift's COPY reports it.
func s3Error(ae *awsapi.Error) error {
	return newPGError(codeInternal, fmt.Sprintf("S3ServiceException:%s,Status %d,Error %s", ae.Message, ae.Status, ae.Code))
}
