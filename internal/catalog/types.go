package catalog

import "time"

// The definition types mirror the Glue API shapes field for field, with the
// same JSON names, because they are stored as JSON in the metadata store and
// must round-trip whatever a client sent. Times are the exception: they live
// in Go as time.Time and the API layer renders them in its own encoding.

// Column is a column or partition key.
type Column struct {
	Name       string            `json:"Name"`
	Type       *string           `json:"Type,omitempty"`
	Comment    *string           `json:"Comment,omitempty"`
	Parameters map[string]string `json:"Parameters,omitempty"`
}

// SerDeInfo names the serializer/deserializer of a table's data.
type SerDeInfo struct {
	Name                 *string           `json:"Name,omitempty"`
	SerializationLibrary *string           `json:"SerializationLibrary,omitempty"`
	Parameters           map[string]string `json:"Parameters,omitempty"`
}

// Order is a sort column.
type Order struct {
	Column    string `json:"Column"`
	SortOrder int32  `json:"SortOrder"`
}

// SkewedInfo describes skewed values of a table.
type SkewedInfo struct {
	SkewedColumnNames             []string          `json:"SkewedColumnNames,omitempty"`
	SkewedColumnValues            []string          `json:"SkewedColumnValues,omitempty"`
	SkewedColumnValueLocationMaps map[string]string `json:"SkewedColumnValueLocationMaps,omitempty"`
}

// SchemaID points at a Glue Schema Registry schema.
type SchemaID struct {
	SchemaArn    *string `json:"SchemaArn,omitempty"`
	SchemaName   *string `json:"SchemaName,omitempty"`
	RegistryName *string `json:"RegistryName,omitempty"`
}

// SchemaReference points at a schema version in the Glue Schema Registry.
// It is stored and returned; nothing resolves it yet.
type SchemaReference struct {
	SchemaId            *SchemaID `json:"SchemaId,omitempty"`
	SchemaVersionId     *string   `json:"SchemaVersionId,omitempty"`
	SchemaVersionNumber *int64    `json:"SchemaVersionNumber,omitempty"`
}

// StorageDescriptor is where and how a table's (or partition's) data is
// stored. Compressed, NumberOfBuckets and StoredAsSubDirectories are always
// present in responses, as Glue returns them.
type StorageDescriptor struct {
	Columns                []Column          `json:"Columns,omitempty"`
	Location               *string           `json:"Location,omitempty"`
	AdditionalLocations    []string          `json:"AdditionalLocations,omitempty"`
	InputFormat            *string           `json:"InputFormat,omitempty"`
	OutputFormat           *string           `json:"OutputFormat,omitempty"`
	Compressed             bool              `json:"Compressed"`
	NumberOfBuckets        int32             `json:"NumberOfBuckets"`
	SerdeInfo              *SerDeInfo        `json:"SerdeInfo,omitempty"`
	BucketColumns          []string          `json:"BucketColumns,omitempty"`
	SortColumns            []Order           `json:"SortColumns,omitempty"`
	Parameters             map[string]string `json:"Parameters,omitempty"`
	SkewedInfo             *SkewedInfo       `json:"SkewedInfo,omitempty"`
	StoredAsSubDirectories bool              `json:"StoredAsSubDirectories"`
	SchemaReference        *SchemaReference  `json:"SchemaReference,omitempty"`
}

// DataLakePrincipal is a Lake Formation principal.
type DataLakePrincipal struct {
	DataLakePrincipalIdentifier *string `json:"DataLakePrincipalIdentifier,omitempty"`
}

// PrincipalPermissions grants permissions to a principal.
type PrincipalPermissions struct {
	Principal   *DataLakePrincipal `json:"Principal,omitempty"`
	Permissions []string           `json:"Permissions,omitempty"`
}

// TableIdentifier names the target of a resource link.
type TableIdentifier struct {
	CatalogId    *string `json:"CatalogId,omitempty"`
	DatabaseName *string `json:"DatabaseName,omitempty"`
	Name         *string `json:"Name,omitempty"`
	Region       *string `json:"Region,omitempty"`
}

// DatabaseInput is the user-supplied definition of a database.
type DatabaseInput struct {
	Name                          string                 `json:"Name"`
	Description                   *string                `json:"Description,omitempty"`
	LocationUri                   *string                `json:"LocationUri,omitempty"`
	Parameters                    map[string]string      `json:"Parameters,omitempty"`
	CreateTableDefaultPermissions []PrincipalPermissions `json:"CreateTableDefaultPermissions,omitempty"`
}

// Database is a stored database.
type Database struct {
	DatabaseInput
	CreateTime time.Time
}

// TableInput is the user-supplied definition of a table.
type TableInput struct {
	Name              string             `json:"Name"`
	Description       *string            `json:"Description,omitempty"`
	Owner             *string            `json:"Owner,omitempty"`
	LastAccessTime    *time.Time         `json:"LastAccessTime,omitempty"`
	LastAnalyzedTime  *time.Time         `json:"LastAnalyzedTime,omitempty"`
	Retention         int32              `json:"Retention,omitempty"`
	StorageDescriptor *StorageDescriptor `json:"StorageDescriptor,omitempty"`
	PartitionKeys     []Column           `json:"PartitionKeys,omitempty"`
	ViewOriginalText  *string            `json:"ViewOriginalText,omitempty"`
	ViewExpandedText  *string            `json:"ViewExpandedText,omitempty"`
	TableType         *string            `json:"TableType,omitempty"`
	Parameters        map[string]string  `json:"Parameters,omitempty"`
	TargetTable       *TableIdentifier   `json:"TargetTable,omitempty"`
}

// Table is one version of a stored table.
type Table struct {
	TableInput
	DatabaseName string
	CreateTime   time.Time
	UpdateTime   time.Time
	CreatedBy    string
	VersionID    string
}

// Columns returns the data columns followed by the partition keys, the
// order in which query engines present a table's schema.
func (t *Table) Columns() []Column {
	var cols []Column
	if t.StorageDescriptor != nil {
		cols = append(cols, t.StorageDescriptor.Columns...)
	}
	return append(cols, t.PartitionKeys...)
}

// PartitionInput is the user-supplied definition of a partition.
type PartitionInput struct {
	Values            []string           `json:"Values"`
	LastAccessTime    *time.Time         `json:"LastAccessTime,omitempty"`
	LastAnalyzedTime  *time.Time         `json:"LastAnalyzedTime,omitempty"`
	StorageDescriptor *StorageDescriptor `json:"StorageDescriptor,omitempty"`
	Parameters        map[string]string  `json:"Parameters,omitempty"`
}

// Partition is a stored partition.
type Partition struct {
	PartitionInput
	DatabaseName string
	TableName    string
	CreationTime time.Time
}

// Page asks for one page of a listing: Token from the previous page's
// NextToken ("" for the first), Max results (0 for the operation's default).
type Page struct {
	Token string
	Max   int
}

// EntryError is the failure of one entry of a batch operation.
type EntryError struct {
	Index int // position in the request
	Err   error
}
