package glueapi

import (
	"context"
	"encoding/json"

	"github.com/shoal-dev/shoal/internal/catalog"
)

type tableVersion struct {
	Table     table
	VersionId string
}

func (a *api) tableVersion(t *catalog.Table) tableVersion {
	return tableVersion{Table: a.table(t), VersionId: t.VersionID}
}

type tableVersionsRequest struct {
	CatalogId    *string
	DatabaseName *string
	TableName    *string
}

func (a *api) checkTableRef(in *tableVersionsRequest) error {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return err
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return err
	}
	return checkName("tableName", in.TableName)
}

type getTableVersionsRequest struct {
	tableVersionsRequest
	MaxResults   *int32
	NextToken    *string
	AuditContext json.RawMessage // labels audit logs only
}

type getTableVersionsResponse struct {
	TableVersions []tableVersion
	NextToken     string `json:",omitempty"`
}

func (a *api) getTableVersions(ctx context.Context, in *getTableVersionsRequest) (any, error) {
	if err := a.checkTableRef(&in.tableVersionsRequest); err != nil {
		return nil, err
	}
	max, err := checkMax(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	versions, next, err := a.svc.GetTableVersions(ctx, *in.DatabaseName, *in.TableName, catalog.Page{Token: deref(in.NextToken), Max: max})
	if err != nil {
		return nil, err
	}
	resp := getTableVersionsResponse{TableVersions: []tableVersion{}, NextToken: next}
	for i := range versions {
		resp.TableVersions = append(resp.TableVersions, a.tableVersion(&versions[i]))
	}
	return resp, nil
}

type tableVersionRequest struct {
	tableVersionsRequest
	VersionId *string
}

type getTableVersionRequest struct {
	tableVersionRequest
	AuditContext json.RawMessage // labels audit logs only
}

func (a *api) getTableVersion(ctx context.Context, in *getTableVersionRequest) (any, error) {
	if err := a.checkTableRef(&in.tableVersionsRequest); err != nil {
		return nil, err
	}
	t, err := a.svc.GetTableVersion(ctx, *in.DatabaseName, *in.TableName, deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	return struct{ TableVersion tableVersion }{a.tableVersion(t)}, nil
}

func (a *api) deleteTableVersion(ctx context.Context, in *tableVersionRequest) (any, error) {
	if err := a.checkTableRef(&in.tableVersionsRequest); err != nil {
		return nil, err
	}
	if in.VersionId == nil {
		return nil, missing("versionId")
	}
	return empty{}, a.svc.DeleteTableVersion(ctx, *in.DatabaseName, *in.TableName, *in.VersionId)
}

type batchDeleteTableVersionRequest struct {
	tableVersionsRequest
	VersionIds []string
}

type tableVersionError struct {
	TableName   string
	VersionId   string
	ErrorDetail *errorDetail
}

func (a *api) batchDeleteTableVersion(ctx context.Context, in *batchDeleteTableVersionRequest) (any, error) {
	if err := a.checkTableRef(&in.tableVersionsRequest); err != nil {
		return nil, err
	}
	if in.VersionIds == nil {
		return nil, missing("versionIds")
	}
	if err := checkLen("versionIds", len(in.VersionIds), 0, 100); err != nil {
		return nil, err
	}
	entryErrs, err := a.svc.BatchDeleteTableVersion(ctx, *in.DatabaseName, *in.TableName, in.VersionIds)
	if err != nil {
		return nil, err
	}
	out := struct{ Errors []tableVersionError }{Errors: []tableVersionError{}}
	for _, e := range entryErrs {
		out.Errors = append(out.Errors, tableVersionError{
			TableName: catalog.NormalizeName(*in.TableName), VersionId: in.VersionIds[e.Index], ErrorDetail: detailOf(e.Err),
		})
	}
	return out, nil
}
