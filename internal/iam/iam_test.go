package iam

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

func openTest(t testing.TB, dir string) *Service {
	t.Helper()
	return openService(t, openStore(t, dir), dir)
}

// openStore opens the metadata store in dir, closed when t ends.
func openStore(t testing.TB, dir string) *meta.Store {
	t.Helper()
	ctx := context.Background()
	store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	return store
}

// openService opens an IAM service on store with test root keys; mutate
// adjusts the options first.
func openService(t testing.TB, store *meta.Store, dir string, mutate ...func(*Options)) *Service {
	t.Helper()
	ctx := context.Background()
	opts := Options{Store: store, KeyFile: filepath.Join(dir, "iam.key"), AccountID: "000000000000",
		RootAccessKeyID: "AKIAROOT000000000000", RootSecretAccessKey: "root-secret"}
	for _, m := range mutate {
		m(&opts)
	}
	svc, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(ctx) })
	return svc
}

func TestSecretsAtRest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	svc := openTest(t, dir)
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "alice"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, "alice", "Correct-Horse-9", false); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "iam.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	if err := svc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(filepath.Join(dir, "meta.db-wal"))
	for _, secret := range []string{key.Secret, "Correct-Horse-9"} {
		if strings.Contains(string(db)+string(wal), secret) {
			t.Fatalf("secret %q stored in clear", secret)
		}
	}
	// A new process (same key file) still resolves the key for SigV4.
	again := openTest(t, dir)
	cred, ok, err := again.LookupAccessKey(ctx, key.AccessKeyID)
	if err != nil || !ok || cred.SecretAccessKey != key.Secret || cred.Identity.ARN != "arn:aws:iam::000000000000:user/alice" {
		t.Fatalf("lookup after reopen: %+v %v %v", cred.Identity, ok, err)
	}
	if cred.Identity.PrincipalType != "user" || cred.Identity.Name != "alice" || !strings.HasPrefix(cred.Identity.UserID, "AIDA") {
		t.Fatalf("identity %+v", cred.Identity)
	}
}

func TestSealedSecretsAreBoundToTheirKey(t *testing.T) {
	svc := openTest(t, t.TempDir())
	sealed := svc.seal("AKIAONE", "s3cr3t")
	if got, err := svc.unseal("AKIAONE", sealed); err != nil || got != "s3cr3t" {
		t.Fatalf("unseal: %q %v", got, err)
	}
	_, err := svc.unseal("AKIATWO", sealed)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("moved secret: %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if !checkPassword(h, "Correct-Horse-9") || checkPassword(h, "correct-horse-9") || checkPassword("garbage", "x") {
		t.Fatal("password check")
	}
	if h2, _ := hashPassword("Correct-Horse-9"); h2 == h {
		t.Fatal("hashes are not salted")
	}
}

func TestTrustAllows(t *testing.T) {
	const acct = "000000000000"
	user := awsapi.Identity{ARN: "arn:aws:iam::000000000000:user/alice", PrincipalType: "user"}
	session := awsapi.Identity{ARN: "arn:aws:sts::000000000000:assumed-role/r/s", RoleARN: "arn:aws:iam::000000000000:role/r", PrincipalType: "assumed-role"}
	ext := "abc"
	stmt := func(effect, principal, action, extra string) string {
		return `{"Effect":"` + effect + `","Principal":` + principal + `,"Action":` + action + extra + `}`
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	cases := []struct {
		name   string
		doc    string
		caller awsapi.Identity
		extID  *string
		want   bool
	}{
		{"user by ARN", doc(stmt("Allow", `{"AWS":"arn:aws:iam::000000000000:user/alice"}`, `"sts:AssumeRole"`, "")), user, nil, true},
		{"user in a list", doc(stmt("Allow", `{"AWS":["arn:aws:iam::000000000000:user/bob","arn:aws:iam::000000000000:user/alice"]}`, `["sts:AssumeRole"]`, "")), user, nil, true},
		{"other user", doc(stmt("Allow", `{"AWS":"arn:aws:iam::000000000000:user/bob"}`, `"sts:AssumeRole"`, "")), user, nil, false},
		{"account root", doc(stmt("Allow", `{"AWS":"arn:aws:iam::000000000000:root"}`, `"sts:AssumeRole"`, "")), user, nil, true},
		{"account id", doc(stmt("Allow", `{"AWS":"000000000000"}`, `"sts:AssumeRole"`, "")), user, nil, true},
		{"everyone", doc(stmt("Allow", `"*"`, `"sts:*"`, "")), user, nil, true},
		{"other account", doc(stmt("Allow", `{"AWS":"111111111111"}`, `"sts:AssumeRole"`, "")), user, nil, false},
		{"service principal only", doc(stmt("Allow", `{"Service":"firehose.amazonaws.com"}`, `"sts:AssumeRole"`, "")), user, nil, false},
		{"other action", doc(stmt("Allow", `"*"`, `"sts:TagSession"`, "")), user, nil, false},
		{"explicit deny wins", doc(stmt("Allow", `"*"`, `"sts:AssumeRole"`, ""), stmt("Deny", `{"AWS":"arn:aws:iam::000000000000:user/alice"}`, `"sts:AssumeRole"`, "")), user, nil, false},
		{"role chaining by role ARN", doc(stmt("Allow", `{"AWS":"arn:aws:iam::000000000000:role/r"}`, `"sts:AssumeRole"`, "")), session, nil, true},
		{"external id matches", doc(stmt("Allow", `"*"`, `"sts:AssumeRole"`, `,"Condition":{"StringEquals":{"sts:ExternalId":"abc"}}`)), user, &ext, true},
		{"external id missing", doc(stmt("Allow", `"*"`, `"sts:AssumeRole"`, `,"Condition":{"StringEquals":{"sts:ExternalId":"abc"}}`)), user, nil, false},
		{"unknown condition fails closed", doc(stmt("Allow", `"*"`, `"sts:AssumeRole"`, `,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)), user, nil, false},
		{"single statement object", `{"Statement":` + stmt("Allow", `"*"`, `"sts:AssumeRole"`, "") + `}`, user, nil, true},
		{"garbage", `{`, user, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := trustAllows(c.doc, c.caller, []string{"sts:AssumeRole"}, "arn:aws:iam::"+acct+":role/r", c.extID, nil); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestCheckPolicyDocument(t *testing.T) {
	sizeErr := func() error { return limitExceeded("too big") }
	cases := []struct {
		doc, code string
	}{
		{`{"Version":"2012-10-17","Statement":[]}`, "MalformedPolicyDocument"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, ""},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, ""},
		{`{"Version":"2012-10-17"}`, "MalformedPolicyDocument"},
		{`{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{`not json`, "MalformedPolicyDocument"},
		{``, "ValidationError"},
		{`{"Version":"2012-10-17","Statement":[{"Resource":"` + strings.Repeat("x", 130) + `"}]}`, "LimitExceeded"},
	}
	for _, c := range cases {
		err := checkPolicyDocument(c.doc, "policyDocument", policy.IdentityPolicy, 120, sizeErr)
		got := ""
		if err != nil {
			got = awsapi.AsError(err).Code
		}
		if got != c.code {
			t.Errorf("%.40q: got %q, want %q", c.doc, got, c.code)
		}
	}
}

func BenchmarkLookupAccessKey(b *testing.B) {
	ctx := context.Background()
	svc := openTest(b, b.TempDir())
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := svc.LookupAccessKey(ctx, key.AccessKeyID); !ok || err != nil {
			b.Fatal(ok, err)
		}
		svc.RecordKeyUse(key.AccessKeyID, "kinesis", "us-east-1")
	}
}

func TestRenameUserKeepsKeysAndGroups(t *testing.T) {
	ctx := context.Background()
	svc := openTest(t, t.TempDir())
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "old"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateGroup(ctx, "g", nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddUserToGroup(ctx, "g", "old"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.LookupAccessKey(ctx, key.AccessKeyID); err != nil { // cached under the old name
		t.Fatal(err)
	}
	newName, newPath := "new", "/moved/"
	if err := svc.UpdateUser(ctx, "old", &newName, &newPath); err != nil {
		t.Fatal(err)
	}
	cred, ok, err := svc.LookupAccessKey(ctx, key.AccessKeyID)
	if err != nil || !ok || cred.Identity.ARN != "arn:aws:iam::000000000000:user/moved/new" {
		t.Fatalf("identity after rename: %+v %v %v", cred.Identity, ok, err)
	}
	_, users, _, err := svc.GetGroup(ctx, "g", Page{})
	if err != nil || len(users) != 1 || users[0].Name != "new" {
		t.Fatalf("group members after rename: %v %v", users, err)
	}
	if _, err := svc.GetUser(ctx, "old"); awsapi.AsError(err).Code != "NoSuchEntity" {
		t.Fatalf("old name: %v", err)
	}
}
