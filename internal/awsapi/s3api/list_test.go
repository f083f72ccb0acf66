package s3api_test

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestListObjectsV2(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	var keys []string
	for i := range 23 {
		keys = append(keys, fmt.Sprintf("store-data/store_id=STORE_%d/2025/07/17/%02d/part.parquet", i%3, i))
	}
	keys = append(keys, "error/x", "a-c", "a/b", "top")
	for _, k := range keys {
		f.put(t, "bkt", k, []byte(k))
	}
	sort.Strings(keys)

	// Pagination over more keys than max-keys with the SDK's paginator.
	var got []string
	pages := 0
	p := s3.NewListObjectsV2Paginator(f.s3, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if aws.ToInt32(page.KeyCount) != int32(len(page.Contents)) || len(page.Contents) > 5 {
			t.Errorf("page KeyCount %d with %d contents", aws.ToInt32(page.KeyCount), len(page.Contents))
		}
		for _, o := range page.Contents {
			got = append(got, *o.Key)
			if aws.ToString(o.ETag) != etag([]byte(*o.Key)) || aws.ToInt64(o.Size) != int64(len(*o.Key)) || o.LastModified == nil {
				t.Errorf("listed %+v", o)
			}
		}
	}
	if !slices.Equal(got, keys) || pages != 6 {
		t.Errorf("paginated %d pages:\n got %q\nwant %q", pages, got, keys)
	}

	// Delimiter and prefix.
	out, err := f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if cps := prefixes(out.CommonPrefixes); cps != "a/,error/,store-data/" || objKeys(out.Contents) != "a-c,top" {
		t.Errorf("delimited root: prefixes %s objects %s", cps, objKeys(out.Contents))
	}
	out, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String("store-data/"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if cps := prefixes(out.CommonPrefixes); cps != "store-data/store_id=STORE_0/,store-data/store_id=STORE_1/,store-data/store_id=STORE_2/" {
		t.Errorf("partitions = %s", cps)
	}
	// Common prefixes paginate without repeats.
	var all []string
	var token *string
	for {
		out, err := f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1), ContinuationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, strings.Split(strings.Trim(prefixes(out.CommonPrefixes)+","+objKeys(out.Contents), ","), ",")...)
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		token = out.NextContinuationToken
	}
	if strings.Join(all, ",") != "a-c,a/,error/,store-data/,top" {
		t.Errorf("delimited pagination = %v", all)
	}
	// start-after, fetch-owner.
	out, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), StartAfter: aws.String("store-data/store_id=STORE_2"), FetchOwner: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 8 || out.Contents[0].Owner == nil || len(aws.ToString(out.Contents[0].Owner.ID)) != 64 {
		t.Errorf("start-after: %s", objKeys(out.Contents))
	}
	// A bad continuation token.
	_, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), ContinuationToken: aws.String("!!!")})
	wantCode(t, "bad continuation token", err, "InvalidArgument", 400)
	// max-keys=0.
	out, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(0)})
	if err != nil || len(out.Contents) != 0 {
		t.Errorf("max-keys 0: %v %v", objKeys(out.Contents), err)
	}
}

func TestListEncodingURL(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	key := "dir/odd key+é&<x>"
	f.put(t, "bkt", key, []byte("x"))
	out, err := f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), EncodingType: s3types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 {
		t.Fatalf("contents = %d", len(out.Contents))
	}
	dec, err := url.QueryUnescape(*out.Contents[0].Key)
	if err != nil || dec != key || strings.ContainsAny(*out.Contents[0].Key, " <>&") {
		t.Errorf("encoded key %q decodes to %q (%v)", *out.Contents[0].Key, dec, err)
	}
	// Without encoding the key round-trips through XML escaping.
	out, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil || *out.Contents[0].Key != key {
		t.Errorf("plain key = %q, %v", *out.Contents[0].Key, err)
	}
}

func TestListObjectsV1(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	var keys []string
	for i := range 12 {
		k := fmt.Sprintf("k/%02d", i)
		keys = append(keys, k)
		f.put(t, "bkt", k, []byte("x"))
	}
	var got []string
	var marker *string
	for {
		page, err := f.s3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(5), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			got = append(got, *o.Key)
			if o.Owner == nil {
				t.Errorf("v1 listing without owner")
			}
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		marker = page.NextMarker
	}
	if !slices.Equal(got, keys) {
		t.Errorf("v1 pagination = %q", got)
	}
	out, err := f.s3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("bkt"), Marker: aws.String("k/09")})
	if err != nil || objKeys(out.Contents) != "k/10,k/11" {
		t.Errorf("marker: %s %v", objKeys(out.Contents), err)
	}
}

func objKeys(objs []s3types.Object) string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, *o.Key)
	}
	return strings.Join(ks, ",")
}

func prefixes(cps []s3types.CommonPrefix) string {
	var ps []string
	for _, p := range cps {
		ps = append(ps, *p.Prefix)
	}
	return strings.Join(ps, ",")
}
