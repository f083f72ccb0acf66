package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/iam"
)

// IAM users sign in with their user name and console password over SCRAM
// (the stored PBKDF2 hash is SCRAM's salted password); temporary STS keys
// are refused, having no session token to check.
func TestIAMUserSignIn(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	svc := e.env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "analyst"}); err != nil {
		t.Fatal(err)
	}
	// Redshift's IAM sign-in is authorized as redshift:GetClusterCredentials.
	if err := svc.AttachPolicy(ctx, "user", "analyst", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, "analyst", "Correct-Horse-9", false); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "analyst")
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
		e.env.Server.Config().AccountID + `:user/analyst"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: "wh-role", TrustPolicy: trust})
	if err != nil {
		t.Fatal(err)
	}
	cred, _, err := svc.LookupAccessKey(ctx, key.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	assumed, err := svc.AssumeRole(ctx, cred.Identity, iam.AssumeRoleInput{RoleARN: role.ARN, SessionName: "signin-test"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password, wantCode string
	}{
		{"user name and console password", "analyst", "Correct-Horse-9", ""},
		{"wrong password", "analyst", "Correct-Horse-8", "28P01"},
		{"the user's access key", key.AccessKeyID, key.Secret, ""},
		{"temporary key", assumed.Credentials.AccessKeyID, assumed.Credentials.Secret, "28P01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			conn, err := pgx.Connect(cctx, e.url(tt.user, tt.password, "dev"))
			if got := sqlState(err); got != tt.wantCode || (tt.wantCode == "" && err != nil) {
				t.Fatalf("connect: %v (SQLSTATE %q), want %q", err, got, tt.wantCode)
			}
			if err == nil {
				var one int
				if err := conn.QueryRow(cctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
					t.Errorf("SELECT 1: %d, %v", one, err)
				}
				conn.Close(ctx)
			}
		})
	}
}
