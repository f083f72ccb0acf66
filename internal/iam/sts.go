package iam

import (
	"context"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// AssumeRoleInput are AssumeRole's parameters.
type AssumeRoleInput struct {
	RoleARN         string
	SessionName     string
	DurationSeconds *int
	ExternalID      *string
	// Policy and PolicyARNs are session policies: the session may do only
	// what they and the role's policies allow.
	Policy     *string
	PolicyARNs []string
	// Tags are session tags; those whose keys are in TransitiveTagKeys
	// pass on to sessions this one assumes. SourceIdentity, once set,
	// stays with the session and the sessions it assumes.
	Tags              []Tag
	TransitiveTagKeys []string
	SourceIdentity    *string
	// Region is where the call was made, recorded as the role's last use.
	Region string
}

// SessionCredentials are STS temporary credentials.
type SessionCredentials struct {
	AccessKeyID  string
	Secret       string
	SessionToken string
	Expiration   time.Time
}

// AssumedRole is AssumeRole's result.
type AssumedRole struct {
	Credentials   SessionCredentials
	AssumedRoleID string
	ARN           string
	// SourceIdentity is the session's source identity ("" when none).
	SourceIdentity string
}

const (
	defaultSessionSeconds = 3600
	roleChainingMax       = 3600
	// Expired sessions are kept a while so their use is answered with
	// ExpiredToken rather than an unknown key.
	expiredSessionRetention = 7 * 24 * time.Hour
)

var externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]*$`)

func checkAssumeRoleInput(in *AssumeRoleInput) error {
	if len(in.RoleARN) < 20 || len(in.RoleARN) > 2048 {
		return constraint(in.RoleARN, "roleArn", boundLenRule(len(in.RoleARN), 20, 2048))
	}
	if len(in.SessionName) < 2 || len(in.SessionName) > 64 {
		return constraint(in.SessionName, "roleSessionName", boundLenRule(len(in.SessionName), 2, 64))
	}
	if !namePattern.MatchString(in.SessionName) {
		return constraint(in.SessionName, "roleSessionName", "Member must satisfy regular expression pattern: "+namePatternText)
	}
	if d := in.DurationSeconds; d != nil && (*d < 900 || *d > 43200) {
		return constraint(*d, "durationSeconds", boundRule(*d, 900, 43200))
	}
	if e := in.ExternalID; e != nil {
		if len(*e) < 2 || len(*e) > 1224 {
			return constraint(*e, "externalId", boundLenRule(len(*e), 2, 1224))
		}
		if !externalIDPattern.MatchString(*e) {
			return constraint(*e, "externalId", `Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`)
		}
	}
	if err := checkSessionTags(in.Tags, in.TransitiveTagKeys); err != nil {
		return err
	}
	return checkSourceIdentity(in.SourceIdentity)
}

func boundLenRule(n, lo, hi int) string {
	if n < lo {
		return "Member must have length greater than or equal to " + strconv.Itoa(lo)
	}
	return "Member must have length less than or equal to " + strconv.Itoa(hi)
}

func accessDenied(format string, args ...any) error {
	return awsapi.Errorf(http.StatusForbidden, "AccessDenied", format, args...)
}

// TrustCheck is one STS action an AssumeRole caller must be allowed, with
// how the role's trust policy named the caller for it.
type TrustCheck struct {
	Action string
	Grant  policy.Grant
}

// AssumeRoleAuthz is what the caller's own authorization of an AssumeRole
// call needs: each action with its trust grant (see WithTrustGrant), and
// the request's condition keys (aws:RequestTag/*, aws:TagKeys,
// sts:TransitiveTagKeys, sts:SourceIdentity; nil without tags or source
// identity).
type AssumeRoleAuthz struct {
	Checks  []TrustCheck
	Context map[string][]string
}

// TrustGrant checks AssumeRole's parameters and that the role's trust
// policy lets caller assume it: sts:AssumeRole, plus sts:TagSession when
// the session gets tags and sts:SetSourceIdentity when it gets a source
// identity (passed, or inherited from the calling session). The STS
// handler passes each grant to the caller's own authorization. A missing
// role or a refusing trust policy is AssumeRole's AccessDenied.
func (s *Service) TrustGrant(ctx context.Context, caller awsapi.Identity, in AssumeRoleInput) (*AssumeRoleAuthz, error) {
	if err := checkAssumeRoleInput(&in); err != nil {
		return nil, err
	}
	roleARN := in.RoleARN
	if caller.Root {
		return nil, accessDenied("Roles may not be assumed by root accounts.")
	}
	attrs, err := s.requestedAttrs(ctx, caller, &in)
	if err != nil {
		return nil, err
	}
	p, err := s.principal(ctx, principalKey{kind: kindRole, arn: roleARN})
	if err != nil {
		return nil, err
	}
	keys := attrs.requestKeys(in.TransitiveTagKeys)
	out := &AssumeRoleAuthz{Context: keys}
	for _, action := range attrs.actions() {
		var d policy.Decision
		if p != nil {
			d = trustDecision(p.trust, caller, action, roleARN, in.ExternalID, keys)
		}
		if !d.Allowed {
			return nil, accessDenied("User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, roleARN)
		}
		out.Checks = append(out.Checks, TrustCheck{Action: action, Grant: d.Grant})
	}
	return out, nil
}

// requestedAttrs are the tags and source identity of the session caller
// asks for, with what a calling role session passes on.
func (s *Service) requestedAttrs(ctx context.Context, caller awsapi.Identity, in *AssumeRoleInput) (*sessionAttrs, error) {
	var from *sessionInfo
	if caller.PrincipalType == "assumed-role" {
		var err error
		if from, err = s.sessionInfo(ctx, caller.AccessKeyID); err != nil {
			return nil, err
		}
	}
	return newSessionAttrs(in, from)
}

// AssumeRole issues temporary credentials for a role whose trust policy
// allows the caller.
func (s *Service) AssumeRole(ctx context.Context, caller awsapi.Identity, in AssumeRoleInput) (*AssumedRole, error) {
	if err := checkAssumeRoleInput(&in); err != nil {
		return nil, err
	}
	if caller.Root {
		return nil, accessDenied("Roles may not be assumed by root accounts.")
	}
	attrs, err := s.requestedAttrs(ctx, caller, &in)
	if err != nil {
		return nil, err
	}
	keys := attrs.requestKeys(in.TransitiveTagKeys)
	denied := accessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, in.RoleARN)
	var out *AssumedRole
	err = s.update(ctx, func(tx *meta.Tx) error {
		role, err := s.roleByARN(ctx, tx, in.RoleARN)
		if err != nil {
			return denied
		}
		if !trustAllows(role.TrustPolicy, caller, attrs.actions(), role.ARN, in.ExternalID, keys) {
			return denied
		}
		seconds, err := sessionSeconds(in.DurationSeconds, role, caller)
		if err != nil {
			return err
		}
		docs, err := s.sessionPolicyDocs(ctx, tx, in.Policy, in.PolicyARNs)
		if err != nil {
			return err
		}
		out, err = s.issueSession(ctx, tx, role, in.SessionName, time.Duration(seconds)*time.Second)
		if err != nil {
			return err
		}
		out.SourceIdentity = attrs.SourceIdentity
		if err := storeSessionPolicies(ctx, tx, out.Credentials.AccessKeyID, docs); err != nil {
			return err
		}
		if err := storeSessionAttrs(ctx, tx, out.Credentials.AccessKeyID, attrs); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE iam_roles SET last_used_time = ?, last_used_region = ? WHERE name_key = ?`,
			millis(s.now()), in.Region, nameKey(role.Name))
		return err
	})
	if err != nil {
		return nil, dbErr("assume role", err)
	}
	return out, nil
}

// sessionSeconds applies AssumeRole's duration rules: default one hour, at
// most the role's MaxSessionDuration, and one hour when chaining roles.
func sessionSeconds(requested *int, role *Role, caller awsapi.Identity) (int, error) {
	if requested == nil {
		return defaultSessionSeconds, nil
	}
	if caller.PrincipalType == "assumed-role" && *requested > roleChainingMax {
		return 0, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if *requested > role.MaxSessionDuration {
		return 0, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return *requested, nil
}

// roleByARN finds a role of this account by its exact ARN.
func (s *Service) roleByARN(ctx context.Context, tx *meta.Tx, arn string) (*Role, error) {
	prefix := s.arn("role/")
	if !strings.HasPrefix(arn, prefix) {
		return nil, noSuchEntity("role %s not found", arn)
	}
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	role, err := s.loadRole(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	if role.ARN != arn {
		return nil, noSuchEntity("role %s not found", arn)
	}
	return role, nil
}

func (s *Service) issueSession(ctx context.Context, tx *meta.Tx, role *Role, session string, d time.Duration) (*AssumedRole, error) {
	now := s.now()
	if _, err := tx.Exec(ctx, `DELETE FROM iam_sessions WHERE expire_time < ?`, millis(now.Add(-expiredSessionRetention))); err != nil {
		return nil, err
	}
	if err := pruneSessionPolicies(ctx, tx); err != nil {
		return nil, err
	}
	c := SessionCredentials{AccessKeyID: newAccessKeyID("ASIA"), Secret: newSecretAccessKey(),
		SessionToken: newSessionToken(), Expiration: now.Add(d)}
	if _, err := tx.Exec(ctx, `INSERT INTO iam_sessions (access_key_id, secret_sealed, token_sha256, role_key, session_name, expire_time)
		VALUES (?, ?, ?, ?, ?, ?)`, c.AccessKeyID, s.seal(c.AccessKeyID, c.Secret), hex.EncodeToString(tokenHash(c.SessionToken)),
		nameKey(role.Name), session, millis(c.Expiration)); err != nil {
		return nil, err
	}
	id := s.sessionIdentity(role, session, c.AccessKeyID)
	return &AssumedRole{Credentials: c, AssumedRoleID: id.UserID, ARN: id.ARN}, nil
}
