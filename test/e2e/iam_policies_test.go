package e2e

import "testing"

// The must-show of issue 6: policies enforced on every service, seen
// through the real AWS CLI v2.
func TestIAMPoliciesWithAWSCLIv2(t *testing.T) {
	runScript(t, "iam_policies.sh", cliOrSkip(t, "/usr/bin/aws", "aws-cli/2."))
}

// The workshop's delivery role with service roles enforced: delivers with
// the right policies, pauses and says why without, resumes when fixed.
func TestServiceRolesWithAWSCLIv2(t *testing.T) {
	runScript(t, "service_roles.sh", cliOrSkip(t, "/usr/bin/aws", "aws-cli/2."))
}
