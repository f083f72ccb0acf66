package e2e

import (
	"os"
	"os/exec"
	"testing"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// debianPython is the system Python, whose boto3 is Debian's python3-boto3.
const debianPython = "/usr/bin/python3"

// TestOrdersFlow runs the order-history flow (orders_flow.py) with boto3
// and psql: stream → delivery → crawler → Athena and the warehouse endpoint.
func TestOrdersFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end flow")
	}
	if err := exec.Command(debianPython, "-c", "import boto3").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-boto3 is required in CI: %v", err)
		}
		t.Skipf("no boto3 for %s: %v", debianPython, err)
	}
	if _, err := exec.LookPath("psql"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("psql is required in CI: %v", err)
		}
		t.Skipf("no psql: %v", err)
	}
	out, err := exec.Command(debianPython, "orders_flow.py", testenv.Binary(t)).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("orders_flow.py: %v", err)
	}
}
