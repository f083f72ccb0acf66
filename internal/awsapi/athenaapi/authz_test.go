package athenaapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// asUser creates an IAM user whose only policy has statements, and returns
// clients signing with the user's access key.
func (c *clients) asUser(t *testing.T, name string, statements ...string) *clients {
	t.Helper()
	ctx := context.Background()
	svc := c.env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	if err := svc.PutInlinePolicy(ctx, "user", name, "access", doc); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return &clients{env: c.env, athena: athena.NewFromConfig(testenv.AWSConfig(c.env.Server.Endpoint(), key.AccessKeyID, key.Secret))}
}

// Statements the users below combine.
const (
	allowAthena    = `{"Effect":"Allow","Action":"athena:*","Resource":"*"}`
	allowGlueRead  = `{"Effect":"Allow","Action":"glue:GetTable","Resource":"*"}`
	allowLakeRead  = `{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::lake","arn:aws:s3:::lake/*"]}`
	allowResultPut = `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::results/*"}`
)

func denied(user, action, resource string) string {
	return "User: arn:aws:iam::000000000000:user/" + user + " is not authorized to perform: " + action +
		" on resource: " + resource + " because no identity-based policy allows the " + action + " action"
}

// salesTable creates sales.orders over two JSON rows in s3://lake.
func salesTable(t *testing.T, c *clients) {
	t.Helper()
	c.mkBucket(t, "lake")
	c.put(t, "lake", "sales/orders/part-0.json", []byte("{\"id\":1,\"item\":\"milk\"}\n{\"id\":2,\"item\":\"tea\"}\n"))
	c.run(t, "CREATE DATABASE sales", "")
	c.run(t, `CREATE EXTERNAL TABLE orders (id int, item string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://lake/sales/orders/'`, "sales")
}

// TestQueryAuthorization runs queries as users missing one of the
// permissions Athena needs besides athena:*: each run fails with Athena's
// reason (and DDL needs its Glue action), and with all of them it succeeds.
func TestQueryAuthorization(t *testing.T) {
	root := start(t)
	salesTable(t, root)
	const selectOrders = "SELECT item FROM orders ORDER BY id"
	cases := []struct {
		user       string
		statements []string
		query      string
		reason     func(id string) string // nil: the query succeeds
	}{
		{"noglue", []string{allowAthena, allowLakeRead, allowResultPut}, selectOrders, func(string) string {
			return "Insufficient permissions to execute the query. " +
				denied("noglue", "glue:GetTable", "arn:aws:glue:us-east-1:000000000000:catalog") +
				" (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)"
		}},
		{"nolake", []string{allowAthena, allowGlueRead, allowResultPut}, selectOrders, func(string) string {
			return "Permission denied on S3 path: s3://lake/sales/orders/"
		}},
		{"noput", []string{allowAthena, allowGlueRead, allowLakeRead}, selectOrders, func(id string) string {
			return "Access denied when writing output to url: s3://results/athena/" + id + ".csv . Please ensure you are allowed to access the S3 bucket."
		}},
		{"noddl", []string{allowAthena, allowGlueRead, allowLakeRead, allowResultPut}, "DROP TABLE orders", func(string) string {
			return "Insufficient permissions to execute the query. " +
				denied("noddl", "glue:DeleteTable", "arn:aws:glue:us-east-1:000000000000:catalog") +
				" (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)"
		}},
		{"analyst", []string{allowAthena, allowGlueRead, allowLakeRead, allowResultPut}, selectOrders, nil},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			u := root.asUser(t, tc.user, tc.statements...)
			id := u.startQuery(t, tc.query, "sales")
			e := u.wait(t, id)
			if tc.reason == nil {
				if e.Status.State != types.QueryExecutionStateSucceeded {
					t.Fatalf("%s: %s", e.Status.State, aws.ToString(e.Status.StateChangeReason))
				}
				rows, _ := u.results(t, id)
				if len(rows) != 3 || rows[1][0] != "milk" || rows[2][0] != "tea" {
					t.Errorf("rows %v", rows)
				}
				return
			}
			if e.Status.State != types.QueryExecutionStateFailed || aws.ToString(e.Status.StateChangeReason) != tc.reason(id) {
				t.Fatalf("got %s: %s\nwant FAILED: %s", e.Status.State, aws.ToString(e.Status.StateChangeReason), tc.reason(id))
			}
			if ae := e.Status.AthenaError; ae == nil || aws.ToInt32(ae.ErrorCategory) != 2 {
				t.Errorf("AthenaError %+v, want a user error", ae)
			}
		})
	}
}

// TestAPIAuthorization checks the Athena operations' own actions, each on
// its workgroup's ARN.
func TestAPIAuthorization(t *testing.T) {
	root := start(t)
	rootExec := root.run(t, "SELECT 1", "")
	u := root.asUser(t, "viewer",
		`{"Effect":"Allow","Action":["athena:GetWorkGroup","athena:ListNamedQueries"],"Resource":"arn:aws:athena:us-east-1:000000000000:workgroup/primary"}`,
		`{"Effect":"Deny","Action":"athena:ListNamedQueries","Resource":"*"}`)
	const primary = "arn:aws:athena:us-east-1:000000000000:workgroup/primary"
	ctx := context.Background()
	cases := []struct {
		name string
		call func() error
		msg  string // "" for success
	}{
		{"get own workgroup", func() error {
			_, err := u.athena.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String("primary")})
			return err
		}, ""},
		{"get other workgroup", func() error {
			_, err := u.athena.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String("etl")})
			return err
		}, denied("viewer", "athena:GetWorkGroup", "arn:aws:athena:us-east-1:000000000000:workgroup/etl")},
		{"list workgroups", func() error {
			_, err := u.athena.ListWorkGroups(ctx, &athena.ListWorkGroupsInput{})
			return err
		}, denied("viewer", "athena:ListWorkGroups", "*")},
		{"start query", func() error {
			_, err := u.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1"),
				ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena/")}})
			return err
		}, denied("viewer", "athena:StartQueryExecution", primary)},
		{"get another's execution", func() error {
			_, err := u.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: rootExec.QueryExecutionId})
			return err
		}, denied("viewer", "athena:GetQueryExecution", primary)},
		{"results", func() error {
			_, err := u.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: rootExec.QueryExecutionId})
			return err
		}, denied("viewer", "athena:GetQueryResults", primary)},
		{"explicit deny", func() error {
			_, err := u.athena.ListNamedQueries(ctx, &athena.ListNamedQueriesInput{})
			return err
		}, "User: arn:aws:iam::000000000000:user/viewer is not authorized to perform: athena:ListNamedQueries on resource: " +
			primary + " with an explicit deny in an identity-based policy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != tc.msg {
				t.Fatalf("got %v\nwant AccessDeniedException: %s", err, tc.msg)
			}
		})
	}
}
