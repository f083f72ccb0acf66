package glueapi_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// readerPolicy lets a user read the sales database and its tables (by
// wildcard) except sales.secret (explicit Deny), and see crawler c1 and
// create it, but not pass it a role. Nothing else has a statement.
const readerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["glue:GetDatabase","glue:GetTable","glue:GetTables","glue:GetPartitions"],
  "Resource":["arn:aws:glue:us-east-1:000000000000:catalog","arn:aws:glue:us-east-1:000000000000:database/sales",
   "arn:aws:glue:us-east-1:000000000000:table/sales/*"]},
 {"Effect":"Deny","Action":"glue:GetTable","Resource":"arn:aws:glue:us-east-1:000000000000:table/sales/secret"},
 {"Effect":"Allow","Action":["glue:CreateCrawler","glue:GetCrawler"],"Resource":"arn:aws:glue:us-east-1:000000000000:crawler/c1"}
]}`

const (
	readerARN  = "arn:aws:iam::000000000000:user/reader"
	glueCat    = "arn:aws:glue:us-east-1:000000000000:catalog"
	glueRegion = "arn:aws:glue:us-east-1:000000000000:"
)

// userClient creates an IAM user with one inline policy and returns a Glue
// client signing with its new access key.
func userClient(t *testing.T, env *testenv.Env, name, policy string) *glue.Client {
	t.Helper()
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	noErr(t, svc.PutInlinePolicy(ctx, "user", name, "access", policy))
	key, err := svc.CreateAccessKey(ctx, name)
	noErr(t, err)
	return glue.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
}

func readerDenied(action, resource string, explicit bool) string {
	msg := "User: " + readerARN + " is not authorized to perform: " + action + " on resource: " + resource
	if explicit {
		return msg + " with an explicit deny in an identity-based policy"
	}
	return msg + " because no identity-based policy allows the " + action + " action"
}

func TestAuthorization(t *testing.T) {
	root, env := newClient(t)
	for _, db := range []string{"sales", "hr"} {
		createDB(t, root, db)
	}
	for _, tbl := range []string{"orders", "secret"} {
		in := inventoryTable()
		in.Name = aws.String(tbl)
		must(root.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("sales"), TableInput: in}))
	}
	c := userClient(t, env, "reader", readerPolicy)
	s := aws.String
	cases := []struct {
		name string
		call func() error
		code string // "" for success
		msg  string
	}{
		{"get allowed database", func() error { _, err := c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: s("sales")}); return err }, "", ""},
		{"get other database", func() error { _, err := c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: s("hr")}); return err },
			"AccessDeniedException", readerDenied("glue:GetDatabase", glueRegion+"database/hr", false)},
		{"list databases", func() error { _, err := c.GetDatabases(ctx, &glue.GetDatabasesInput{}); return err },
			"AccessDeniedException", readerDenied("glue:GetDatabases", glueCat, false)},
		{"get table by wildcard", func() error {
			_, err := c.GetTable(ctx, &glue.GetTableInput{DatabaseName: s("sales"), Name: s("orders")})
			return err
		}, "", ""},
		{"get explicitly denied table", func() error {
			_, err := c.GetTable(ctx, &glue.GetTableInput{DatabaseName: s("sales"), Name: s("secret")})
			return err
		}, "AccessDeniedException", readerDenied("glue:GetTable", glueRegion+"table/sales/secret", true)},
		{"get table of other database", func() error {
			_, err := c.GetTable(ctx, &glue.GetTableInput{DatabaseName: s("hr"), Name: s("x")})
			return err
		}, "AccessDeniedException", readerDenied("glue:GetTable", glueRegion+"database/hr", false)},
		{"get tables", func() error { _, err := c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: s("sales")}); return err }, "", ""},
		{"get partitions", func() error {
			_, err := c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: s("sales"), TableName: s("orders")})
			return err
		}, "", ""},
		{"create partitions", func() error {
			_, err := c.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: s("sales"), TableName: s("orders"),
				PartitionInputList: []types.PartitionInput{{Values: []string{"x"}}}})
			return err
		}, "AccessDeniedException", readerDenied("glue:BatchCreatePartition", glueCat, false)},
		{"create database", func() error {
			_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: s("new")}})
			return err
		}, "AccessDeniedException", readerDenied("glue:CreateDatabase", glueCat, false)},
		{"delete table", func() error {
			_, err := c.DeleteTable(ctx, &glue.DeleteTableInput{DatabaseName: s("sales"), Name: s("orders")})
			return err
		}, "AccessDeniedException", readerDenied("glue:DeleteTable", glueCat, false)},
		{"create crawler without PassRole", func() error {
			_, err := c.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: s("c1"), Role: s("GlueRole"), DatabaseName: s("sales"),
				Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: s("s3://lake/orders/")}}}})
			return err
		}, "AccessDeniedException", readerDenied("iam:PassRole", "arn:aws:iam::000000000000:role/GlueRole", false)},
		{"get allowed crawler (missing)", func() error { _, err := c.GetCrawler(ctx, &glue.GetCrawlerInput{Name: s("c1")}); return err },
			"EntityNotFoundException", ""},
		{"get other crawler", func() error { _, err := c.GetCrawler(ctx, &glue.GetCrawlerInput{Name: s("c2")}); return err },
			"AccessDeniedException", readerDenied("glue:GetCrawler", glueRegion+"crawler/c2", false)},
		{"list crawlers", func() error { _, err := c.ListCrawlers(ctx, &glue.ListCrawlersInput{}); return err },
			"AccessDeniedException", readerDenied("glue:ListCrawlers", "*", false)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.code == "" {
				noErr(t, err)
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || (tc.msg != "" && ae.ErrorMessage() != tc.msg) {
				t.Fatalf("got %v\nwant %s: %s", err, tc.code, tc.msg)
			}
		})
	}
	// The denied calls changed nothing.
	_, err := root.GetTable(ctx, &glue.GetTableInput{DatabaseName: s("sales"), Name: s("orders")})
	noErr(t, err)
	_, err = root.GetCrawler(ctx, &glue.GetCrawlerInput{Name: s("c1")})
	wantErr(t, err, "EntityNotFoundException", "")
}
