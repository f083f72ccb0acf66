package policy

import "strings"

// Parse reads an IAM policy document and checks the grammar every policy
// kind shares; see Validate for the rules that depend on where the policy
// is attached. Errors are *MalformedError with IAM's messages.
func Parse(doc string) (*Document, error) {
	root, err := parseJSON(doc)
	if err != nil {
		return nil, err
	}
	if root.kind != jsonObject {
		return nil, syntaxError()
	}
	d := &Document{}
	var stmts *jsonValue
	for i := range root.obj {
		m := &root.obj[i]
		switch m.key {
		case "Version":
			if m.val.kind != jsonString {
				return nil, syntaxError()
			}
			if m.val.str != Version2012 && m.val.str != Version2008 {
				return nil, malformed("The policy must contain a valid version string")
			}
			d.Version = m.val.str
		case "Id":
			if m.val.kind != jsonString {
				return nil, syntaxError()
			}
			d.ID = m.val.str
		case "Statement":
			stmts = &m.val
		default:
			return nil, malformed("Unknown field %s", m.key)
		}
	}
	if stmts == nil {
		return nil, malformed("Missing required field Statement")
	}
	if err := d.parseStatements(stmts); err != nil {
		return nil, err
	}
	return d, nil
}

// ParseAs parses doc and validates it as a policy of kind k.
func ParseAs(k Kind, doc string) (*Document, error) {
	d, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	if err := d.Validate(k); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Document) parseStatements(v *jsonValue) error {
	list := []jsonValue{*v}
	if v.kind == jsonArray {
		list = v.arr
	}
	if len(list) == 0 {
		return syntaxError()
	}
	mode := parseMode{vars: d.Version == Version2012, legacy: d.Version == ""}
	seen := make(map[string]bool, len(list))
	d.Statements = make([]Statement, 0, len(list))
	for i := range list {
		st, err := parseStatement(&list[i], mode)
		if err != nil {
			return err
		}
		if st.Sid != "" {
			if seen[st.Sid] {
				return malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			seen[st.Sid] = true
		}
		d.Statements = append(d.Statements, st)
	}
	return nil
}

// statementFields holds a statement's raw elements before compilation.
type statementFields struct {
	effect, principal, action, resource, condition *jsonValue
	notPrincipal, notAction, notResource           bool
}

// parseMode carries what the document's Version changes: policy variables
// exist only in 2012-10-17, and a document without a Version goes through
// IAM's legacy parser, whose failures all read the same.
type parseMode struct {
	vars, legacy bool
}

func parseStatement(v *jsonValue, mode parseMode) (Statement, error) {
	if v.kind != jsonObject {
		return Statement{}, syntaxError()
	}
	var st Statement
	var f statementFields
	for i := range v.obj {
		if err := f.set(&st, &v.obj[i]); err != nil {
			return Statement{}, err
		}
	}
	if err := st.setEffect(f.effect); err != nil {
		return Statement{}, err
	}
	if f.principal != nil {
		p, err := parsePrincipal(f.principal)
		if err != nil {
			return Statement{}, err
		}
		st.Principal, st.NotPrincipal = p, f.notPrincipal
	}
	if err := st.setActions(f.action, f.notAction); err != nil {
		return Statement{}, err
	}
	if err := st.setResources(f.resource, f.notResource, mode); err != nil {
		return Statement{}, err
	}
	if err := st.setConditions(f.condition, mode.vars); err != nil {
		return Statement{}, err
	}
	return st, nil
}

// set files one statement member; an element and its Not form together
// are a syntax error.
func (f *statementFields) set(st *Statement, m *jsonMember) error {
	pair := func(dst **jsonValue, not *bool, isNot bool) error {
		if *dst != nil {
			return syntaxError()
		}
		*dst, *not = &m.val, isNot
		return nil
	}
	switch m.key {
	case "Sid":
		if m.val.kind != jsonString {
			return syntaxError()
		}
		st.Sid = m.val.str
	case "Effect":
		f.effect = &m.val
	case "Principal", "NotPrincipal":
		return pair(&f.principal, &f.notPrincipal, m.key == "NotPrincipal")
	case "Action", "NotAction":
		return pair(&f.action, &f.notAction, m.key == "NotAction")
	case "Resource", "NotResource":
		return pair(&f.resource, &f.notResource, m.key == "NotResource")
	case "Condition":
		f.condition = &m.val
	default:
		return malformed("Unknown field %s", m.key)
	}
	return nil
}

func (st *Statement) setEffect(v *jsonValue) error {
	if v == nil {
		return malformed("Missing required field Effect")
	}
	if v.kind != jsonString {
		return syntaxError()
	}
	if v.str != "Allow" && v.str != "Deny" {
		return malformed("Invalid effect: %s", v.str)
	}
	st.Effect, st.deny = v.str, v.str == "Deny"
	return nil
}

func (st *Statement) setActions(v *jsonValue, not bool) error {
	if v == nil {
		return malformed("Policy statement must contain actions.")
	}
	actions, err := v.stringList()
	if err != nil {
		return err
	}
	if len(actions) == 0 {
		return malformed("Policy statement must contain actions.")
	}
	st.actions = make([]pattern, len(actions))
	for i, a := range actions {
		if a != "*" && !hasVendor(a) {
			return malformed(errVendor)
		}
		st.actions[i] = compilePattern(a, patternOpts{wild: true, fold: true})
	}
	st.Action, st.NotAction = actions, not
	return nil
}

func (st *Statement) setResources(v *jsonValue, not bool, mode parseMode) error {
	if v == nil {
		return nil // required or prohibited depending on the kind: see Validate
	}
	resources, err := v.stringList()
	if err != nil {
		return err
	}
	st.resources = make([]arnPattern, len(resources))
	for i, r := range resources {
		if !validResourceARN(r, mode.vars) {
			if mode.legacy {
				return malformed("The policy failed legacy parsing")
			}
			return malformed("Resource %s must be in ARN format or \"*\".", r)
		}
		st.resources[i] = compileARN(r, patternOpts{wild: true, vars: mode.vars})
	}
	st.Resource, st.NotResource = resources, not
	return nil
}

func (st *Statement) setConditions(v *jsonValue, vars bool) error {
	if v == nil {
		return nil
	}
	if v.kind != jsonObject {
		return syntaxError()
	}
	for _, op := range v.obj {
		if op.val.kind != jsonObject || len(op.val.obj) == 0 {
			return syntaxError()
		}
		for _, kv := range op.val.obj {
			values, err := kv.val.scalarList()
			if err != nil {
				return err
			}
			c := Condition{Operator: op.key, Key: kv.key, Values: values}
			cc, err := compileCondition(c, vars)
			if err != nil {
				return err
			}
			st.Condition = append(st.Condition, c)
			st.conds = append(st.conds, cc)
		}
	}
	return nil
}

// Validate applies the rules of policy kind k to a parsed document.
func (d *Document) Validate(k Kind) error {
	for i := range d.Statements {
		if err := d.Statements[i].validate(k); err != nil {
			return err
		}
	}
	return nil
}

func (st *Statement) validate(k Kind) error {
	if k != ResourcePolicy && !alphanumeric(st.Sid) {
		return malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
	}
	switch k {
	case IdentityPolicy:
		if st.Principal != nil {
			return malformed("Policy document should not specify a principal.")
		}
	case ResourcePolicy, TrustPolicy:
		if st.Principal == nil {
			return malformed("Missing required field Principal")
		}
	}
	if k == TrustPolicy {
		return st.validateTrust()
	}
	if len(st.Resource) == 0 {
		return malformed("Policy statement must contain resources.")
	}
	return nil
}

func (st *Statement) validateTrust() error {
	if st.Resource != nil {
		field := "Resource"
		if st.NotResource {
			field = "NotResource"
		}
		return malformed("Has prohibited field %s", field)
	}
	for _, a := range st.Action {
		if a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
			return malformed("AssumeRole policy may only specify STS AssumeRole actions.")
		}
	}
	return nil
}

func alphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
