package firehoseapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/delivery"
)

// Authorization: each operation is the IAM action of the same name
// ("firehose:PutRecordBatch") on the delivery stream's ARN, except
// ListDeliveryStreams, which has no resource ("*"). Requests are validated
// first and authorized before any work, as Firehose does.

// authorize asks whether the caller may perform action on the delivery
// stream name; extra adds condition keys (request tags), and the stream's
// own tags are its aws:ResourceTag keys.
func (a *api) authorize(ctx context.Context, action, name string, extra map[string][]string) error {
	return awsapi.AuthorizeTagged(ctx, action, a.arnPrefix+name, extra, func() map[string]string { return a.svc.TagMap(name) })
}

// authorizeCreate covers CreateDeliveryStream: the stream itself, and
// passing the source's role to Firehose (iam:PassRole on the RoleARN with
// iam:PassedToService), as AWS requires of a Kinesis-source stream.
func (a *api) authorizeCreate(ctx context.Context, in *createInput) error {
	if err := a.authorize(ctx, "firehose:CreateDeliveryStream", in.DeliveryStreamName, requestTagKeys(in.Tags)); err != nil {
		return err
	}
	if src := in.KinesisStreamSourceConfiguration; src != nil && src.RoleARN != "" {
		passed := map[string][]string{"iam:PassedToService": {"firehose.amazonaws.com"}}
		return awsapi.Authorize(ctx, "iam:PassRole", src.RoleARN, passed)
	}
	return nil
}

// requestTagKeys are aws:RequestTag/<key> for each tag set and aws:TagKeys.
func requestTagKeys(tags []delivery.Tag) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	keys := make(map[string][]string, len(tags)+1)
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		keys["aws:RequestTag/"+t.Key] = []string{v}
		names = append(names, t.Key)
	}
	keys["aws:TagKeys"] = names
	return keys
}

// tagKeysOnly is aws:TagKeys of a request that removes tags.
func tagKeysOnly(names []string) map[string][]string {
	if len(names) == 0 {
		return nil
	}
	return map[string][]string{"aws:TagKeys": names}
}
