package warehouse_test

import (
	"context"
	"testing"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// COPY reads S3 as Redshift's authorization parameters say: as the
// IAM_ROLE (which must trust Redshift and may read the objects), or as the
// principal of the access keys given. Nothing loads when either is denied.
func TestCopyAuthorization(t *testing.T) {
	ctx := context.Background()
	e := endpointOf(t, testenv.Start(t, func(c *server.Config) { c.EnforceServiceRoles = true }))
	lc := clients(e)
	lc.put(t, "loads", "json/part-1.json", []byte(`{"id":1,"name":"a","qty":2}`))
	svc := e.env.Server.IAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: "load", TrustPolicy: trust})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "loader"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "loader")
	if err != nil {
		t.Fatal(err)
	}
	conn := e.connect(t)
	mustExec(t, conn, "CREATE TABLE items (id INTEGER, name VARCHAR(32), qty SMALLINT)")

	const from = "COPY items FROM 's3://loads/json/' "
	withRole := from + "IAM_ROLE '" + role.ARN + "' JSON 'auto'"
	withKeys := from + "ACCESS_KEY_ID '" + key.AccessKeyID + "' SECRET_ACCESS_KEY '" + key.Secret + "' JSON 'auto'"
	refused := []struct{ sql, code, msg string }{
		{from + "JSON 'auto'", "22023", "COPY needs authorization"},
		{from + "IAM_ROLE default JSON 'auto'", "0A000", "IAM_ROLE default is not supported"},
		{from + "IAM_ROLE '" + role.ARN + "' ACCESS_KEY_ID 'a' SECRET_ACCESS_KEY 'b' JSON 'auto'", "22023", "cannot be used together"},
		{from + "CREDENTIALS 'aws_role=x' JSON 'auto'", "22023", "Invalid credentials"},
		{from + "ACCESS_KEY_ID '" + key.AccessKeyID + "' JSON 'auto'", "22023", "must be used together"},
		{from + "IAM_ROLE 'arn:aws:iam::000000000000:role/missing' JSON 'auto'", "XX000", "is not authorized to assume IAM Role"},
		{withRole, "XX000", "s3:ListBucket"},
		{from + "ACCESS_KEY_ID '" + key.AccessKeyID + "' SECRET_ACCESS_KEY 'wrong' JSON 'auto'", "XX000", "SignatureDoesNotMatch"},
		{withKeys, "XX000", "s3:ListBucket"},
		{from + "IAM_ROLE '" + role.ARN + "' REGION 'eu-west-1' JSON 'auto'", "22023", "REGION 'eu-west-1'"},
	}
	for _, r := range refused {
		wantDenied(t, conn, r.sql, r.code, r.msg)
	}
	if got := rowsText(t, conn, "SELECT count(*) FROM items"); got != "0" {
		t.Fatalf("denied COPYs loaded %s rows", got)
	}

	if err := svc.AttachPolicy(ctx, "role", "load", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, withRole)
	if err := svc.AttachPolicy(ctx, "user", "loader", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, withKeys)
	if got := rowsText(t, conn, "SELECT count(*) FROM items"); got != "2" {
		t.Errorf("rows after the allowed COPYs: %s", got)
	}
}
