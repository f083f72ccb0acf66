package iamapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// operatorPolicy lets a user read every user (wildcard) except boss
// (explicit Deny), list users, create users under /team/, and read roles
// under /svc/. Nothing else has a statement.
const operatorPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"arn:aws:iam::000000000000:user/*"},
 {"Effect":"Deny","Action":"iam:GetUser","Resource":"arn:aws:iam::000000000000:user/boss"},
 {"Effect":"Allow","Action":"iam:CreateUser","Resource":"arn:aws:iam::000000000000:user/team/*"},
 {"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::000000000000:role/svc/*"}
]}`

func iamDenied(action, resource string, explicit bool) string {
	msg := "User: arn:aws:iam::000000000000:user/operator is not authorized to perform: " + action + " on resource: " + resource
	if explicit {
		return msg + " with an explicit deny in an identity-based policy"
	}
	return msg + " because no identity-based policy allows the " + action + " action"
}

func TestAuthorization(t *testing.T) {
	env := testenv.Start(t)
	root := newIAM(t, env.Server.Endpoint(), rootCreds())
	for _, u := range []string{"bob", "boss"} {
		root.must("CreateUser", map[string]string{"UserName": u}, nil)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	root.must("CreateRole", map[string]string{"RoleName": "app", "Path": "/svc/", "AssumeRolePolicyDocument": trust}, nil)
	root.must("CreateRole", map[string]string{"RoleName": "other", "AssumeRolePolicyDocument": trust}, nil)
	k := createUserWithKey(t, root, "operator")
	root.must("PutUserPolicy", map[string]string{"UserName": "operator", "PolicyName": "ops", "PolicyDocument": operatorPolicy}, nil)
	op := newIAM(t, env.Server.Endpoint(), aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret})

	const acct = "arn:aws:iam::000000000000:"
	cases := []struct {
		action string
		params map[string]string
		want   string // "" for success
	}{
		{"GetUser", map[string]string{"UserName": "bob"}, ""},
		{"GetUser", nil, ""}, // the caller itself, user/operator
		{"GetUser", map[string]string{"UserName": "boss"}, iamDenied("iam:GetUser", acct+"user/boss", true)},
		{"ListUsers", nil, ""},
		{"ListRoles", nil, iamDenied("iam:ListRoles", acct+"role/", false)},
		{"ListPolicies", nil, iamDenied("iam:ListPolicies", "*", false)},
		{"CreateUser", map[string]string{"UserName": "t1", "Path": "/team/"}, ""},
		{"CreateUser", map[string]string{"UserName": "t2"}, iamDenied("iam:CreateUser", acct+"user/t2", false)},
		{"GetRole", map[string]string{"RoleName": "app"}, ""}, // its ARN has the path /svc/
		{"GetRole", map[string]string{"RoleName": "other"}, iamDenied("iam:GetRole", acct+"role/other", false)},
		{"AttachRolePolicy", map[string]string{"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			iamDenied("iam:AttachRolePolicy", acct+"role/svc/app", false)},
		{"GetPolicy", map[string]string{"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			iamDenied("iam:GetPolicy", "arn:aws:iam::aws:policy/AdministratorAccess", false)},
		{"CreateAccessKey", nil, iamDenied("iam:CreateAccessKey", acct+"user/operator", false)},
		{"PutUserPolicy", map[string]string{"UserName": "operator", "PolicyName": "more", "PolicyDocument": operatorPolicy},
			iamDenied("iam:PutUserPolicy", acct+"user/operator", false)},
	}
	for _, tc := range cases {
		t.Run(tc.action+"/"+tc.params["UserName"]+tc.params["RoleName"], func(t *testing.T) {
			if tc.want == "" {
				op.must(tc.action, tc.params, nil)
				return
			}
			err := op.wantErr(tc.action, tc.params, 403, "AccessDenied")
			if err.Message != tc.want {
				t.Errorf("message:\n got %s\nwant %s", err.Message, tc.want)
			}
		})
	}
}
