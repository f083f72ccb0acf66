package query

import "time"

// Execution states.
const (
	StateQueued    = "QUEUED"
	StateRunning   = "RUNNING"
	StateSucceeded = "SUCCEEDED"
	StateFailed    = "FAILED"
	StateCancelled = "CANCELLED"
)

// Statement types.
const (
	StatementDDL     = "DDL"
	StatementDML     = "DML"
	StatementUtility = "UTILITY"
)

// ColumnInfo describes a result column as Athena does (JSON names are the API's).
type ColumnInfo struct {
	CatalogName   string `json:"CatalogName"`
	SchemaName    string `json:"SchemaName"`
	TableName     string `json:"TableName"`
	Name          string `json:"Name"`
	Label         string `json:"Label"`
	Type          string `json:"Type"`
	Precision     int32  `json:"Precision"`
	Scale         int32  `json:"Scale"`
	Nullable      string `json:"Nullable"`
	CaseSensitive bool   `json:"CaseSensitive"`
}

// Statistics of one execution, in milliseconds and bytes.
type Statistics struct {
	EngineExecutionTimeInMillis   int64
	DataScannedInBytes            int64
	TotalExecutionTimeInMillis    int64
	QueryQueueTimeInMillis        int64
	QueryPlanningTimeInMillis     int64
	ServiceProcessingTimeInMillis int64
}

// ExecutionError is AthenaError.
type ExecutionError struct {
	Category int
	Type     int
	Message  string
}

// Execution is one query execution.
type Execution struct {
	ID                  string
	Query               string
	StatementType       string
	Database            string
	Catalog             string
	WorkGroup           string
	OutputLocation      string // the result object: <location>/<id>.csv (or .txt)
	ExecutionParameters []string
	ClientRequestToken  string
	State               string
	StateChangeReason   string
	Submitted           time.Time
	Completed           time.Time
	Error               *ExecutionError
	Stats               Statistics
	Columns             []ColumnInfo
	// Header is true when the result file's first row names the columns
	// (SELECT results), which GetQueryResults returns first, as Athena does.
	Header      bool
	UpdateCount int64
	// Preview holds the first rows of a small result, so GetQueryResults
	// of a trivial query needs no read of the result object.
	Preview [][]*string `json:",omitempty"`
	Rows    int64
}

// Terminal reports whether the execution has finished.
func (e *Execution) Terminal() bool {
	return e.State == StateSucceeded || e.State == StateFailed || e.State == StateCancelled
}

// WorkGroup is an Athena workgroup.
type WorkGroup struct {
	Name                 string
	State                string // ENABLED or DISABLED
	Description          string
	OutputLocation       string
	EnforceConfiguration bool
	PublishMetrics       bool
	BytesScannedCutoff   int64
	RequesterPays        bool
	EngineVersion        string
	Tags                 map[string]string `json:",omitempty"`
	Created              time.Time
}

// NamedQuery is a saved query.
type NamedQuery struct {
	ID          string
	Name        string
	Description string
	Database    string
	QueryString string
	WorkGroup   string
}

// PreparedStatement is a named statement with ? parameters.
type PreparedStatement struct {
	Name           string
	WorkGroup      string
	QueryStatement string
	Description    string
	LastModified   time.Time
}

// EngineVersion is what Athena calls the engine; Shoal reports its own.
const EngineVersion = "Shoal DuckDB"

// PrimaryWorkGroup always exists.
const PrimaryWorkGroup = "primary"
