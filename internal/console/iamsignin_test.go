package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// IAM users sign in with their console password and act as themselves:
// what their policy does not allow is refused, and deleting the user ends
// the session. Temporary (STS) keys cannot sign in: there is no token.
func TestIAMUserSignIn(t *testing.T) {
	ctx := context.Background()
	env := testenv.Start(t)
	svc := env.Server.IAM()
	base := env.Server.ConsoleURL()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "analyst"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, "analyst", "Correct-Horse-9", false); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"quicksight:List*","Resource":"*"}]}`
	if err := svc.PutInlinePolicy(ctx, "user", "analyst", "dashboards-read", policy); err != nil {
		t.Fatal(err)
	}

	c := client(t)
	post := func(form url.Values) int {
		resp, err := c.PostForm(base+"/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(url.Values{"user_name": {"analyst"}, "password": {"wrong-password"}}); got != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", got)
	}
	if got := post(url.Values{"user_name": {"analyst"}, "password": {"Correct-Horse-9"}}); got != http.StatusSeeOther {
		t.Fatalf("sign-in: %d, want 303", got)
	}
	get := func(path string) int {
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/api/dashboards"); got != http.StatusOK {
		t.Errorf("list dashboards (allowed): %d", got)
	}
	if got := get("/api/metrics/streams/x"); got != http.StatusForbidden {
		t.Errorf("stream metrics (not allowed): %d, want 403", got)
	}
	if err := svc.DeleteLoginProfile(ctx, "analyst"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteInlinePolicy(ctx, "user", "analyst", "dashboards-read"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteUser(ctx, "analyst"); err != nil {
		t.Fatal(err)
	}
	if got := get("/api/dashboards"); got != http.StatusUnauthorized {
		t.Errorf("after the user was deleted: %d, want 401", got)
	}
}

func TestTemporaryKeysCannotSignIn(t *testing.T) {
	ctx := context.Background()
	env := testenv.Start(t)
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "ops"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "ops")
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
		env.Server.Config().AccountID + `:user/ops"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: "console-role", TrustPolicy: trust})
	if err != nil {
		t.Fatal(err)
	}
	cred, ok, err := svc.LookupAccessKey(ctx, key.AccessKeyID)
	if err != nil || !ok {
		t.Fatalf("look up the user's key: %v", err)
	}
	assumed, err := svc.AssumeRole(ctx, cred.Identity, iam.AssumeRoleInput{RoleARN: role.ARN, SessionName: "signin-test"})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	resp := signIn(t, c, env.Server.ConsoleURL(), assumed.Credentials.AccessKeyID, assumed.Credentials.Secret)
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("temporary key sign-in: %d with %d cookies, want 401 and none", resp.StatusCode, len(resp.Cookies()))
	}
	if resp := signIn(t, c, env.Server.ConsoleURL(), key.AccessKeyID, key.Secret); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the user's own key: %d, want 303", resp.StatusCode)
	}
}
