package policy

import "strings"

// Principal element: "*", or an object whose keys are principal types
// ("AWS", "Service", "Federated", "CanonicalUser") with a string or an
// array of strings each.

func parsePrincipal(v *jsonValue) (*Principal, error) {
	if v.kind == jsonString {
		if v.str != "*" {
			return nil, malformed("Invalid principal in policy: %q", v.str)
		}
		return &Principal{Any: true}, nil
	}
	if v.kind != jsonObject || len(v.obj) == 0 {
		return nil, syntaxError()
	}
	p := &Principal{}
	for _, m := range v.obj {
		vals, err := m.val.stringList()
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			return nil, malformed("Invalid principal in policy: %q:[]", m.key)
		}
		if err := p.add(m.key, vals); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Principal) add(typ string, vals []string) error {
	var valid func(string) bool
	var dst *[]string
	switch typ {
	case "AWS":
		valid, dst = validAWSPrincipal, &p.AWS
	case "Service":
		valid, dst = validServicePrincipal, &p.Service
	case "Federated":
		valid, dst = validFederatedPrincipal, &p.Federated
	case "CanonicalUser":
		valid, dst = validCanonicalUser, &p.CanonicalUser
	default:
		return invalidPrincipal(typ, vals[0])
	}
	for _, v := range vals {
		if !valid(v) {
			return invalidPrincipal(typ, v)
		}
	}
	*dst = vals
	return nil
}

// invalidPrincipal is IAM's message, which names the type in upper case
// for everything but "AWS": Invalid principal in policy: "SERVICE":"x".
func invalidPrincipal(typ, v string) error {
	if typ != "AWS" {
		typ = strings.ToUpper(typ)
	}
	return malformed("Invalid principal in policy: %q:%q", typ, v)
}

// validAWSPrincipal accepts "*", a 12-digit account id, or the ARN of an
// account root, user, role, assumed-role session or federated user.
func validAWSPrincipal(v string) bool {
	if v == "*" || isAccountID(v) {
		return true
	}
	a := splitARN(v)
	if a.n != arnSegments || a.segment(0) != "arn" || !validPartition(a.segment(1)) ||
		a.segment(3) != "" || !isAccountID(a.segment(4)) {
		return false
	}
	res := a.segment(5)
	if strings.ContainsAny(res, "*?") {
		return false
	}
	switch a.segment(2) {
	case "iam":
		return res == "root" || hasNamedPrefix(res, "user/") || hasNamedPrefix(res, "role/")
	case "sts":
		return hasNamedPrefix(res, "assumed-role/") || hasNamedPrefix(res, "federated-user/")
	}
	return false
}

func hasNamedPrefix(s, prefix string) bool {
	return strings.HasPrefix(s, prefix) && len(s) > len(prefix) && !strings.HasSuffix(s, "/")
}

func validPartition(p string) bool {
	return p == "aws" || p == "aws-cn" || p == "aws-us-gov"
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validServicePrincipal accepts a DNS-like service name such as
// firehose.amazonaws.com; wildcards are not allowed in principals.
func validServicePrincipal(v string) bool {
	if v == "" || strings.ContainsAny(v, "*? :/") || !strings.Contains(v, ".") {
		return false
	}
	return !strings.HasPrefix(v, ".") && !strings.HasSuffix(v, ".")
}

// validFederatedPrincipal accepts an identity provider: a SAML or OIDC
// provider ARN, or a web identity domain such as accounts.google.com.
func validFederatedPrincipal(v string) bool {
	if strings.HasPrefix(v, "arn:") {
		a := splitARN(v)
		return a.n == arnSegments && a.segment(2) == "iam" && isAccountID(a.segment(4)) &&
			(hasNamedPrefix(a.segment(5), "saml-provider/") || hasNamedPrefix(a.segment(5), "oidc-provider/"))
	}
	return validServicePrincipal(v)
}

func validCanonicalUser(v string) bool {
	return v != "" && !strings.ContainsAny(v, "*? ")
}

// grant reports whether the caller is one of the listed principals, and
// how specifically it is named.
func (p *Principal) grant(req *Request) Grant {
	if p.Any {
		return GrantAccount
	}
	caller := req.Principal
	if !strings.HasPrefix(caller, "arn:") { // a service or web identity principal
		if anyFold(p.Service, caller) || anyEqual(p.Federated, caller) {
			return GrantPrincipal
		}
		if anyEqual(p.AWS, "*") {
			return GrantAccount
		}
		return GrantNone
	}
	account := req.Account
	c := splitARN(caller)
	if account == "" && c.n == arnSegments {
		account = c.segment(4)
	}
	best := GrantNone
	for _, v := range p.AWS {
		best = max(best, awsPrincipalGrant(v, caller, account, &c))
	}
	if anyEqual(p.Federated, caller) || anyEqual(p.CanonicalUser, caller) {
		best = GrantPrincipal
	}
	return best
}

// awsPrincipalGrant: "*" is everyone and an account id or root ARN every
// principal of that account (GrantAccount); the caller's own ARN is
// GrantPrincipal, and a role ARN covers its sessions (GrantRole).
func awsPrincipalGrant(v, caller, account string, c *arnParts) Grant {
	if v == caller {
		return GrantPrincipal
	}
	if v == "*" {
		return GrantAccount
	}
	if isAccountID(v) {
		if v == account {
			return GrantAccount
		}
		return GrantNone
	}
	e := splitARN(v)
	if e.n != arnSegments {
		return GrantNone
	}
	if e.segment(5) == "root" {
		if e.segment(4) == account {
			return GrantAccount
		}
		return GrantNone
	}
	if c.n == arnSegments && isSessionOf(c, &e) {
		return GrantRole
	}
	return GrantNone
}

func isSessionOf(session, role *arnParts) bool {
	if session.segment(2) != "sts" || role.segment(2) != "iam" ||
		session.segment(4) != role.segment(4) || session.segment(1) != role.segment(1) {
		return false
	}
	rest, ok := strings.CutPrefix(session.segment(5), "assumed-role/")
	roleName, _, _ := strings.Cut(rest, "/")
	path, ok2 := strings.CutPrefix(role.segment(5), "role/")
	if !ok || !ok2 || roleName == "" {
		return false
	}
	// The session ARN drops the role's path: compare the last component.
	cut := len(path) - len(roleName)
	return strings.HasSuffix(path, roleName) && (cut == 0 || path[cut-1] == '/')
}

func anyEqual(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func anyFold(list []string, s string) bool {
	for _, v := range list {
		if equal(v, s, true) {
			return true
		}
	}
	return false
}
