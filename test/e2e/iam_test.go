package e2e

import "testing"

// IAM and STS speak the Query protocol; the CLI's requests check its wire format.
func TestIAMWithAWSCLIv2(t *testing.T) {
	runScript(t, "iam.sh", cliOrSkip(t, "/usr/bin/aws", "aws-cli/2."))
}

// The pip AWS CLI v1 (first on PATH) serializes Query requests with the
// older botocore.
func TestIAMWithAWSCLIv1(t *testing.T) {
	runScript(t, "iam.sh", cliOrSkip(t, "aws", "aws-cli/1."))
}
