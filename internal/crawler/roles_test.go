package crawler

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/iam"
)

// newRoleEnv is newSvcEnv with crawls acting as their roles through a real
// IAM service on the same store.
func newRoleEnv(t *testing.T) (*svcEnv, *iam.Service) {
	t.Helper()
	ctx := context.Background()
	e := newSvcEnv(t, nil)
	roles, err := iam.Open(ctx, iam.Options{Store: e.store, KeyFile: filepath.Join(e.dir, "iam.key"), AccountID: "000000000000",
		RootAccessKeyID: "AKIAROOT", RootSecretAccessKey: "secret", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = roles.Close(ctx) })
	e.svc = New(Options{Store: e.store, Catalog: e.cat, Lake: e.lake, Logger: slog.New(slog.DiscardHandler), Roles: roles})
	t.Cleanup(func() { _ = e.svc.Close(ctx) })
	return e, roles
}

func TestCrawlActsAsRole(t *testing.T) {
	e, roles := newRoleEnv(t)
	ctx := context.Background()
	e.put(t, "data", "t/year=2026/a.json", `{"a":1}`)
	const (
		s3Read   = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
		glueRole = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
		admin    = "arn:aws:iam::aws:policy/AdministratorAccess"
	)
	cases := []struct {
		role, trust string
		policies    []string
		useName     bool   // Role given as a name, as Glue allows
		wantErr     string // "" for a successful crawl
	}{
		{"crawl-ok", "glue.amazonaws.com", []string{glueRole, s3Read}, true, ""},
		{"crawl-no-s3", "glue.amazonaws.com", []string{glueRole}, false,
			"is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::data/t/year=2026/a.json"},
		{"crawl-no-glue", "glue.amazonaws.com", []string{s3Read}, false,
			"is not authorized to perform: glue:GetDatabase on resource: arn:aws:glue:us-east-1:000000000000:catalog"},
		{"crawl-wrong-trust", "firehose.amazonaws.com", []string{admin}, false, msgCannotAssume},
	}
	for _, tc := range cases {
		t.Run(tc.role, func(t *testing.T) {
			r, err := roles.CreateRole(ctx, iam.CreateRoleInput{Name: tc.role,
				TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + tc.trust + `"},"Action":"sts:AssumeRole"}]}`})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.policies {
				if err := roles.AttachPolicy(ctx, "role", tc.role, p); err != nil {
					t.Fatal(err)
				}
			}
			def := testDefinition(tc.role)
			def.DatabaseName = strings.ReplaceAll(tc.role, "-", "_")
			def.Role = r.ARN
			if tc.useName {
				def.Role = tc.role
			}
			if err := e.svc.Create(ctx, def, nil); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.StartCrawl(ctx, tc.role); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Wait(ctx, tc.role); err != nil {
				t.Fatal(err)
			}
			c, err := e.svc.Get(ctx, tc.role)
			if err != nil || c.LastCrawl == nil {
				t.Fatalf("get: %+v %v", c, err)
			}
			if tc.wantErr == "" {
				if c.LastCrawl.Status != StatusSucceeded {
					t.Fatalf("crawl: %+v", c.LastCrawl)
				}
				if _, err := e.cat.GetTable(ctx, def.DatabaseName, "t"); err != nil {
					t.Fatalf("table: %v", err)
				}
				return
			}
			if c.LastCrawl.Status != StatusFailed || !strings.Contains(c.LastCrawl.ErrorMessage, tc.wantErr) {
				t.Fatalf("crawl: status %s, error %q; want FAILED with %q", c.LastCrawl.Status, c.LastCrawl.ErrorMessage, tc.wantErr)
			}
		})
	}
}
