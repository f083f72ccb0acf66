package crawler

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Glue's enumerations for crawlers.
const (
	UpdateInDatabase   = "UPDATE_IN_DATABASE"
	DeleteFromDatabase = "DELETE_FROM_DATABASE"
	DeprecateInDB      = "DEPRECATE_IN_DATABASE"
	BehaviorLog        = "LOG"

	CrawlEverything     = "CRAWL_EVERYTHING"
	CrawlNewFoldersOnly = "CRAWL_NEW_FOLDERS_ONLY"

	StateReady    = "READY"
	StateRunning  = "RUNNING"
	StateStopping = "STOPPING"

	ScheduleScheduled     = "SCHEDULED"
	ScheduleNotScheduled  = "NOT_SCHEDULED"
	ScheduleTransitioning = "TRANSITIONING"

	StatusSucceeded = "SUCCEEDED"
	StatusCancelled = "CANCELLED"
	StatusFailed    = "FAILED"
)

// Definition is what a user sets on a crawler (CreateCrawler's and
// UpdateCrawler's fields that Shoal acts on).
type Definition struct {
	Name               string
	Role               string
	DatabaseName       string
	Description        string
	Targets            []S3Target
	Schedule           string // a cron(...) expression, "" for on demand
	TablePrefix        string
	SchemaChangePolicy SchemaChangePolicy
	RecrawlBehavior    string
	// Configuration is the versioned JSON configuration as the user sent it.
	Configuration string
}

// S3Target is an include path with its exclusions.
type S3Target struct {
	Path       string
	Exclusions []string
	// SampleSize, when above zero, is how many files of each leaf folder
	// are crawled (Glue's 1..249).
	SampleSize int
}

// SchemaChangePolicy says what a crawl does to tables it finds changed or
// gone.
type SchemaChangePolicy struct {
	UpdateBehavior string
	DeleteBehavior string
}

// Crawler is a stored crawler with its state.
type Crawler struct {
	Definition
	ScheduleState string // "" when there is no schedule
	Version       int64
	CreationTime  time.Time
	LastUpdated   time.Time
	State         string
	// CrawlElapsed is how long the running crawl has taken so far.
	CrawlElapsed time.Duration
	LastCrawl    *LastCrawl
}

// LastCrawl is the outcome of the latest crawl.
type LastCrawl struct {
	Status        string
	ErrorMessage  string
	LogGroup      string
	LogStream     string
	MessagePrefix string
	StartTime     time.Time
}

// config is the parsed Configuration JSON: the options Shoal implements.
type config struct {
	mergeNewColumns bool // CrawlerOutput.Tables.AddOrUpdateBehavior
	tableThreshold  int  // 0: no limit
}

// normalize fills Glue's defaults and validates d, returning the messages
// Glue gives for bad input.
func (d *Definition) normalize() error {
	if err := checkCrawlerName(d.Name); err != nil {
		return err
	}
	if strings.TrimSpace(d.Role) == "" {
		return invalidInput("Role is required.")
	}
	if d.SchemaChangePolicy.UpdateBehavior == "" {
		d.SchemaChangePolicy.UpdateBehavior = UpdateInDatabase
	}
	if d.SchemaChangePolicy.DeleteBehavior == "" {
		d.SchemaChangePolicy.DeleteBehavior = DeprecateInDB
	}
	if d.RecrawlBehavior == "" {
		d.RecrawlBehavior = CrawlEverything
	}
	if err := d.checkEnums(); err != nil {
		return err
	}
	if d.RecrawlBehavior == CrawlNewFoldersOnly &&
		(d.SchemaChangePolicy.UpdateBehavior != BehaviorLog || d.SchemaChangePolicy.DeleteBehavior != BehaviorLog) {
		return invalidInput(`The SchemaChangePolicy for "Crawl new folders only" Amazon S3 target can have only LOG DeleteBehavior value and LOG UpdateBehavior value.`)
	}
	if err := d.checkTargets(); err != nil {
		return err
	}
	if d.Schedule != "" {
		if _, err := ParseSchedule(d.Schedule); err != nil {
			return invalidInput("Invalid schedule expression: %v", err)
		}
	}
	if len(d.TablePrefix) > 128 {
		return invalidInput("TablePrefix must be at most 128 characters long.")
	}
	_, err := parseConfig(d.Configuration)
	return err
}

func checkCrawlerName(name string) error {
	switch {
	case name == "":
		return invalidInput("Name is required.")
	case utf8.RuneCountInString(name) > 255:
		return invalidInput("Crawler name must be at most 255 characters long.")
	case strings.ContainsAny(name, "\r\n"):
		return invalidInput("Crawler name must be a single line.")
	}
	return nil
}

func (d *Definition) checkEnums() error {
	p := d.SchemaChangePolicy
	if !slices.Contains([]string{UpdateInDatabase, BehaviorLog}, p.UpdateBehavior) {
		return invalidInput("Invalid UpdateBehavior %s: must be one of LOG, UPDATE_IN_DATABASE.", p.UpdateBehavior)
	}
	if !slices.Contains([]string{BehaviorLog, DeleteFromDatabase, DeprecateInDB}, p.DeleteBehavior) {
		return invalidInput("Invalid DeleteBehavior %s: must be one of LOG, DELETE_FROM_DATABASE, DEPRECATE_IN_DATABASE.", p.DeleteBehavior)
	}
	if d.RecrawlBehavior != CrawlEverything && d.RecrawlBehavior != CrawlNewFoldersOnly {
		return invalidInput("Invalid RecrawlBehavior %s: must be one of CRAWL_EVERYTHING, CRAWL_NEW_FOLDERS_ONLY.", d.RecrawlBehavior)
	}
	return nil
}

func (d *Definition) checkTargets() error {
	if len(d.Targets) == 0 {
		return invalidInput("Crawler must have at least one target: Shoal crawls S3Targets.")
	}
	for _, t := range d.Targets {
		if _, err := parseS3Path(t.Path); err != nil {
			return err
		}
		if t.SampleSize < 0 || t.SampleSize > 249 {
			return invalidInput("SampleSize must be between 1 and 249.")
		}
		if _, err := newExcluder(t.Exclusions); err != nil {
			return invalidInput("Invalid exclusion pattern: %v", err)
		}
	}
	return nil
}

// parseS3Path turns an S3 target path into a library Target.
func parseS3Path(p string) (Target, error) {
	u, err := url.Parse(p)
	if err != nil || !strings.EqualFold(u.Scheme, "s3") || u.Host == "" || u.RawQuery != "" {
		return Target{}, invalidInput("Invalid S3 target path %q: it must have the form s3://bucket/prefix.", p)
	}
	return Target{Bucket: u.Host, Path: strings.TrimPrefix(u.Path, "/")}, nil
}

// parseConfig reads the crawler Configuration JSON, accepting only the
// options Shoal implements.
func parseConfig(raw string) (config, error) {
	var c config
	if strings.TrimSpace(raw) == "" {
		return c, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		return c, invalidInput("Crawler configuration not valid: %v", err)
	}
	if err := onlyKeys("Configuration", top, "Version", "CrawlerOutput", "Grouping", "CreatePartitionIndex", "TableThreshold"); err != nil {
		return c, err
	}
	if v, ok := top["Version"]; ok && string(v) != "1.0" && string(v) != "1" {
		return c, invalidInput("Crawler configuration not valid: unsupported Version %s; Version must be 1.0.", v)
	}
	if g, ok := top["Grouping"]; ok && !isNull(g) {
		return c, unsupported("Crawler configuration Grouping (TableGroupingPolicy, TableLevelConfiguration)")
	}
	if v, ok := top["TableThreshold"]; ok {
		if err := json.Unmarshal(v, &c.tableThreshold); err != nil || c.tableThreshold < 1 {
			return c, invalidInput("Crawler configuration not valid: TableThreshold must be a positive integer.")
		}
	}
	if v, ok := top["CreatePartitionIndex"]; ok {
		// Partition indexes speed up GetPartitions in Glue; Shoal's catalog
		// filters partitions without them, so either value gives the same
		// results.
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return c, invalidInput("Crawler configuration not valid: CreatePartitionIndex must be true or false.")
		}
	}
	if out, ok := top["CrawlerOutput"]; ok {
		return c, parseCrawlerOutput(out, &c)
	}
	return c, nil
}

func parseCrawlerOutput(raw json.RawMessage, c *config) error {
	var out struct {
		Partitions, Tables map[string]json.RawMessage
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return invalidInput("Crawler configuration not valid: CrawlerOutput must be an object.")
	}
	if err := onlyKeys("CrawlerOutput", keys, "Partitions", "Tables"); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return invalidInput("Crawler configuration not valid: %v", err)
	}
	if err := onlyKeys("CrawlerOutput.Partitions", out.Partitions, "AddOrUpdateBehavior"); err != nil {
		return err
	}
	if err := onlyKeys("CrawlerOutput.Tables", out.Tables, "AddOrUpdateBehavior"); err != nil {
		return err
	}
	// Partitions always take the table's schema here, which is what
	// InheritFromTable asks for.
	if v, ok := out.Partitions["AddOrUpdateBehavior"]; ok && string(v) != `"InheritFromTable"` {
		return invalidInput("CrawlerOutput.Partitions.AddOrUpdateBehavior must be InheritFromTable.")
	}
	if v, ok := out.Tables["AddOrUpdateBehavior"]; ok {
		if string(v) != `"MergeNewColumns"` {
			return invalidInput("CrawlerOutput.Tables.AddOrUpdateBehavior must be MergeNewColumns.")
		}
		c.mergeNewColumns = true
	}
	return nil
}

// onlyKeys rejects keys outside allowed, with Glue's wording.
func onlyKeys(where string, m map[string]json.RawMessage, allowed ...string) error {
	var bad []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return invalidInput("%s contains unsupported keys: %s.", where, strings.Join(bad, ", "))
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// libraryTargets converts the definition's targets for Crawl.
func (d *Definition) libraryTargets() ([]Target, error) {
	out := make([]Target, 0, len(d.Targets))
	for _, t := range d.Targets {
		lt, err := parseS3Path(t.Path)
		if err != nil {
			return nil, err
		}
		lt.Exclusions = t.Exclusions
		out = append(out, lt)
	}
	return out, nil
}
