package glueapi

import (
	"encoding/json"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/crawler"
)

// Wire shapes of the crawler operations. Requests carry every field Glue
// defines so that the ones Shoal does not implement are refused by name
// instead of being ignored.

type crawlerFields struct {
	CatalogId                    *string
	Name                         *string
	Role                         *string
	DatabaseName                 *string
	Description                  *string
	Targets                      *crawlerTargets
	Schedule                     *string
	Classifiers                  []string
	TablePrefix                  *string
	SchemaChangePolicy           *schemaChangePolicy
	RecrawlPolicy                *recrawlPolicy
	LineageConfiguration         *lineageConfiguration
	Configuration                *string
	CrawlerSecurityConfiguration *string
	LakeFormationConfiguration   *lakeFormationConfiguration
}

type crawlerTargets struct {
	S3Targets       []s3Target
	JdbcTargets     json.RawMessage
	MongoDBTargets  json.RawMessage
	DynamoDBTargets json.RawMessage
	CatalogTargets  json.RawMessage
	DeltaTargets    json.RawMessage
	IcebergTargets  json.RawMessage
	HudiTargets     json.RawMessage
}

type s3Target struct {
	Path             *string
	Exclusions       []string
	ConnectionName   *string
	SampleSize       *int32
	EventQueueArn    *string
	DlqEventQueueArn *string
}

type schemaChangePolicy struct {
	UpdateBehavior string `json:",omitempty"`
	DeleteBehavior string `json:",omitempty"`
}

type recrawlPolicy struct {
	RecrawlBehavior string `json:",omitempty"`
}

type lineageConfiguration struct {
	CrawlerLineageSettings string
}

type lakeFormationConfiguration struct {
	UseLakeFormationCredentials *bool
	AccountId                   *string
}

// check refuses the fields Shoal does not implement.
func (in *crawlerFields) check() error {
	switch {
	case len(in.Classifiers) > 0:
		return unsupported("Classifiers (custom classifiers; the built-in JSON, CSV and Parquet classifiers always run)")
	case in.LineageConfiguration != nil && in.LineageConfiguration.CrawlerLineageSettings == "ENABLE":
		return unsupported("LineageConfiguration with CrawlerLineageSettings ENABLE")
	case in.CrawlerSecurityConfiguration != nil && *in.CrawlerSecurityConfiguration != "":
		return unsupported("CrawlerSecurityConfiguration")
	case in.LakeFormationConfiguration != nil && (deref(in.LakeFormationConfiguration.AccountId) != "" ||
		(in.LakeFormationConfiguration.UseLakeFormationCredentials != nil && *in.LakeFormationConfiguration.UseLakeFormationCredentials)):
		return unsupported("LakeFormationConfiguration (Lake Formation credentials)")
	}
	if in.Targets != nil {
		return in.Targets.check()
	}
	return nil
}

func (t *crawlerTargets) check() error {
	others := []struct {
		name string
		raw  json.RawMessage
	}{
		{"JdbcTargets", t.JdbcTargets}, {"MongoDBTargets", t.MongoDBTargets}, {"DynamoDBTargets", t.DynamoDBTargets},
		{"CatalogTargets", t.CatalogTargets}, {"DeltaTargets", t.DeltaTargets}, {"IcebergTargets", t.IcebergTargets},
		{"HudiTargets", t.HudiTargets},
	}
	for _, o := range others {
		if present(o.raw) && string(o.raw) != "[]" {
			return awsapi.Errorf(http.StatusBadRequest, "InvalidInputException",
				"%s are not supported by Shoal: crawlers crawl S3Targets only.", o.name)
		}
	}
	for _, s := range t.S3Targets {
		switch {
		case deref(s.ConnectionName) != "":
			return unsupported("S3Target.ConnectionName (VPC connections)")
		case deref(s.EventQueueArn) != "" || deref(s.DlqEventQueueArn) != "":
			return unsupported("S3Target.EventQueueArn (S3 event mode)")
		case s.Path == nil:
			return missing("targets.s3Targets.member.path")
		}
	}
	return nil
}

func (t *crawlerTargets) toService() []crawler.S3Target {
	out := make([]crawler.S3Target, len(t.S3Targets))
	for i, s := range t.S3Targets {
		out[i] = crawler.S3Target{Path: deref(s.Path), Exclusions: s.Exclusions}
		if s.SampleSize != nil {
			out[i].SampleSize = int(*s.SampleSize)
		}
	}
	return out
}

// applyTo copies the fields present in the request onto def.
func (in *crawlerFields) applyTo(def *crawler.Definition) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&def.Role, in.Role)
	set(&def.DatabaseName, in.DatabaseName)
	set(&def.Description, in.Description)
	set(&def.Schedule, in.Schedule)
	set(&def.TablePrefix, in.TablePrefix)
	set(&def.Configuration, in.Configuration)
	if in.Targets != nil {
		def.Targets = in.Targets.toService()
	}
	if p := in.SchemaChangePolicy; p != nil {
		if p.UpdateBehavior != "" {
			def.SchemaChangePolicy.UpdateBehavior = p.UpdateBehavior
		}
		if p.DeleteBehavior != "" {
			def.SchemaChangePolicy.DeleteBehavior = p.DeleteBehavior
		}
	}
	if in.RecrawlPolicy != nil && in.RecrawlPolicy.RecrawlBehavior != "" {
		def.RecrawlBehavior = in.RecrawlPolicy.RecrawlBehavior
	}
}

// Response shapes.

type crawlerOut struct {
	Name                       string
	Role                       string
	Targets                    targetsOut
	DatabaseName               string `json:",omitempty"`
	Description                string `json:",omitempty"`
	Classifiers                []string
	RecrawlPolicy              recrawlPolicy
	SchemaChangePolicy         schemaChangePolicy
	LineageConfiguration       lineageConfiguration
	State                      string
	TablePrefix                string       `json:",omitempty"`
	Schedule                   *scheduleOut `json:",omitempty"`
	CrawlElapsedTime           int64
	CreationTime               awsapi.Timestamp
	LastUpdated                awsapi.Timestamp
	LastCrawl                  *lastCrawlOut `json:",omitempty"`
	Version                    int64
	Configuration              string `json:",omitempty"`
	LakeFormationConfiguration lakeFormationOut
}

type targetsOut struct {
	S3Targets       []s3TargetOut
	JdbcTargets     []struct{}
	MongoDBTargets  []struct{}
	DynamoDBTargets []struct{}
	CatalogTargets  []struct{}
	DeltaTargets    []struct{}
	IcebergTargets  []struct{}
	HudiTargets     []struct{}
}

type s3TargetOut struct {
	Path       string
	Exclusions []string
	SampleSize int `json:",omitempty"`
}

type scheduleOut struct {
	ScheduleExpression string
	State              string
}

type lastCrawlOut struct {
	Status        string
	ErrorMessage  string `json:",omitempty"`
	LogGroup      string
	LogStream     string
	MessagePrefix string
	StartTime     awsapi.Timestamp
}

type lakeFormationOut struct {
	UseLakeFormationCredentials bool
	AccountId                   string
}

func crawlerShape(c *crawler.Crawler) crawlerOut {
	out := crawlerOut{
		Name: c.Name, Role: c.Role, DatabaseName: c.DatabaseName, Description: c.Description,
		Classifiers:          []string{},
		RecrawlPolicy:        recrawlPolicy{RecrawlBehavior: c.RecrawlBehavior},
		SchemaChangePolicy:   schemaChangePolicy{UpdateBehavior: c.SchemaChangePolicy.UpdateBehavior, DeleteBehavior: c.SchemaChangePolicy.DeleteBehavior},
		LineageConfiguration: lineageConfiguration{CrawlerLineageSettings: "DISABLE"},
		State:                c.State, TablePrefix: c.TablePrefix,
		CrawlElapsedTime: c.CrawlElapsed.Milliseconds(),
		CreationTime:     awsapi.Timestamp{Time: c.CreationTime}, LastUpdated: awsapi.Timestamp{Time: c.LastUpdated},
		Version: c.Version, Configuration: c.Configuration,
		Targets: targetsOut{S3Targets: []s3TargetOut{}, JdbcTargets: []struct{}{}, MongoDBTargets: []struct{}{},
			DynamoDBTargets: []struct{}{}, CatalogTargets: []struct{}{}, DeltaTargets: []struct{}{},
			IcebergTargets: []struct{}{}, HudiTargets: []struct{}{}},
	}
	for _, t := range c.Targets {
		ex := t.Exclusions
		if ex == nil {
			ex = []string{}
		}
		out.Targets.S3Targets = append(out.Targets.S3Targets, s3TargetOut{Path: t.Path, Exclusions: ex, SampleSize: t.SampleSize})
	}
	if c.Schedule != "" {
		out.Schedule = &scheduleOut{ScheduleExpression: c.Schedule, State: c.ScheduleState}
	}
	if lc := c.LastCrawl; lc != nil {
		out.LastCrawl = &lastCrawlOut{Status: lc.Status, ErrorMessage: lc.ErrorMessage, LogGroup: lc.LogGroup,
			LogStream: lc.LogStream, MessagePrefix: lc.MessagePrefix, StartTime: awsapi.Timestamp{Time: lc.StartTime}}
	}
	return out
}
