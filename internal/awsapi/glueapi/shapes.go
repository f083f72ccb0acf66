package glueapi

import (
	"encoding/json"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
)

// Wire shapes of the Glue API. StorageDescriptor, Column and the other
// time-free shapes are the catalog's own types, which carry Glue's JSON
// names; the shapes below differ only in how times are encoded and in the
// fields Shoal accepts on the wire but refuses to act on.

type databaseInput struct {
	Name                          *string
	Description                   *string
	LocationUri                   *string
	Parameters                    map[string]string
	CreateTableDefaultPermissions []catalog.PrincipalPermissions
	TargetDatabase                json.RawMessage
	FederatedDatabase             json.RawMessage
}

func (in *databaseInput) toCatalog() (catalog.DatabaseInput, error) {
	switch {
	case present(in.TargetDatabase):
		return catalog.DatabaseInput{}, unsupported("DatabaseInput.TargetDatabase (resource links)")
	case present(in.FederatedDatabase):
		return catalog.DatabaseInput{}, unsupported("DatabaseInput.FederatedDatabase")
	}
	if err := checkName("databaseInput.name", in.Name); err != nil {
		return catalog.DatabaseInput{}, err
	}
	return catalog.DatabaseInput{
		Name:                          *in.Name,
		Description:                   in.Description,
		LocationUri:                   in.LocationUri,
		Parameters:                    in.Parameters,
		CreateTableDefaultPermissions: in.CreateTableDefaultPermissions,
	}, nil
}

type database struct {
	Name                          string
	Description                   *string `json:",omitempty"`
	LocationUri                   *string `json:",omitempty"`
	Parameters                    map[string]string
	CreateTime                    awsapi.Timestamp
	CreateTableDefaultPermissions []catalog.PrincipalPermissions `json:",omitempty"`
	CatalogId                     string
}

func (a *api) database(db *catalog.Database) database {
	params := db.Parameters
	if params == nil {
		params = map[string]string{}
	}
	return database{
		Name:                          db.Name,
		Description:                   db.Description,
		LocationUri:                   db.LocationUri,
		Parameters:                    params,
		CreateTime:                    awsapi.Timestamp{Time: db.CreateTime},
		CreateTableDefaultPermissions: db.CreateTableDefaultPermissions,
		CatalogId:                     a.catalogID(),
	}
}

type tableInput struct {
	Name              *string
	Description       *string
	Owner             *string
	LastAccessTime    *awsapi.Timestamp
	LastAnalyzedTime  *awsapi.Timestamp
	Retention         int32
	StorageDescriptor *catalog.StorageDescriptor
	PartitionKeys     []catalog.Column
	ViewOriginalText  *string
	ViewExpandedText  *string
	TableType         *string
	Parameters        map[string]string
	TargetTable       *catalog.TableIdentifier
	FederatedTable    json.RawMessage
	ViewDefinition    json.RawMessage
}

func (in *tableInput) toCatalog() (catalog.TableInput, error) {
	switch {
	case present(in.FederatedTable):
		return catalog.TableInput{}, unsupported("TableInput.FederatedTable")
	case present(in.ViewDefinition):
		return catalog.TableInput{}, unsupported("TableInput.ViewDefinition (multi-dialect views)")
	}
	if err := checkName("tableInput.name", in.Name); err != nil {
		return catalog.TableInput{}, err
	}
	if in.Retention < 0 {
		return catalog.TableInput{}, awsapi.ConstraintViolation(in.Retention, "tableInput.retention", "Member must have value greater than or equal to 0")
	}
	return catalog.TableInput{
		Name:              *in.Name,
		Description:       in.Description,
		Owner:             in.Owner,
		LastAccessTime:    fromTimestamp(in.LastAccessTime),
		LastAnalyzedTime:  fromTimestamp(in.LastAnalyzedTime),
		Retention:         in.Retention,
		StorageDescriptor: in.StorageDescriptor,
		PartitionKeys:     in.PartitionKeys,
		ViewOriginalText:  in.ViewOriginalText,
		ViewExpandedText:  in.ViewExpandedText,
		TableType:         in.TableType,
		Parameters:        in.Parameters,
		TargetTable:       in.TargetTable,
	}, nil
}

type table struct {
	Name                          string
	DatabaseName                  string
	Description                   *string `json:",omitempty"`
	Owner                         *string `json:",omitempty"`
	CreateTime                    awsapi.Timestamp
	UpdateTime                    awsapi.Timestamp
	LastAccessTime                *awsapi.Timestamp `json:",omitempty"`
	LastAnalyzedTime              *awsapi.Timestamp `json:",omitempty"`
	Retention                     int32
	StorageDescriptor             *catalog.StorageDescriptor `json:",omitempty"`
	PartitionKeys                 []catalog.Column
	ViewOriginalText              *string           `json:",omitempty"`
	ViewExpandedText              *string           `json:",omitempty"`
	TableType                     *string           `json:",omitempty"`
	Parameters                    map[string]string `json:",omitempty"`
	CreatedBy                     string            `json:",omitempty"`
	IsRegisteredWithLakeFormation bool
	TargetTable                   *catalog.TableIdentifier `json:",omitempty"`
	CatalogId                     string
	VersionId                     string
}

func (a *api) table(t *catalog.Table) table {
	keys := t.PartitionKeys
	if keys == nil {
		keys = []catalog.Column{} // Glue always returns the list
	}
	return table{
		Name:              t.Name,
		DatabaseName:      t.DatabaseName,
		Description:       t.Description,
		Owner:             t.Owner,
		CreateTime:        awsapi.Timestamp{Time: t.CreateTime},
		UpdateTime:        awsapi.Timestamp{Time: t.UpdateTime},
		LastAccessTime:    toTimestamp(t.LastAccessTime),
		LastAnalyzedTime:  toTimestamp(t.LastAnalyzedTime),
		Retention:         t.Retention,
		StorageDescriptor: t.StorageDescriptor,
		PartitionKeys:     keys,
		ViewOriginalText:  t.ViewOriginalText,
		ViewExpandedText:  t.ViewExpandedText,
		TableType:         t.TableType,
		Parameters:        t.Parameters,
		CreatedBy:         t.CreatedBy,
		TargetTable:       t.TargetTable,
		CatalogId:         a.catalogID(),
		VersionId:         t.VersionID,
	}
}

type partitionInput struct {
	Values            []string
	LastAccessTime    *awsapi.Timestamp
	LastAnalyzedTime  *awsapi.Timestamp
	StorageDescriptor *catalog.StorageDescriptor
	Parameters        map[string]string
}

func (in *partitionInput) toCatalog() catalog.PartitionInput {
	return catalog.PartitionInput{
		Values:            in.Values,
		LastAccessTime:    fromTimestamp(in.LastAccessTime),
		LastAnalyzedTime:  fromTimestamp(in.LastAnalyzedTime),
		StorageDescriptor: in.StorageDescriptor,
		Parameters:        in.Parameters,
	}
}

type partition struct {
	Values            []string
	DatabaseName      string
	TableName         string
	CreationTime      awsapi.Timestamp
	LastAccessTime    *awsapi.Timestamp          `json:",omitempty"`
	LastAnalyzedTime  *awsapi.Timestamp          `json:",omitempty"`
	StorageDescriptor *catalog.StorageDescriptor `json:",omitempty"`
	Parameters        map[string]string          `json:",omitempty"`
	CatalogId         string
}

func (a *api) partition(p *catalog.Partition, excludeColumns bool) partition {
	sd := p.StorageDescriptor
	if excludeColumns && sd != nil {
		trimmed := *sd
		trimmed.Columns = nil
		sd = &trimmed
	}
	values := p.Values
	if values == nil {
		values = []string{}
	}
	return partition{
		Values:            values,
		DatabaseName:      p.DatabaseName,
		TableName:         p.TableName,
		CreationTime:      awsapi.Timestamp{Time: p.CreationTime},
		LastAccessTime:    toTimestamp(p.LastAccessTime),
		LastAnalyzedTime:  toTimestamp(p.LastAnalyzedTime),
		StorageDescriptor: sd,
		Parameters:        p.Parameters,
		CatalogId:         a.catalogID(),
	}
}

type partitionValueList struct {
	Values []string
}

func fromTimestamp(ts *awsapi.Timestamp) *time.Time {
	if ts == nil {
		return nil
	}
	t := ts.Time.UTC()
	return &t
}

func toTimestamp(t *time.Time) *awsapi.Timestamp {
	if t == nil {
		return nil
	}
	return &awsapi.Timestamp{Time: *t}
}
