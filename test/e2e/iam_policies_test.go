package e2e

import "testing"

// The must-show of issue 6: policies enforced on every service, seen
// through the real AWS CLI v2.
func TestIAMPoliciesWithAWSCLIv2(t *testing.T) {
	runScript(t, "iam_policies.sh", cliOrSkip(t, "/usr/bin/aws", "aws-cli/2."))
}
