package iamapi_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// TestListPoliciesUsageFilter checks PolicyUsageFilter alone and with
// OnlyAttached: permissions policies are those attached to a user, group
// or role, boundaries those some user or role has as its boundary.
func TestListPoliciesUsageFilter(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.AWSConfig())
	for _, name := range []string{"attached", "boundary", "both", "unused"} {
		ok(t)(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: allow("kinesis:*")}))
	}
	ok(t)(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))
	ok(t)(root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: policyARN("attached")}))
	ok(t)(root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: policyARN("both")}))
	ok(t)(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u"), PermissionsBoundary: policyARN("both")}))
	ok(t)(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("v")}))
	ok(t)(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("v"), PermissionsBoundary: policyARN("boundary")}))

	list := func(filter types.PolicyUsageType, onlyAttached bool) []string {
		t.Helper()
		out, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: filter, OnlyAttached: onlyAttached})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		return names
	}
	for _, c := range []struct {
		filter       types.PolicyUsageType
		onlyAttached bool
		want         []string
	}{
		{"", false, []string{"attached", "both", "boundary", "unused"}},
		{"", true, []string{"attached", "both"}},
		{types.PolicyUsageTypePermissionsPolicy, false, []string{"attached", "both"}},
		{types.PolicyUsageTypePermissionsPolicy, true, []string{"attached", "both"}},
		{types.PolicyUsageTypePermissionsBoundary, false, []string{"both", "boundary"}},
		{types.PolicyUsageTypePermissionsBoundary, true, []string{"both", "boundary"}},
	} {
		if got := list(c.filter, c.onlyAttached); !slices.Equal(got, c.want) {
			t.Errorf("filter %q onlyAttached %v: got %v, want %v", c.filter, c.onlyAttached, got, c.want)
		}
	}
	_, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{PolicyUsageFilter: "Inline"})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value 'Inline' at 'policyUsageFilter' failed to satisfy constraint: "+
		"Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
}
