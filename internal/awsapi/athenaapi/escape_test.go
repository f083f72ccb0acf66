package athenaapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// Queries cannot read or write files outside the lake by naming paths.
func TestNoFileAccessOutsideTheLake(t *testing.T) {
	c := start(t)
	secret := filepath.Join(t.TempDir(), "secret.csv")
	if err := os.WriteFile(secret, []byte("a\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM \"" + secret + "\"",
		"SELECT * FROM read_text('/etc/hostname')",
	} {
		qe := c.wait(t, c.startQuery(t, q, ""))
		if qe.Status.State == types.QueryExecutionStateSucceeded {
			t.Errorf("%s: succeeded", q)
		} else {
			t.Logf("%s: %s", q, aws.ToString(qe.Status.StateChangeReason))
		}
	}
}
