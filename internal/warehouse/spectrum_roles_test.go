package warehouse_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// With service roles enforced, an external schema reads as its IAM_ROLE:
// a role without S3 access fails the query with the AWS denial, and the
// same query works once the role may read S3.
func TestExternalSchemaActsAsItsRole(t *testing.T) {
	ctx := context.Background()
	env := testenv.Start(t, func(c *server.Config) { c.EnforceServiceRoles = true })
	e := endpointOf(t, env)
	lc := clients(e)
	orderTable(t, lc)
	addMonth(t, lc, "2026", "10", line("1", "MUG", 2, "France"))
	svc := env.Server.IAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: "spectrum", TrustPolicy: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, "role", "spectrum", "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"); err != nil {
		t.Fatal(err)
	}
	conn := e.connect(t)
	if _, err := conn.Exec(ctx, "CREATE EXTERNAL SCHEMA ext FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE 'arn:aws:iam::000000000000:role/missing'"); err == nil ||
		!strings.Contains(err.Error(), "is not authorized to assume IAM Role") {
		t.Fatalf("schema with a missing role: %v", err)
	}
	mustExec(t, conn, "CREATE EXTERNAL SCHEMA ext FROM DATA CATALOG DATABASE 'orderlogs' IAM_ROLE '"+role.ARN+"'")
	const q = "SELECT count(*) FROM ext.lines"
	if _, err := conn.Exec(ctx, q); sqlState(err) != "XX000" || !strings.Contains(err.Error(), "s3:") {
		t.Fatalf("read without S3 access: %v (SQLSTATE %s)", err, sqlState(err))
	}
	if err := svc.AttachPolicy(ctx, "role", "spectrum", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	if got := rowsText(t, conn, q); got != "1" {
		t.Errorf("after AmazonS3ReadOnlyAccess: %s", got)
	}
}
