package warehouse

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/catalog"
	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/meta"
)

// TestSpectrumRoles checks what a query through an external schema reads
// as its IAM_ROLE, against a real IAM service.
func TestSpectrumRoles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(ctx) })
	roles, err := iam.Open(ctx, iam.Options{Store: store, KeyFile: filepath.Join(dir, "iam.key"), AccountID: "000000000000",
		RootAccessKeyID: "AKIAROOT", RootSecretAccessKey: "secret", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = roles.Close(ctx) })
	mkRole := func(name, service string, policies ...string) string {
		r, err := roles.CreateRole(ctx, iam.CreateRoleInput{Name: name,
			TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range policies {
			if err := roles.AttachPolicy(ctx, "role", name, p); err != nil {
				t.Fatal(err)
			}
		}
		return r.ARN
	}
	const (
		s3Read   = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
		glueRole = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
	)
	loc := "s3://orders/logs/"
	table := &catalog.Table{TableInput: catalog.TableInput{Name: "orders", StorageDescriptor: &catalog.StorageDescriptor{Location: &loc}}}
	sr := spectrumRoles{roles: roles, region: "us-east-1", account: "000000000000", user: "dev"}
	cases := []struct {
		name, role string
		want       string // "" when allowed; else part of the XX000 message
	}{
		{"full", mkRole("spectrum-ok", "redshift.amazonaws.com", s3Read, glueRole), ""},
		{"no-s3", mkRole("spectrum-no-s3", "redshift.amazonaws.com", glueRole), "s3:GetObject on resource: arn:aws:s3:::orders/logs/*"},
		{"no-glue", mkRole("spectrum-no-glue", "redshift.amazonaws.com", s3Read), "glue:GetDatabase on resource: arn:aws:glue:us-east-1:000000000000:catalog"},
		{"wrong-trust", mkRole("spectrum-glue-trust", "glue.amazonaws.com", s3Read, glueRole), "is not authorized to assume IAM Role"},
		{"missing", "arn:aws:iam::000000000000:role/none", "is not authorized to assume IAM Role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			es := externalSchema{name: "s", database: "orderlogs", iamRole: tc.role}
			err := sr.checkSchema(ctx, es)
			if err == nil {
				err = sr.checkRead(ctx, es, table)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var pg *pgError
			if !errors.As(err, &pg) || pg.code != codeInternal || !strings.Contains(pg.message, tc.want) {
				t.Fatalf("got %v, want XX000 with %q", err, tc.want)
			}
		})
	}
}
