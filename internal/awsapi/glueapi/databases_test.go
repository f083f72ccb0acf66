package glueapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func TestDatabases(t *testing.T) {
	c, _ := newClient(t)
	before := time.Now().Add(-time.Second)
	must(c.CreateDatabase(ctx, &glue.CreateDatabaseInput{
		DatabaseInput: &types.DatabaseInput{
			Name:        aws.String("Conversion_DB"),
			Description: aws.String("store inventory"),
			LocationUri: aws.String("s3://inventory/"),
			Parameters:  map[string]string{"owner": "workshop"},
		},
		Tags: map[string]string{"team": "data"},
	}))

	// Names are folded to lower case; lookups fold too.
	got := must(c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("CONVERSION_DB")})).Database
	if aws.ToString(got.Name) != "conversion_db" || aws.ToString(got.Description) != "store inventory" ||
		aws.ToString(got.LocationUri) != "s3://inventory/" || got.Parameters["owner"] != "workshop" ||
		aws.ToString(got.CatalogId) != "000000000000" {
		t.Fatalf("database = %+v", got)
	}
	if got.CreateTime == nil || got.CreateTime.Before(before) || got.CreateTime.After(time.Now().Add(time.Second)) {
		t.Fatalf("CreateTime = %v", got.CreateTime)
	}
	if len(got.CreateTableDefaultPermissions) != 1 || aws.ToString(got.CreateTableDefaultPermissions[0].Principal.DataLakePrincipalIdentifier) != "IAM_ALLOWED_PRINCIPALS" {
		t.Fatalf("default permissions = %+v", got.CreateTableDefaultPermissions)
	}
	// With the account id as CatalogId too.
	must(c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("conversion_db"), CatalogId: aws.String("000000000000")}))

	_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String("conversion_db")}})
	wantErr(t, err, "AlreadyExistsException", "Database already exists.")
	_, err = c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")

	must(c.UpdateDatabase(ctx, &glue.UpdateDatabaseInput{
		Name:          aws.String("conversion_db"),
		DatabaseInput: &types.DatabaseInput{Name: aws.String("conversion_db"), Description: aws.String("v2")},
	}))
	got = must(c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("conversion_db")})).Database
	if aws.ToString(got.Description) != "v2" || got.LocationUri != nil {
		t.Fatalf("after update: %+v", got)
	}
	_, err = c.UpdateDatabase(ctx, &glue.UpdateDatabaseInput{Name: aws.String("nope"), DatabaseInput: &types.DatabaseInput{Name: aws.String("nope")}})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
	_, err = c.UpdateDatabase(ctx, &glue.UpdateDatabaseInput{Name: aws.String("conversion_db"), DatabaseInput: &types.DatabaseInput{Name: aws.String("other")}})
	wantErr(t, err, "InvalidInputException", "renamed")

	// Deleting a database deletes its tables.
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: inventoryTable()}))
	must(c.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("conversion_db")}))
	_, err = c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("conversion_db")})
	wantErr(t, err, "EntityNotFoundException", "")
	createDB(t, c, "conversion_db")
	tables := must(c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("conversion_db")}))
	if len(tables.TableList) != 0 {
		t.Fatalf("tables survived their database: %v", tables.TableList)
	}
	_, err = c.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
}

func TestDatabaseValidation(t *testing.T) {
	c, _ := newClient(t)
	for _, name := range []string{"", strings.Repeat("a", 256), "bad\nname"} {
		_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String(name)}})
		wantErr(t, err, "ValidationException", "databaseInput.name")
	}
	createDB(t, c, strings.Repeat("a", 255))

	// Fields Shoal does not implement are refused, not ignored.
	_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{
		Name:           aws.String("link"),
		TargetDatabase: &types.DatabaseIdentifier{CatalogId: aws.String("111122223333"), DatabaseName: aws.String("x")},
	}})
	wantErr(t, err, "InvalidInputException", "TargetDatabase")
	_, err = c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{
		Name:              aws.String("fed"),
		FederatedDatabase: &types.FederatedDatabase{Identifier: aws.String("x")},
	}})
	wantErr(t, err, "InvalidInputException", "FederatedDatabase")

	// Another account's catalog is not reachable; a non-account id does not exist.
	_, err = c.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("x"), CatalogId: aws.String("111122223333")})
	wantErr(t, err, "AccessDeniedException", "")
	_, err = c.GetDatabases(ctx, &glue.GetDatabasesInput{CatalogId: aws.String("s3tablescatalog")})
	wantErr(t, err, "EntityNotFoundException", "")

	_, err = c.GetDatabases(ctx, &glue.GetDatabasesInput{MaxResults: aws.Int32(101)})
	wantErr(t, err, "ValidationException", "maxResults")
}

func TestGetDatabasesPagination(t *testing.T) {
	c, _ := newClient(t)
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("db_%02d", i)
		want = append(want, name)
		createDB(t, c, name)
	}
	var got []string
	pages := 0
	p := glue.NewGetDatabasesPaginator(c, &glue.GetDatabasesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))
		pages++
		for _, db := range out.DatabaseList {
			got = append(got, aws.ToString(db.Name))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || pages != 3 {
		t.Fatalf("got %v in %d pages", got, pages)
	}
	names := must(c.GetDatabases(ctx, &glue.GetDatabasesInput{AttributesToGet: []types.DatabaseAttributes{types.DatabaseAttributesName}}))
	if len(names.DatabaseList) != 7 || names.DatabaseList[0].CreateTime != nil {
		t.Fatalf("names only: %+v", names.DatabaseList[0])
	}
	foreign := must(c.GetDatabases(ctx, &glue.GetDatabasesInput{ResourceShareType: types.ResourceShareTypeForeign}))
	if len(foreign.DatabaseList) != 0 {
		t.Fatalf("foreign databases: %v", foreign.DatabaseList)
	}
	_, err := c.GetDatabases(ctx, &glue.GetDatabasesInput{NextToken: aws.String("garbage")})
	wantErr(t, err, "InvalidInputException", "NextToken")
}
