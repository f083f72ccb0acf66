package delivery

import (
	"encoding/json"
	"time"
)

// The configuration types mirror the Firehose API shapes field for field, with
// the same JSON names: the API adapter decodes requests straight into them,
// they are stored as JSON, and DescribeDeliveryStream echoes them back.
// Pointers mark members whose absence matters (UpdateDestination merges only
// what was sent; Describe omits what was never set).

// Source types.
const (
	DirectPut             = "DirectPut"
	KinesisStreamAsSource = "KinesisStreamAsSource"
)

// Statuses.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"
)

// BufferingHints bound how much a partition buffers before an object is written.
type BufferingHints struct {
	SizeInMBs         *int `json:"SizeInMBs,omitempty"`
	IntervalInSeconds *int `json:"IntervalInSeconds,omitempty"`
}

// ProcessorParameter is one processor setting.
type ProcessorParameter struct {
	ParameterName  string `json:"ParameterName"`
	ParameterValue string `json:"ParameterValue"`
}

// Processor is one record processor.
type Processor struct {
	Type       string               `json:"Type"`
	Parameters []ProcessorParameter `json:"Parameters,omitempty"`
}

// ProcessingConfiguration lists the processors applied to each record.
type ProcessingConfiguration struct {
	Enabled    *bool       `json:"Enabled,omitempty"`
	Processors []Processor `json:"Processors,omitempty"`
}

// RetryOptions of dynamic partitioning.
type RetryOptions struct {
	DurationInSeconds *int `json:"DurationInSeconds,omitempty"`
}

// DynamicPartitioningConfiguration turns on partitioning by record keys.
type DynamicPartitioningConfiguration struct {
	RetryOptions *RetryOptions `json:"RetryOptions,omitempty"`
	Enabled      *bool         `json:"Enabled,omitempty"`
}

// SchemaConfiguration names the catalog table that describes converted records.
type SchemaConfiguration struct {
	RoleARN      string `json:"RoleARN,omitempty"`
	CatalogId    string `json:"CatalogId,omitempty"`
	DatabaseName string `json:"DatabaseName,omitempty"`
	TableName    string `json:"TableName,omitempty"`
	Region       string `json:"Region,omitempty"`
	VersionId    string `json:"VersionId,omitempty"`
}

// OpenXJsonSerDe reads JSON records.
type OpenXJsonSerDe struct {
	ConvertDotsInJsonKeysToUnderscores *bool             `json:"ConvertDotsInJsonKeysToUnderscores,omitempty"`
	CaseInsensitive                    *bool             `json:"CaseInsensitive,omitempty"`
	ColumnToJsonKeyMappings            map[string]string `json:"ColumnToJsonKeyMappings,omitempty"`
}

// HiveJsonSerDe reads JSON records with Hive's timestamp rules.
type HiveJsonSerDe struct {
	TimestampFormats []string `json:"TimestampFormats,omitempty"`
}

// Deserializer is exactly one of the JSON SerDes.
type Deserializer struct {
	OpenXJsonSerDe *OpenXJsonSerDe `json:"OpenXJsonSerDe,omitempty"`
	HiveJsonSerDe  *HiveJsonSerDe  `json:"HiveJsonSerDe,omitempty"`
}

// InputFormatConfiguration selects the deserializer.
type InputFormatConfiguration struct {
	Deserializer *Deserializer `json:"Deserializer,omitempty"`
}

// ParquetSerDe writes Parquet.
type ParquetSerDe struct {
	BlockSizeBytes              *int   `json:"BlockSizeBytes,omitempty"`
	PageSizeBytes               *int   `json:"PageSizeBytes,omitempty"`
	Compression                 string `json:"Compression,omitempty"`
	EnableDictionaryCompression *bool  `json:"EnableDictionaryCompression,omitempty"`
	MaxPaddingBytes             *int   `json:"MaxPaddingBytes,omitempty"`
	WriterVersion               string `json:"WriterVersion,omitempty"`
}

// Serializer is exactly one of Parquet or ORC (ORC is refused).
type Serializer struct {
	ParquetSerDe *ParquetSerDe   `json:"ParquetSerDe,omitempty"`
	OrcSerDe     json.RawMessage `json:"OrcSerDe,omitempty"`
}

// OutputFormatConfiguration selects the serializer.
type OutputFormatConfiguration struct {
	Serializer *Serializer `json:"Serializer,omitempty"`
}

// DataFormatConversionConfiguration converts JSON records to Parquet.
type DataFormatConversionConfiguration struct {
	SchemaConfiguration       *SchemaConfiguration       `json:"SchemaConfiguration,omitempty"`
	InputFormatConfiguration  *InputFormatConfiguration  `json:"InputFormatConfiguration,omitempty"`
	OutputFormatConfiguration *OutputFormatConfiguration `json:"OutputFormatConfiguration,omitempty"`
	Enabled                   *bool                      `json:"Enabled,omitempty"`
}

// S3Destination is an ExtendedS3DestinationConfiguration (an
// S3DestinationConfiguration is its subset). Encryption, logging and backup
// settings are recorded and echoed, not acted on.
type S3Destination struct {
	RoleARN                           string                             `json:"RoleARN,omitempty"`
	BucketARN                         string                             `json:"BucketARN,omitempty"`
	Prefix                            *string                            `json:"Prefix,omitempty"`
	ErrorOutputPrefix                 *string                            `json:"ErrorOutputPrefix,omitempty"`
	BufferingHints                    *BufferingHints                    `json:"BufferingHints,omitempty"`
	CompressionFormat                 string                             `json:"CompressionFormat,omitempty"`
	EncryptionConfiguration           json.RawMessage                    `json:"EncryptionConfiguration,omitempty"`
	CloudWatchLoggingOptions          json.RawMessage                    `json:"CloudWatchLoggingOptions,omitempty"`
	ProcessingConfiguration           *ProcessingConfiguration           `json:"ProcessingConfiguration,omitempty"`
	S3BackupMode                      string                             `json:"S3BackupMode,omitempty"`
	S3BackupConfiguration             json.RawMessage                    `json:"S3BackupConfiguration,omitempty"`
	S3BackupUpdate                    json.RawMessage                    `json:"S3BackupUpdate,omitempty"`
	DataFormatConversionConfiguration *DataFormatConversionConfiguration `json:"DataFormatConversionConfiguration,omitempty"`
	DynamicPartitioningConfiguration  *DynamicPartitioningConfiguration  `json:"DynamicPartitioningConfiguration,omitempty"`
	FileExtension                     *string                            `json:"FileExtension,omitempty"`
	CustomTimeZone                    *string                            `json:"CustomTimeZone,omitempty"`
}

// KinesisSource is KinesisStreamSourceConfiguration.
type KinesisSource struct {
	KinesisStreamARN string `json:"KinesisStreamARN"`
	RoleARN          string `json:"RoleARN"`
}

// Tag is a delivery stream tag.
type Tag struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

// CreateInput describes a new delivery stream.
type CreateInput struct {
	Name        string
	Type        string // DirectPut (default) or KinesisStreamAsSource
	Source      *KinesisSource
	Destination S3Destination
	// Extended is false when the caller sent S3DestinationConfiguration.
	Extended bool
	Tags     []Tag
}

// Config is a stored delivery stream.
type Config struct {
	Name        string         `json:"name"`
	ID          string         `json:"id"` // JetStream-safe id, unique per creation
	Type        string         `json:"type"`
	Status      string         `json:"status"`
	Version     int            `json:"version"`
	Source      *KinesisSource `json:"source,omitempty"`
	Destination S3Destination  `json:"destination"`
	Tags        []Tag          `json:"tags,omitempty"`
	Created     time.Time      `json:"created"`
	Updated     time.Time      `json:"updated"`
	// SourceStarted is when a Kinesis source began reading (its
	// DeliveryStartTimestamp).
	SourceStarted time.Time `json:"sourceStarted,omitzero"`
	// Failure is why delivery is paused (a role lacks a permission), as
	// Describe reports it; it is live state, never stored.
	Failure *FailureDescription `json:"-"`
}

func (c *Config) clone() *Config {
	b, _ := json.Marshal(c)
	var out Config
	_ = json.Unmarshal(b, &out)
	return &out
}
