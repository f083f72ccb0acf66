package glueapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
)

type createDatabaseRequest struct {
	CatalogId     *string
	DatabaseInput *databaseInput
	Tags          map[string]string
}

func (a *api) createDatabase(ctx context.Context, in *createDatabaseRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if in.DatabaseInput == nil {
		return nil, missing("databaseInput")
	}
	db, err := in.DatabaseInput.toCatalog()
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.CreateDatabase(ctx, db, in.Tags)
}

type nameRequest struct {
	CatalogId *string
	Name      *string
}

func (a *api) getDatabase(ctx context.Context, in *nameRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	db, err := a.svc.GetDatabase(ctx, *in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ Database database }{a.database(db)}, nil
}

type getDatabasesRequest struct {
	CatalogId         *string
	MaxResults        *int32
	NextToken         *string
	ResourceShareType string
	AttributesToGet   []string
}

type getDatabasesResponse struct {
	DatabaseList []any
	NextToken    string `json:",omitempty"`
}

func (a *api) getDatabases(ctx context.Context, in *getDatabasesRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	max, err := checkMax(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	namesOnly := false
	for _, attr := range in.AttributesToGet {
		switch attr {
		case "NAME", "TARGET_DATABASE":
			namesOnly = true // no database here has a target, so only names remain
		default:
			return nil, awsapi.ConstraintViolation(attr, "attributesToGet", "Member must satisfy enum value set: [NAME, TARGET_DATABASE]")
		}
	}
	resp := getDatabasesResponse{DatabaseList: []any{}}
	switch in.ResourceShareType {
	case "", "ALL":
	case "FOREIGN", "FEDERATED":
		// Nothing is shared with this account from elsewhere.
		return resp, nil
	default:
		return nil, awsapi.ConstraintViolation(in.ResourceShareType, "resourceShareType", "Member must satisfy enum value set: [ALL, FOREIGN, FEDERATED]")
	}
	dbs, next, err := a.svc.GetDatabases(ctx, catalog.Page{Token: deref(in.NextToken), Max: max})
	if err != nil {
		return nil, err
	}
	for i := range dbs {
		if namesOnly {
			resp.DatabaseList = append(resp.DatabaseList, struct{ Name string }{dbs[i].Name})
		} else {
			resp.DatabaseList = append(resp.DatabaseList, a.database(&dbs[i]))
		}
	}
	resp.NextToken = next
	return resp, nil
}

type updateDatabaseRequest struct {
	CatalogId     *string
	Name          *string
	DatabaseInput *databaseInput
}

func (a *api) updateDatabase(ctx context.Context, in *updateDatabaseRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	if in.DatabaseInput == nil {
		return nil, missing("databaseInput")
	}
	db, err := in.DatabaseInput.toCatalog()
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.UpdateDatabase(ctx, *in.Name, db)
}

func (a *api) deleteDatabase(ctx context.Context, in *nameRequest) (any, error) {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return nil, err
	}
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	return empty{}, a.svc.DeleteDatabase(ctx, *in.Name)
}
