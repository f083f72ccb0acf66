package glueapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
)

// Fields common to the table reads. AuditContext only labels Lake Formation
// audit logs and IncludeStatusDetails only adds materialized-view status
// that no table here has, so both are accepted; the time-travel and
// transaction fields would change the answer and are refused.
type tableReadOptions struct {
	AuditContext         json.RawMessage
	IncludeStatusDetails *bool
	TransactionId        *string
	QueryAsOfTime        *awsapi.Timestamp
	AttributesToGet      []string
}

func (o *tableReadOptions) check() (namesOnly bool, err error) {
	if o.TransactionId != nil {
		return false, unsupported("TransactionId (governed tables)")
	}
	if o.QueryAsOfTime != nil {
		return false, unsupported("QueryAsOfTime (governed tables)")
	}
	for _, attr := range o.AttributesToGet {
		if attr != "NAME" && attr != "TABLE_TYPE" {
			return false, awsapi.ConstraintViolation(attr, "attributesToGet", "Member must satisfy enum value set: [NAME, TABLE_TYPE]")
		}
	}
	return len(o.AttributesToGet) > 0, nil
}

// tableSummary is a table reduced to AttributesToGet [NAME, TABLE_TYPE].
type tableSummary struct {
	Name      string
	TableType *string `json:",omitempty"`
}

func (a *api) tableOrSummary(t *catalog.Table, namesOnly bool) any {
	if namesOnly {
		return tableSummary{Name: t.Name, TableType: t.TableType}
	}
	return a.table(t)
}

type createTableRequest struct {
	CatalogId            *string
	DatabaseName         *string
	Name                 *string
	TableInput           *tableInput
	OpenTableFormatInput json.RawMessage
	PartitionIndexes     json.RawMessage
	TransactionId        *string
}

func (a *api) createTable(ctx context.Context, in *createTableRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	switch {
	case present(in.OpenTableFormatInput):
		return nil, unsupported("OpenTableFormatInput (Iceberg tables)")
	case present(in.PartitionIndexes) && string(in.PartitionIndexes) != "[]":
		return nil, unsupported("PartitionIndexes")
	case in.TransactionId != nil:
		return nil, unsupported("TransactionId (governed tables)")
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	if in.TableInput == nil {
		return nil, missing("tableInput")
	}
	t, err := in.TableInput.toCatalog()
	if err != nil {
		return nil, err
	}
	if in.Name != nil && !strings.EqualFold(*in.Name, t.Name) {
		return nil, awsapi.Errorf(http.StatusBadRequest, "InvalidInputException", "Name %s does not match TableInput.Name %s.", *in.Name, t.Name)
	}
	createdBy := ""
	if auth := awsapi.AuthFrom(ctx); auth != nil {
		createdBy = auth.Identity.ARN
	}
	return empty{}, a.svc.CreateTable(ctx, *in.DatabaseName, t, createdBy)
}

type getTableRequest struct {
	CatalogId    *string
	DatabaseName *string
	Name         *string
	tableReadOptions
}

func (a *api) getTable(ctx context.Context, in *getTableRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	namesOnly, err := in.check()
	if err != nil {
		return nil, err
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	t, err := a.svc.GetTable(ctx, *in.DatabaseName, *in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ Table any }{a.tableOrSummary(t, namesOnly)}, nil
}

type getTablesRequest struct {
	CatalogId         *string
	DatabaseName      *string
	Expression        *string
	MaxResults        *int32
	NextToken         *string
	ResourceShareType string
	tableReadOptions
}

type getTablesResponse struct {
	TableList []any
	NextToken string `json:",omitempty"`
}

func (a *api) getTables(ctx context.Context, in *getTablesRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	namesOnly, err := in.check()
	if err != nil {
		return nil, err
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	max, err := checkMax(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	resp := getTablesResponse{TableList: []any{}}
	switch in.ResourceShareType {
	case "", "ALL":
	case "FOREIGN", "FEDERATED":
		return resp, nil // nothing is shared with this account
	default:
		return nil, awsapi.ConstraintViolation(in.ResourceShareType, "resourceShareType", "Member must satisfy enum value set: [ALL, FOREIGN, FEDERATED]")
	}
	tables, next, err := a.svc.GetTables(ctx, *in.DatabaseName, deref(in.Expression), catalog.Page{Token: deref(in.NextToken), Max: max})
	if err != nil {
		return nil, err
	}
	for i := range tables {
		resp.TableList = append(resp.TableList, a.tableOrSummary(&tables[i], namesOnly))
	}
	resp.NextToken = next
	return resp, nil
}

type updateTableRequest struct {
	CatalogId                  *string
	DatabaseName               *string
	Name                       *string
	TableInput                 *tableInput
	SkipArchive                *bool
	VersionId                  *string
	TransactionId              *string
	ViewUpdateAction           string
	Force                      bool
	UpdateOpenTableFormatInput json.RawMessage
}

func (a *api) updateTable(ctx context.Context, in *updateTableRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	switch {
	case in.TransactionId != nil:
		return nil, unsupported("TransactionId (governed tables)")
	case in.ViewUpdateAction != "":
		return nil, unsupported("ViewUpdateAction (multi-dialect views)")
	case in.Force:
		return nil, unsupported("Force (multi-dialect views)")
	case present(in.UpdateOpenTableFormatInput):
		return nil, unsupported("UpdateOpenTableFormatInput (Iceberg tables)")
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	if in.TableInput == nil {
		return nil, missing("tableInput")
	}
	t, err := in.TableInput.toCatalog()
	if err != nil {
		return nil, err
	}
	if in.Name != nil && !strings.EqualFold(*in.Name, t.Name) {
		return nil, awsapi.Errorf(http.StatusBadRequest, "InvalidInputException", "Name %s does not match TableInput.Name %s: tables cannot be renamed.", *in.Name, t.Name)
	}
	opts := catalog.UpdateTableOptions{VersionID: deref(in.VersionId), SkipArchive: in.SkipArchive != nil && *in.SkipArchive}
	return empty{}, a.svc.UpdateTable(ctx, *in.DatabaseName, t, opts)
}

type deleteTableRequest struct {
	CatalogId     *string
	DatabaseName  *string
	Name          *string
	TransactionId *string
}

func (a *api) deleteTable(ctx context.Context, in *deleteTableRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if in.TransactionId != nil {
		return nil, unsupported("TransactionId (governed tables)")
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	return empty{}, a.svc.DeleteTable(ctx, *in.DatabaseName, *in.Name)
}

type batchDeleteTableRequest struct {
	CatalogId      *string
	DatabaseName   *string
	TablesToDelete []string
	TransactionId  *string
}

type tableError struct {
	TableName   string
	ErrorDetail *errorDetail
}

func (a *api) batchDeleteTable(ctx context.Context, in *batchDeleteTableRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if in.TransactionId != nil {
		return nil, unsupported("TransactionId (governed tables)")
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return nil, err
	}
	if in.TablesToDelete == nil {
		return nil, missing("tablesToDelete")
	}
	if err := checkLen("tablesToDelete", len(in.TablesToDelete), 0, 100); err != nil {
		return nil, err
	}
	entryErrs, err := a.svc.BatchDeleteTable(ctx, *in.DatabaseName, in.TablesToDelete)
	if err != nil {
		return nil, err
	}
	out := struct{ Errors []tableError }{Errors: []tableError{}}
	for _, e := range entryErrs {
		out.Errors = append(out.Errors, tableError{TableName: in.TablesToDelete[e.Index], ErrorDetail: detailOf(e.Err)})
	}
	return out, nil
}
