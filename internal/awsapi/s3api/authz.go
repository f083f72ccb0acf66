package s3api

import (
	"errors"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/lake"
)

// S3 resource ARNs have no region or account: arn:aws:s3:::bucket and
// arn:aws:s3:::bucket/key.
func bucketARN(bucket string) string      { return "arn:aws:s3:::" + bucket }
func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// authorize asks whether the caller may run operation o on rq, with the
// IAM action and resource S3 documents for it ("Actions, resources, and
// condition keys for Amazon S3"). DeleteObjects is authorized per key in
// deleteObjects; the copy operations also need s3:GetObject on the source.
// Presigned URLs arrive here as their signer.
func authorize(rq *req, o op) error {
	ctx := rq.r.Context()
	bucket, object := bucketARN(rq.bucket), objectARN(rq.bucket, rq.key)
	switch o.name {
	case opListBuckets.name:
		return awsapi.Authorize(ctx, "s3:ListAllMyBuckets", "*", nil)
	case opLocation.name:
		return awsapi.Authorize(ctx, "s3:GetBucketLocation", bucket, nil)
	case opListUploads.name:
		return awsapi.Authorize(ctx, "s3:ListBucketMultipartUploads", bucket, nil)
	case opListV1.name, opListV2.name:
		return awsapi.Authorize(ctx, "s3:ListBucket", bucket, listConditionKeys(rq))
	case opHeadBucket.name: // HeadBucket is documented as needing s3:ListBucket
		return awsapi.Authorize(ctx, "s3:ListBucket", bucket, nil)
	case opCreateBucket.name:
		return awsapi.Authorize(ctx, "s3:CreateBucket", bucket, nil)
	case opDeleteBucket.name:
		return awsapi.Authorize(ctx, "s3:DeleteBucket", bucket, nil)
	case opDeleteObjects.name:
		return nil
	case opGetObject.name, opHeadObject.name:
		return awsapi.Authorize(ctx, "s3:GetObject", object, nil)
	case opPutObject.name, opCreateUpload.name, opComplete.name:
		return awsapi.Authorize(ctx, "s3:PutObject", object, nil)
	case opCopyObject.name, opUploadPart.name:
		return authorizeWrite(rq, object)
	case opListParts.name:
		return awsapi.Authorize(ctx, "s3:ListMultipartUploadParts", object, nil)
	case opAbort.name:
		return awsapi.Authorize(ctx, "s3:AbortMultipartUpload", object, nil)
	case opDeleteObject.name:
		return awsapi.Authorize(ctx, "s3:DeleteObject", object, nil)
	}
	// Every routed operation is listed above; refuse rather than allow
	// an operation someone adds later without mapping it.
	return awsapi.Authorize(ctx, "s3:"+o.name, object, nil)
}

// authorizeWrite covers PutObject-like writes that may copy: CopyObject and
// UploadPart(Copy) need s3:PutObject on the target and, when copying,
// s3:GetObject on the source.
func authorizeWrite(rq *req, target string) error {
	ctx := rq.r.Context()
	if err := awsapi.Authorize(ctx, "s3:PutObject", target, nil); err != nil {
		return err
	}
	src := rq.r.Header.Get("X-Amz-Copy-Source")
	if src == "" {
		return nil
	}
	bucket, key, err := parseCopySource(src)
	if err != nil {
		return err
	}
	return awsapi.Authorize(ctx, "s3:GetObject", objectARN(bucket, key), nil)
}

// listConditionKeys are ListBucket's condition keys. A request without a
// prefix has s3:prefix "", so policies can allow listing the bucket's top
// level with StringEquals s3:prefix "".
func listConditionKeys(rq *req) map[string][]string {
	keys := map[string][]string{"s3:prefix": {rq.q.Get("prefix")}}
	for _, k := range []string{"delimiter", "max-keys"} {
		if v, ok := rq.q[k]; ok {
			keys["s3:"+k] = v
		}
	}
	return keys
}

// hideMissingKey turns NoSuchKey from GetObject/HeadObject into the denial
// of s3:ListBucket when the caller may not list the bucket: S3 answers 403
// rather than 404 then, so that callers cannot probe which keys exist.
func hideMissingKey(rq *req, o op, err error) error {
	if !errors.Is(err, lake.ErrNoSuchKey) || (o.name != opGetObject.name && o.name != opHeadObject.name) {
		return err
	}
	if denied := awsapi.Authorize(rq.r.Context(), "s3:ListBucket", bucketARN(rq.bucket), listConditionKeys(rq)); denied != nil {
		return denied
	}
	return err
}
