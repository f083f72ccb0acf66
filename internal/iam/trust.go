package iam

import (
	"encoding/json"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// trustAllows reports whether a role's trust policy lets caller assume it.
//
// TODO(issue 6): replace with policy.AllowsPrincipal from
// internal/iam/policy once it lands (full condition operators, NotPrincipal,
// wildcards in actions). Until then: an Allow statement for sts:AssumeRole
// (or sts:* / *) whose AWS principal is "*", the account root or id, or the
// caller's ARN (for assumed roles, the role's ARN too); an explicit Deny
// matching the caller wins; the only condition understood is StringEquals
// on sts:ExternalId, and a statement with any other condition is skipped,
// so unknown conditions never grant access.
func trustAllows(doc string, caller awsapi.Identity, accountID string, externalID *string) bool {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return false
	}
	var stmts []trustStatement
	if json.Unmarshal(d.Statement, &stmts) != nil {
		var one trustStatement
		if json.Unmarshal(d.Statement, &one) != nil {
			return false
		}
		stmts = []trustStatement{one}
	}
	allowed := false
	for _, st := range stmts {
		if !st.matches(caller, accountID, externalID) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = allowed || st.Effect == "Allow"
	}
	return allowed
}

type trustStatement struct {
	Effect    string
	Action    stringList
	Principal json.RawMessage
	Condition map[string]map[string]stringList
}

// stringList is a policy value that may be one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func (st *trustStatement) matches(caller awsapi.Identity, accountID string, externalID *string) bool {
	actionOK := false
	for _, a := range st.Action {
		actionOK = actionOK || a == "*" || a == "sts:*" || a == "sts:AssumeRole"
	}
	return actionOK && principalMatches(st.Principal, caller, accountID) && conditionsHold(st.Condition, externalID)
}

func principalMatches(raw json.RawMessage, caller awsapi.Identity, accountID string) bool {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var p struct{ AWS stringList }
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	for _, v := range p.AWS {
		switch v {
		case "*", accountID, "arn:aws:iam::" + accountID + ":root", caller.ARN:
			return true
		}
		if caller.RoleARN != "" && v == caller.RoleARN {
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string]stringList, externalID *string) bool {
	for op, keys := range cond {
		for key, vals := range keys {
			// Condition keys are case-insensitive; operator names are not.
			if op != "StringEquals" || !strings.EqualFold(key, "sts:ExternalId") || externalID == nil {
				return false
			}
			found := false
			for _, v := range vals {
				found = found || v == *externalID
			}
			if !found {
				return false
			}
		}
	}
	return true
}
