package kinesisapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

func (a *api) now() time.Time { return a.svc.Now() }

// listToken is a pagination token: opaque to clients, it carries where the
// next page starts and when it was issued (ListShards tokens expire).
type listToken struct {
	Stream string `json:"s,omitempty"`
	After  string `json:"a,omitempty"`
	Filter string `json:"f,omitempty"`
	// FilterTime is a timestamp filter's time (unix ms).
	FilterTime int64 `json:"ft,omitempty"`
	Issued     int64 `json:"t"`
}

func encodeToken(t listToken, now time.Time) string {
	t.Issued = now.UnixMilli()
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string, now time.Time) (listToken, error) {
	var t listToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &t) != nil || t.Issued == 0 {
		return t, awsapi.Errorf(400, "InvalidArgumentException", "Invalid NextToken.")
	}
	return t, nil
}

func (a *api) listShards(ctx context.Context, call *awsapi.Call) (any, error) {
	var in ListShardsInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.intRange(in.MaxResults, "maxResults", 1, 10000)
		v.str(in.NextToken, "nextToken", 1, 1048576, nil, "")
		v.str(in.ExclusiveStartShardId, "exclusiveStartShardId", 1, 128, nameRE, namePattern)
		if f := in.ShardFilter; f != nil {
			switch f.Type {
			case "AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP":
			default:
				v.add(f.Type, "shardFilter.type", "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]")
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if err := checkCommon(in.target, nil); err != nil {
		return nil, err
	}
	after := in.ExclusiveStartShardId
	t := in.target
	var filter *ShardFilter
	var prev listToken // the token this page continues, if any
	if in.NextToken != "" {
		if in.StreamName != "" || in.StreamARN != "" || in.ExclusiveStartShardId != "" || in.ShardFilter != nil || in.StreamCreationTimestamp != nil {
			return nil, awsapi.Errorf(400, "InvalidArgumentException", "NextToken and StreamName (or StreamARN, ExclusiveStartShardId, ShardFilter, StreamCreationTimestamp) cannot be provided together.")
		}
		tok, err := decodeToken(in.NextToken, a.now())
		if err != nil {
			return nil, err
		}
		if age := a.now().Sub(time.UnixMilli(tok.Issued)); age > a.svc.TokenTTL() {
			return nil, awsapi.Errorf(400, "ExpiredNextTokenException", "The NextToken has expired. Tokens are valid for %d seconds.", int(a.svc.TokenTTL().Seconds()))
		}
		t, after, prev = target{StreamName: tok.Stream}, tok.After, tok
	} else if f := in.ShardFilter; f != nil {
		var err error
		if after, err = checkShardFilter(f, after); err != nil {
			return nil, err
		}
		filter = f
	}
	d, err := a.describe(ctx, "kinesis:ListShards", t)
	if err != nil {
		return nil, err
	}
	if ts := in.StreamCreationTimestamp; ts != nil && !ts.Time.Truncate(time.Second).Equal(d.Created.Truncate(time.Second)) {
		return nil, awsapi.Errorf(400, "ResourceNotFoundException", "Stream %s under account %s with creation timestamp %s not found.", d.Name, a.svc.AccountID(), ts.Time.UTC().Format(time.RFC3339))
	}
	limit := 1000
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	if prev.Filter != "" {
		filter = &ShardFilter{Type: prev.Filter}
		if prev.FilterTime != 0 {
			filter.Timestamp = &awsapi.Timestamp{Time: time.UnixMilli(prev.FilterTime)}
		}
	}
	shards := a.filterShards(&d, filter)
	if after != "" {
		i := sort.Search(len(shards), func(i int) bool { return shards[i].ID > after })
		shards = shards[i:]
	}
	out := &ListShardsOutput{}
	if len(shards) > limit {
		shards = shards[:limit]
		next := listToken{Stream: d.Name, After: shards[limit-1].ID}
		if filter != nil {
			next.Filter = filter.Type
			if filter.Timestamp != nil {
				next.FilterTime = filter.Timestamp.Time.UnixMilli()
			}
		}
		out.NextToken = encodeToken(next, a.now())
	}
	out.Shards = wireShards(shards)
	return out, nil
}

func (a *api) tagTarget(ctx context.Context, action string, extra map[string][]string, t target, resourceARN, streamID string) (string, error) {
	if streamID != "" {
		return "", unsupported("StreamId", "address streams by StreamARN")
	}
	if resourceARN != "" {
		t = target{StreamARN: resourceARN}
	}
	name, err := a.resolve(t)
	if err != nil {
		return "", err
	}
	return name, a.authorizeStream(ctx, action, name, extra)
}

func (a *api) addTagsToStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in AddTagsToStreamInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		if in.Tags == nil {
			v.add(nil, "tags", mustNotBeNull)
		} else if len(in.Tags) < 1 || len(in.Tags) > 10 {
			v.add("{...}", "tags", "Member must have length less than or equal to 10")
		}
		v.tagMap(in.Tags, "tags")
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:AddTagsToStream", requestTagKeys(in.Tags), in.target, "", in.StreamId)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.AddTags(ctx, name, in.Tags)
}

func (a *api) removeTagsFromStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in RemoveTagsFromStreamInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		if in.TagKeys == nil {
			v.add(nil, "tagKeys", mustNotBeNull)
		} else if len(in.TagKeys) < 1 || len(in.TagKeys) > 50 {
			v.add(in.TagKeys, "tagKeys", "Member must have length less than or equal to 50")
		}
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:RemoveTagsFromStream", tagKeysOnly(in.TagKeys), in.target, "", in.StreamId)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.RemoveTags(ctx, name, in.TagKeys)
}

func (a *api) listTagsForStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in ListTagsForStreamInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.intRange(in.Limit, "limit", 1, 50)
		v.str(in.ExclusiveStartTagKey, "exclusiveStartTagKey", 1, 128, nil, "")
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:ListTagsForStream", nil, in.target, "", in.StreamId)
	if err != nil {
		return nil, err
	}
	tags, err := a.svc.Tags(ctx, name)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := &ListTagsForStreamOutput{Tags: []Tag{}}
	for _, t := range tags {
		if t.Key <= in.ExclusiveStartTagKey {
			continue
		}
		if len(out.Tags) == limit {
			out.HasMoreTags = true
			break
		}
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func (a *api) tagResource(ctx context.Context, call *awsapi.Call) (any, error) {
	var in TagResourceInput
	err := decode(call, &in, func(v *violations) {
		if in.ResourceARN == "" {
			v.add(nil, "resourceARN", mustNotBeNull)
		}
		if in.Tags == nil {
			v.add(nil, "tags", mustNotBeNull)
		}
		v.tagMap(in.Tags, "tags")
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:TagResource", requestTagKeys(in.Tags), target{}, in.ResourceARN, in.StreamId)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.AddTags(ctx, name, in.Tags)
}

func (a *api) untagResource(ctx context.Context, call *awsapi.Call) (any, error) {
	var in UntagResourceInput
	err := decode(call, &in, func(v *violations) {
		if in.ResourceARN == "" {
			v.add(nil, "resourceARN", mustNotBeNull)
		}
		if in.TagKeys == nil {
			v.add(nil, "tagKeys", mustNotBeNull)
		}
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:UntagResource", tagKeysOnly(in.TagKeys), target{}, in.ResourceARN, in.StreamId)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.RemoveTags(ctx, name, in.TagKeys)
}

func (a *api) listTagsForResource(ctx context.Context, call *awsapi.Call) (any, error) {
	var in ListTagsForResourceInput
	err := decode(call, &in, func(v *violations) {
		if in.ResourceARN == "" {
			v.add(nil, "resourceARN", mustNotBeNull)
		}
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, "kinesis:ListTagsForResource", nil, target{}, in.ResourceARN, in.StreamId)
	if err != nil {
		return nil, err
	}
	tags, err := a.svc.Tags(ctx, name)
	if err != nil {
		return nil, err
	}
	out := &ListTagsForResourceOutput{Tags: make([]Tag, len(tags))}
	for i, t := range tags {
		out.Tags[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

func (a *api) retention(ctx context.Context, call *awsapi.Call, increase bool) (any, error) {
	var in RetentionInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		if in.RetentionPeriodHours == nil {
			v.add(nil, "retentionPeriodHours", mustNotBeNull)
		}
		v.intRange(in.RetentionPeriodHours, "retentionPeriodHours", 1, 1<<31-1)
	})
	if err != nil {
		return nil, err
	}
	name, err := a.tagTarget(ctx, retentionAction(increase), nil, in.target, "", in.StreamId)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.SetRetention(ctx, name, int(*in.RetentionPeriodHours), increase)
}

func (a *api) increaseRetention(ctx context.Context, call *awsapi.Call) (any, error) {
	return a.retention(ctx, call, true)
}

func (a *api) decreaseRetention(ctx context.Context, call *awsapi.Call) (any, error) {
	return a.retention(ctx, call, false)
}

// filterShards applies a ShardFilter (nil: none) to d's shards.
func (a *api) filterShards(d *stream.Description, f *ShardFilter) []stream.Shard {
	if f == nil {
		return d.Shards
	}
	var ts time.Time
	if f.Timestamp != nil {
		ts = f.Timestamp.Time
	}
	return d.FilterShards(f.Type, ts, a.now())
}

// checkShardFilter validates a ShardFilter and returns the shard id the
// listing starts after.
func checkShardFilter(f *ShardFilter, after string) (string, error) {
	switch f.Type {
	case stream.FilterAfterShardID:
		if f.ShardId == "" {
			return "", awsapi.Errorf(400, "InvalidArgumentException", "ShardId must be specified for ShardFilter type AFTER_SHARD_ID.")
		}
		if f.ShardId > after {
			after = f.ShardId
		}
	case stream.FilterAtTimestamp, stream.FilterFromTimestamp:
		if f.Timestamp == nil {
			return "", awsapi.Errorf(400, "InvalidArgumentException", "Timestamp must be specified for ShardFilter type %s.", f.Type)
		}
	}
	if f.ShardId != "" && f.Type != stream.FilterAfterShardID {
		return "", awsapi.Errorf(400, "InvalidArgumentException", "ShardId can only be specified for ShardFilter type AFTER_SHARD_ID.")
	}
	if f.Timestamp != nil && f.Type != stream.FilterAtTimestamp && f.Type != stream.FilterFromTimestamp {
		return "", awsapi.Errorf(400, "InvalidArgumentException", "Timestamp can only be specified for ShardFilter types AT_TIMESTAMP and FROM_TIMESTAMP.")
	}
	return after, nil
}
