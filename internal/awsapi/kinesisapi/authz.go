package kinesisapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// Authorization: every operation is the IAM action of the same name
// ("kinesis:PutRecords") on the stream's ARN, except ListStreams, which has
// no resource ("*"). Requests are validated first and authorized before
// any work, as Kinesis does; a stream that does not exist is authorized
// by its would-be ARN, so a caller without access cannot probe for names.

// streamARN builds a stream ARN without formatting (PutRecords' hot path).
func (a *api) streamARN(name string) string { return a.arnPrefix + name }

// resolveFor resolves the stream a request addresses and authorizes
// action on it.
func (a *api) resolveFor(ctx context.Context, action string, t target) (string, error) {
	name, err := a.resolve(t)
	if err != nil {
		return "", err
	}
	return name, a.authorizeStream(ctx, action, name, nil)
}

// authorizeStream authorizes action on the named stream, whose tags are
// its aws:ResourceTag keys.
func (a *api) authorizeStream(ctx context.Context, action, name string, extra map[string][]string) error {
	return awsapi.AuthorizeTagged(ctx, action, a.streamARN(name), extra, func() map[string]string { return a.svc.TagMap(name) })
}

// authorizeIterator authorizes GetRecords on the stream the iterator reads.
func (a *api) authorizeIterator(ctx context.Context, iterator string) error {
	name, err := a.svc.IteratorStream(iterator)
	if err != nil {
		return err
	}
	return a.authorizeStream(ctx, "kinesis:GetRecords", name, nil)
}

func retentionAction(increase bool) string {
	if increase {
		return "kinesis:IncreaseStreamRetentionPeriod"
	}
	return "kinesis:DecreaseStreamRetentionPeriod"
}

// requestTagKeys are the tag condition keys of a request that sets tags:
// aws:RequestTag/<key> for each tag and aws:TagKeys.
func requestTagKeys(tags map[string]string) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	keys := make(map[string][]string, len(tags)+1)
	names := make([]string, 0, len(tags))
	for k, v := range tags {
		keys["aws:RequestTag/"+k] = []string{v}
		names = append(names, k)
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
