// Package e2e drives a built shoal binary with the real AWS CLI.
package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// cliOrSkip returns the AWS CLI at path; CI must have it, so there a missing CLI fails.
func cliOrSkip(t *testing.T, path, want string) string {
	t.Helper()
	full, err := exec.LookPath(path)
	if err == nil {
		out, _ := exec.Command(full, "--version").CombinedOutput()
		if strings.HasPrefix(string(out), want) {
			return full
		}
		err = &exec.Error{Name: path, Err: exec.ErrNotFound}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (%s) is required in CI: %v", path, want, err)
	}
	t.Skipf("%s (%s) not installed: %v", path, want, err)
	return ""
}

// runScript runs a script of this folder with the built binary and a CLI.
// Scripts start their own server (port 0, temp dir), so they run in
// parallel: most of their time is the CLI starting up.
func runScript(t *testing.T, script, cli string) {
	t.Parallel()
	cmd := exec.Command("bash", script, testenv.Binary(t), cli)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("%s with %s: %v", script, cli, err)
	}
}

// Debian's awscli package is the AWS CLI v2 most users run.
func TestAWSCLIv2(t *testing.T) {
	runScript(t, "aws_cli.sh", cliOrSkip(t, "/usr/bin/aws", "aws-cli/2."))
}

// The pip AWS CLI v1 is first on PATH on this machine image.
func TestAWSCLIv1(t *testing.T) {
	runScript(t, "aws_cli.sh", cliOrSkip(t, "aws", "aws-cli/1."))
}
