package e2e

import "testing"

// TestWorkshop reproduces the store-inventory workshop with the AWS CLI v2
// (workshop.sh).
func TestWorkshop(t *testing.T) {
	cli := cliOrSkip(t, "/usr/bin/aws", "aws-cli/2.")
	runScript(t, "workshop.sh", cli)
}

// The same workshop with the pip AWS CLI v1.
func TestWorkshopCLIv1(t *testing.T) {
	runScript(t, "workshop.sh", cliOrSkip(t, "aws", "aws-cli/1."))
}
