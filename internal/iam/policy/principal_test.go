package policy

import "testing"

func TestAllowsPrincipal(t *testing.T) {
	roleArn := "arn:aws:iam::123456789012:role/firehose-role"
	firehose := trustFirehose
	accountRoot := stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`)
	accountID := stmts(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`)
	oneUser := stmts(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/alice"]},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"sts:ExternalId":"secret"}}}`)
	pathRole := stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/team/etl"},"Action":"sts:AssumeRole"}`)
	everyoneButBob := stmts(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`,
		`{"Sid":"NotBob","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}`)
	notPrincipal := stmts(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}`)
	multiService := stmts(`{"Effect":"Allow","Principal":{"Service":["glue.amazonaws.com","firehose.amazonaws.com"]},"Action":"sts:AssumeRole"}`)

	cases := []struct {
		name, doc, principal, account, action string
		ctx                                   Context
		want                                  Reason
	}{
		{"firehose service", firehose, "firehose.amazonaws.com", "", "sts:AssumeRole", nil, Allow},
		{"other service", firehose, "glue.amazonaws.com", "", "sts:AssumeRole", nil, ImplicitDeny},
		{"user is not the service", firehose, user("alice"), acct, "sts:AssumeRole", nil, ImplicitDeny},
		{"other action", firehose, "firehose.amazonaws.com", "", "sts:AssumeRoleWithSAML", nil, ImplicitDeny},
		{"service list", multiService, "glue.amazonaws.com", "", "sts:AssumeRole", nil, Allow},
		{"account root covers users", accountRoot, user("alice"), acct, "sts:AssumeRole", nil, Allow},
		{"account root, account from ARN", accountRoot, user("alice"), "", "sts:AssumeRole", nil, Allow},
		{"account root, other account", accountRoot, "arn:aws:iam::999999999999:user/alice", "999999999999", "sts:AssumeRole", nil, ImplicitDeny},
		{"account id covers roles", accountID, "arn:aws:sts::123456789012:assumed-role/r/s", acct, "sts:AssumeRole", nil, Allow},
		{"account root does not cover services", accountRoot, "firehose.amazonaws.com", "", "sts:AssumeRole", nil, ImplicitDeny},
		{"named user with external id", oneUser, user("alice"), acct, "sts:AssumeRole", Context{"sts:ExternalId": {"secret"}}, Allow},
		{"named user without external id", oneUser, user("alice"), acct, "sts:AssumeRole", nil, ImplicitDeny},
		{"other user", oneUser, user("bob"), acct, "sts:AssumeRole", Context{"sts:ExternalId": {"secret"}}, ImplicitDeny},
		{"role session matches role with path", pathRole, "arn:aws:sts::123456789012:assumed-role/etl/session1", acct, "sts:AssumeRole", nil, Allow},
		{"other role session", pathRole, "arn:aws:sts::123456789012:assumed-role/etl2/session1", acct, "sts:AssumeRole", nil, ImplicitDeny},
		{"role itself", pathRole, "arn:aws:iam::123456789012:role/team/etl", acct, "sts:AssumeRole", nil, Allow},
		{"star allows everyone", everyoneButBob, "firehose.amazonaws.com", "", "sts:AssumeRole", nil, Allow},
		{"explicit deny of a principal", everyoneButBob, user("bob"), acct, "sts:AssumeRole", nil, ExplicitDeny},
		{"NotPrincipal excludes", notPrincipal, user("bob"), acct, "sts:AssumeRole", nil, ImplicitDeny},
		{"NotPrincipal includes others", notPrincipal, user("alice"), acct, "sts:AssumeRole", nil, Allow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseAs(TrustPolicy, tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			req := &Request{Principal: tc.principal, Account: tc.account, Action: tc.action, Resource: roleArn, Context: tc.ctx}
			if got := AllowsPrincipal(d, req); got.Reason != tc.want || got.Allowed != (tc.want == Allow) {
				t.Fatalf("AllowsPrincipal = %+v, want %v", got, tc.want)
			}
		})
	}
}

func TestResourcePolicyPrincipalAndResource(t *testing.T) {
	d, err := ParseAs(ResourcePolicy, stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`))
	if err != nil {
		t.Fatal(err)
	}
	in := &Request{Principal: user("alice"), Action: "s3:GetObject", Resource: s3obj("shared", "k")}
	out := &Request{Principal: user("alice"), Action: "s3:GetObject", Resource: s3obj("private", "k")}
	if !AllowsPrincipal(d, in).Allowed || AllowsPrincipal(d, out).Allowed {
		t.Fatal("resource policy must check the Resource element")
	}
}

func TestAllowsPrincipalGrant(t *testing.T) {
	roleArn := "arn:aws:iam::123456789012:role/target"
	both := stmts(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`,
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`)
	cases := []struct {
		name, doc, principal string
		want                 Grant
	}{
		{"account only", both, user("bob"), GrantAccount},
		{"own ARN wins over the account", both, user("alice"), GrantPrincipal},
		{"role ARN for its session", stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/hop"},"Action":"sts:AssumeRole"}`),
			"arn:aws:sts::123456789012:assumed-role/hop/s", GrantRole},
		{"session ARN", stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/hop/s"},"Action":"sts:AssumeRole"}`),
			"arn:aws:sts::123456789012:assumed-role/hop/s", GrantPrincipal},
		{"star is not naming", stmts(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`), user("bob"), GrantAccount},
		{"NotPrincipal is not naming", stmts(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}`),
			user("alice"), GrantAccount},
		{"service", trustFirehose, "firehose.amazonaws.com", GrantPrincipal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseAs(TrustPolicy, tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			got := AllowsPrincipal(d, &Request{Principal: tc.principal, Account: acct, Action: "sts:AssumeRole", Resource: roleArn})
			if !got.Allowed || got.Grant != tc.want {
				t.Fatalf("AllowsPrincipal = %+v, want grant %d", got, tc.want)
			}
		})
	}
}
