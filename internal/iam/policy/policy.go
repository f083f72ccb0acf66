// Package policy is Shoal's IAM policy engine: it parses and validates IAM
// JSON policy documents and evaluates requests against them with IAM's
// documented evaluation logic. It knows nothing about users, roles or
// storage; internal/iam owns those and calls this package.
//
// Exported API:
//
//	Parse(doc) (*Document, error)       grammar checks common to every policy kind
//	ParseAs(kind, doc) (*Document, error) Parse, then (*Document).Validate(kind)
//	(*Document).Validate(kind) error    IdentityPolicy, ResourcePolicy or TrustPolicy rules
//	(*Document).String() string         canonical JSON; Parse(d.String()) gives d back
//	Evaluate(req, []Named) Decision     identity-based policies for one request
//	AllowsPrincipal(doc, req) Decision  trust (or resource) policy: may req.Principal do req.Action?
//	                                    (Decision.Grant: named by account, role or its own ARN)
//	Decision.Message(req) string        AWS's "User: ... is not authorized to perform: ..." text
//	Managed(arn) / ManagedPolicies()    the AWS-managed policies Shoal ships
//	NonWhitespaceLen(doc) int           length as IAM counts it for the size limits below
//
// Every validation failure is a *MalformedError whose Error() is the message
// IAM returns with the MalformedPolicyDocument error code.
//
// Evaluation is built for the per-request hot path: patterns, ARNs, numbers,
// dates and CIDRs are compiled at Parse time and Evaluate does not allocate.
// Requests carry the condition context (aws:SourceIp, aws:username, ...);
// the caller fills it, keys are matched case-insensitively as IAM does.
package policy

import "fmt"

// IAM quotas on policy size, counted without whitespace (see NonWhitespaceLen).
// Enforcing them is the caller's job: the limit depends on where the policy goes.
const (
	MaxUserInlinePolicySize  = 2048  // all inline policies of one user, together
	MaxGroupInlinePolicySize = 5120  // all inline policies of one group, together
	MaxRoleInlinePolicySize  = 10240 // all inline policies of one role, together
	MaxManagedPolicySize     = 6144  // one managed policy version
	MaxTrustPolicySize       = 2048  // a role's trust policy (default quota)
)

// Policy language versions. Policy variables exist only in Version2012.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Kind selects the validation rules of Validate.
type Kind int

const (
	// IdentityPolicy is attached to a user, group or role: no Principal,
	// Resource required.
	IdentityPolicy Kind = iota
	// ResourcePolicy is attached to a resource (a bucket policy): Principal
	// and Resource required.
	ResourcePolicy
	// TrustPolicy is a role's AssumeRolePolicyDocument: Principal required,
	// Resource prohibited, only sts actions.
	TrustPolicy
)

// Document is a parsed and compiled policy, immutable and safe for
// concurrent use. Only Parse builds usable ones: a Document assembled by
// hand has no compiled patterns and matches nothing.
type Document struct {
	Version    string // "" when the document has none (legacy 2008 rules)
	ID         string
	Statements []Statement
}

// Statement is one element of Statement. Exactly one of Action/NotAction is
// set (NotAction reports which); likewise Resource and Principal.
type Statement struct {
	Sid          string
	Effect       string // "Allow" or "Deny"
	Principal    *Principal
	NotPrincipal bool // Principal came from NotPrincipal
	Action       []string
	NotAction    bool
	Resource     []string // nil when the statement has no Resource element
	NotResource  bool
	Condition    []Condition

	deny      bool
	actions   []pattern
	resources []arnPattern
	conds     []condition
}

// Principal is the Principal (or NotPrincipal) element. Any is the bare "*"
// form; the lists hold the values of each principal type.
type Principal struct {
	Any           bool
	AWS           []string
	CanonicalUser []string
	Federated     []string
	Service       []string
}

// Condition is one condition operator applied to one key, e.g.
// {Operator: "StringLike", Key: "s3:prefix", Values: ["home/*"]}. A
// document keeps them in document order, grouped by operator.
type Condition struct {
	Operator string
	Key      string
	Values   []string
}

// Context holds the request's condition keys and their values, e.g.
// "aws:SourceIp": {"192.0.2.1"}. Key lookups ignore case.
type Context map[string][]string

// Request is one authorization question: may Principal do Action on Resource?
type Request struct {
	Principal string // caller ARN, or a service principal such as firehose.amazonaws.com
	Account   string // caller's account id
	Action    string // "service:Operation", e.g. "kinesis:PutRecords"
	Resource  string // resource ARN, or "*" for actions without resource-level permissions
	Context   Context
}

// Named is a policy attached to the caller. Name is the policy ARN for managed
// policies and the policy name for inline ones; it appears in decisions.
type Named struct {
	Name     string
	Document *Document
}

// Reason says how a Decision was reached.
type Reason int

const (
	ImplicitDeny Reason = iota // no statement allowed the request
	Allow                      // an Allow statement matched and no Deny did
	ExplicitDeny               // a Deny statement matched
)

func (r Reason) String() string {
	switch r {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Decision is the outcome of an evaluation. Policy, Sid and Statement (the
// index in the policy) identify the deciding statement; they are empty for
// an implicit deny.
type Decision struct {
	Allowed   bool
	Reason    Reason
	Policy    string
	Sid       string
	Statement int
	// Type is the kind of policy that decided, as denial messages name it;
	// the zero value is IdentityBased.
	Type PolicyType
	// Grant, set by AllowsPrincipal when it allows, says how the policy
	// named the caller.
	Grant Grant
}

// PolicyType names the kind of policy behind a Decision.
type PolicyType uint8

const (
	IdentityBased       PolicyType = iota // the caller's own policies
	PermissionsBoundary                   // the caller's permissions boundary
	SessionPolicy                         // a role session's session policies
)

// text is how AWS's denial messages name the policy type.
func (t PolicyType) text() string {
	switch t {
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	}
	return "identity-based policy"
}

// Grant says how an allowing trust or resource policy named the caller,
// which decides whether the caller's own policies must allow the request
// too (IAM's evaluation logic within one account).
type Grant uint8

const (
	GrantNone Grant = iota
	// GrantAccount: by its account (account id, root ARN) or by "*": the
	// caller's identity-based policies must allow the request as well.
	GrantAccount
	// GrantRole: by the ARN of the role whose session the caller is: its
	// identity-based policies need not allow, but an implicit deny in its
	// permissions boundary or session policies still limits.
	GrantRole
	// GrantPrincipal: by the caller's own ARN (user or role session):
	// only an explicit deny elsewhere limits it.
	GrantPrincipal
)

// MalformedError is a policy validation failure; Error() is IAM's message.
type MalformedError struct {
	Message string
}

func (e *MalformedError) Error() string { return e.Message }

func malformed(format string, args ...any) error {
	if len(args) == 0 {
		return &MalformedError{Message: format}
	}
	return &MalformedError{Message: fmt.Sprintf(format, args...)}
}
