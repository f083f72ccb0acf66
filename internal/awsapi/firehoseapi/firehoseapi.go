// Package firehoseapi adapts the delivery service to the Firehose JSON API
// (Firehose_20150804).
package firehoseapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/delivery"
)

// TargetPrefix is the X-Amz-Target prefix of Firehose.
const TargetPrefix = "Firehose_20150804"

type api struct {
	svc *delivery.Service
	// arnPrefix is the delivery stream ARN up to the name, for authorization.
	arnPrefix string
}

// Register adds the Firehose operations to rt.
func Register(rt *awsapi.Router, svc *delivery.Service) {
	a := &api{svc: svc, arnPrefix: svc.ARN("")}
	rt.HandleJSON(TargetPrefix, map[string]awsapi.JSONOp{
		"CreateDeliveryStream":      a.create,
		"DescribeDeliveryStream":    a.describe,
		"ListDeliveryStreams":       a.list,
		"DeleteDeliveryStream":      a.delete,
		"UpdateDestination":         a.updateDestination,
		"PutRecord":                 a.putRecord,
		"PutRecordBatch":            a.putRecordBatch,
		"TagDeliveryStream":         a.tag,
		"UntagDeliveryStream":       a.untag,
		"ListTagsForDeliveryStream": a.listTags,
	})
}

func required(name, value string) error {
	if value == "" {
		return awsapi.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
	}
	return nil
}

type createInput struct {
	DeliveryStreamName                                 string
	DeliveryStreamType                                 string
	KinesisStreamSourceConfiguration                   *delivery.KinesisSource
	DeliveryStreamEncryptionConfigurationInput         json.RawMessage
	S3DestinationConfiguration                         *delivery.S3Destination
	ExtendedS3DestinationConfiguration                 *delivery.S3Destination
	RedshiftDestinationConfiguration                   json.RawMessage
	ElasticsearchDestinationConfiguration              json.RawMessage
	AmazonopensearchserviceDestinationConfiguration    json.RawMessage
	SplunkDestinationConfiguration                     json.RawMessage
	HttpEndpointDestinationConfiguration               json.RawMessage
	AmazonOpenSearchServerlessDestinationConfiguration json.RawMessage
	MSKSourceConfiguration                             json.RawMessage
	SnowflakeDestinationConfiguration                  json.RawMessage
	IcebergDestinationConfiguration                    json.RawMessage
	DatabaseSourceConfiguration                        json.RawMessage
	DirectPutSourceConfiguration                       json.RawMessage
	Tags                                               []delivery.Tag
}

func (a *api) create(ctx context.Context, call *awsapi.Call) (any, error) {
	var in createInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	var others []string
	for name, raw := range map[string]json.RawMessage{
		"Redshift": in.RedshiftDestinationConfiguration, "Elasticsearch": in.ElasticsearchDestinationConfiguration,
		"AmazonOpenSearchService": in.AmazonopensearchserviceDestinationConfiguration, "Splunk": in.SplunkDestinationConfiguration,
		"HttpEndpoint": in.HttpEndpointDestinationConfiguration, "AmazonOpenSearchServerless": in.AmazonOpenSearchServerlessDestinationConfiguration,
		"Snowflake": in.SnowflakeDestinationConfiguration, "Iceberg": in.IcebergDestinationConfiguration,
	} {
		if len(raw) > 0 && string(raw) != "null" {
			others = append(others, name)
		}
	}
	if len(others) > 0 {
		return nil, &awsapi.Error{Status: 400, Code: "InvalidArgumentException", Message: "Destination type " + others[0] + " is not supported by Shoal; use ExtendedS3DestinationConfiguration (or S3DestinationConfiguration)."}
	}
	if len(in.MSKSourceConfiguration) > 0 || len(in.DatabaseSourceConfiguration) > 0 {
		return nil, &awsapi.Error{Status: 400, Code: "InvalidArgumentException", Message: "MSK and database sources are not supported by Shoal."}
	}
	ci := delivery.CreateInput{Name: in.DeliveryStreamName, Type: in.DeliveryStreamType, Source: in.KinesisStreamSourceConfiguration, Tags: in.Tags}
	switch {
	case in.ExtendedS3DestinationConfiguration != nil && in.S3DestinationConfiguration != nil:
		return nil, &awsapi.Error{Status: 400, Code: "InvalidArgumentException", Message: "Only one destination configuration may be specified."}
	case in.ExtendedS3DestinationConfiguration != nil:
		ci.Destination, ci.Extended = *in.ExtendedS3DestinationConfiguration, true
	case in.S3DestinationConfiguration != nil:
		ci.Destination = *in.S3DestinationConfiguration
	default:
		return nil, &awsapi.Error{Status: 400, Code: "InvalidArgumentException", Message: "Exactly one destination configuration must be specified."}
	}
	if err := a.authorizeCreate(ctx, &in); err != nil {
		return nil, err
	}
	arn, err := a.svc.Create(ctx, ci)
	if err != nil {
		return nil, err
	}
	return map[string]string{"DeliveryStreamARN": arn}, nil
}

type nameInput struct {
	DeliveryStreamName string
	AllowForceDelete   *bool `json:",omitempty"`
}

func (a *api) delete(ctx context.Context, call *awsapi.Call) (any, error) {
	var in nameInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:DeleteDeliveryStream", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	return struct{}{}, a.svc.Delete(ctx, in.DeliveryStreamName)
}

func (a *api) list(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		Limit                            *int
		DeliveryStreamType               string
		ExclusiveStartDeliveryStreamName string
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	limit := 10
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, awsapi.ConstraintViolation(*in.Limit, "limit", "Member must have value between 1 and 10000")
		}
		limit = *in.Limit
	}
	if err := awsapi.Authorize(ctx, "firehose:ListDeliveryStreams", "*", nil); err != nil {
		return nil, err
	}
	names, more := a.svc.List(ctx, in.DeliveryStreamType, in.ExclusiveStartDeliveryStreamName, limit)
	if names == nil {
		names = []string{}
	}
	return map[string]any{"DeliveryStreamNames": names, "HasMoreDeliveryStreams": more}, nil
}

type putRecordInput struct {
	DeliveryStreamName string
	Record             struct{ Data []byte }
}

func (a *api) putRecord(ctx context.Context, call *awsapi.Call) (any, error) {
	var in putRecordInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:PutRecord", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	res, failed, err := a.svc.PutRecords(ctx, in.DeliveryStreamName, [][]byte{in.Record.Data})
	if err != nil {
		return nil, err
	}
	if failed > 0 {
		return nil, &awsapi.Error{Status: http.StatusServiceUnavailable, Code: res[0].ErrorCode, Message: res[0].ErrorMessage}
	}
	return map[string]any{"RecordId": res[0].RecordID, "Encrypted": false}, nil
}

type putBatchInput struct {
	DeliveryStreamName string
	Records            []struct{ Data []byte }
}

type batchEntry struct {
	RecordId     string `json:",omitempty"`
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
}

func (a *api) putRecordBatch(ctx context.Context, call *awsapi.Call) (any, error) {
	var in putBatchInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:PutRecordBatch", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	recs := make([][]byte, len(in.Records))
	for i, r := range in.Records {
		recs[i] = r.Data
	}
	res, failed, err := a.svc.PutRecords(ctx, in.DeliveryStreamName, recs)
	if err != nil {
		return nil, err
	}
	out := make([]batchEntry, len(res))
	for i, r := range res {
		out[i] = batchEntry{RecordId: r.RecordID, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage}
	}
	return map[string]any{"FailedPutCount": failed, "Encrypted": false, "RequestResponses": out}, nil
}

func (a *api) tag(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		DeliveryStreamName string
		Tags               []delivery.Tag
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:TagDeliveryStream", in.DeliveryStreamName, requestTagKeys(in.Tags)); err != nil {
		return nil, err
	}
	return struct{}{}, a.svc.Tag(ctx, in.DeliveryStreamName, in.Tags)
}

func (a *api) untag(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		DeliveryStreamName string
		TagKeys            []string
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:UntagDeliveryStream", in.DeliveryStreamName, tagKeysOnly(in.TagKeys)); err != nil {
		return nil, err
	}
	return struct{}{}, a.svc.Untag(ctx, in.DeliveryStreamName, in.TagKeys)
}

func (a *api) listTags(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		DeliveryStreamName   string
		ExclusiveStartTagKey string
		Limit                *int
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:ListTagsForDeliveryStream", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	cfg, err := a.svc.Describe(ctx, in.DeliveryStreamName)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	tags := []delivery.Tag{}
	started := in.ExclusiveStartTagKey == ""
	more := false
	for _, t := range cfg.Tags {
		if !started {
			started = t.Key == in.ExclusiveStartTagKey
			continue
		}
		if len(tags) == limit {
			more = true
			break
		}
		tags = append(tags, t)
	}
	return map[string]any{"Tags": tags, "HasMoreTags": more}, nil
}

func (a *api) describe(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		DeliveryStreamName          string
		Limit                       *int
		ExclusiveStartDestinationId string
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if err := required("deliveryStreamName", in.DeliveryStreamName); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "firehose:DescribeDeliveryStream", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	cfg, err := a.svc.Describe(ctx, in.DeliveryStreamName)
	if err != nil {
		return nil, err
	}
	d := cfg.Destination
	s3 := map[string]any{"RoleARN": d.RoleARN, "BucketARN": d.BucketARN, "Prefix": d.Prefix, "ErrorOutputPrefix": d.ErrorOutputPrefix,
		"BufferingHints": d.BufferingHints, "CompressionFormat": orDefault(d.CompressionFormat, "UNCOMPRESSED"),
		"EncryptionConfiguration": json.RawMessage(`{"NoEncryptionConfig":"NoEncryption"}`)}
	if s3["BufferingHints"] == (*delivery.BufferingHints)(nil) {
		five, three := delivery.DefaultSizeMB, delivery.DefaultIntervalSec
		s3["BufferingHints"] = delivery.BufferingHints{SizeInMBs: &five, IntervalInSeconds: &three}
	}
	ext := map[string]any{}
	b, _ := json.Marshal(d)
	_ = json.Unmarshal(b, &ext)
	delete(ext, "S3BackupConfiguration")
	delete(ext, "S3BackupUpdate")
	for k, v := range s3 {
		if k != "Prefix" && k != "ErrorOutputPrefix" {
			ext[k] = v
		}
	}
	ext["S3BackupMode"] = orDefault(d.S3BackupMode, "Disabled")
	desc := map[string]any{
		"DeliveryStreamName":                    cfg.Name,
		"DeliveryStreamARN":                     a.svc.ARN(cfg.Name),
		"DeliveryStreamStatus":                  cfg.Status,
		"DeliveryStreamType":                    cfg.Type,
		"VersionId":                             strconv.Itoa(cfg.Version),
		"CreateTimestamp":                       awsapi.Timestamp{Time: cfg.Created},
		"LastUpdateTimestamp":                   awsapi.Timestamp{Time: cfg.Updated},
		"DeliveryStreamEncryptionConfiguration": map[string]string{"Status": "DISABLED"},
		"Destinations": []any{map[string]any{
			"DestinationId":                    "destinationId-000000000001",
			"S3DestinationDescription":         s3,
			"ExtendedS3DestinationDescription": ext,
		}},
		"HasMoreDestinations": false,
	}
	if cfg.Failure != nil { // delivery paused: the role lacks a permission
		desc["FailureDescription"] = cfg.Failure
	}
	if cfg.Source != nil {
		desc["Source"] = map[string]any{"KinesisStreamSourceDescription": map[string]any{
			"KinesisStreamARN": cfg.Source.KinesisStreamARN, "RoleARN": cfg.Source.RoleARN,
			"DeliveryStartTimestamp": awsapi.Timestamp{Time: cfg.SourceStarted},
		}}
	}
	return map[string]any{"DeliveryStreamDescription": desc}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (a *api) updateDestination(ctx context.Context, call *awsapi.Call) (any, error) {
	var in struct {
		DeliveryStreamName                          string
		CurrentDeliveryStreamVersionId              string
		DestinationId                               string
		S3DestinationUpdate                         *delivery.S3Destination
		ExtendedS3DestinationUpdate                 *delivery.S3Destination
		RedshiftDestinationUpdate                   json.RawMessage
		ElasticsearchDestinationUpdate              json.RawMessage
		AmazonopensearchserviceDestinationUpdate    json.RawMessage
		SplunkDestinationUpdate                     json.RawMessage
		HttpEndpointDestinationUpdate               json.RawMessage
		AmazonOpenSearchServerlessDestinationUpdate json.RawMessage
		SnowflakeDestinationUpdate                  json.RawMessage
		IcebergDestinationUpdate                    json.RawMessage
	}
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"deliveryStreamName", in.DeliveryStreamName}, {"currentDeliveryStreamVersionId", in.CurrentDeliveryStreamVersionId}, {"destinationId", in.DestinationId}} {
		if err := required(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	upd := in.ExtendedS3DestinationUpdate
	if upd == nil {
		upd = in.S3DestinationUpdate
	}
	if upd == nil {
		return nil, &awsapi.Error{Status: 400, Code: "InvalidArgumentException", Message: "Only ExtendedS3DestinationUpdate and S3DestinationUpdate are supported by Shoal."}
	}
	if err := a.authorize(ctx, "firehose:UpdateDestination", in.DeliveryStreamName, nil); err != nil {
		return nil, err
	}
	err := a.svc.UpdateDestination(ctx, in.DeliveryStreamName, in.CurrentDeliveryStreamVersionId, in.DestinationId, func(d *delivery.S3Destination) error {
		return delivery.Merge(d, upd)
	})
	return struct{}{}, err
}
