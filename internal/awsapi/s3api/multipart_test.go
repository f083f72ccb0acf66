package s3api_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func multipartETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		s := md5.Sum(p)
		h.Write(s[:])
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts))
}

func TestManagerUpload(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	data := randomBytes(9<<20 + 12345) // > 8 MiB: two parts of 5 MiB
	for name, client := range map[string]*s3.Client{"http": f.s3, "tls": f.tlsClient(t)} {
		key := "mpu/" + name + ".bin"
		up := manager.NewUploader(client, func(u *manager.Uploader) { u.PartSize = 5 << 20 })
		out, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), Body: bytes.NewReader(data),
			ContentType: aws.String("application/octet-stream"), Metadata: map[string]string{"via": "manager"}})
		if err != nil {
			t.Fatalf("%s upload: %v", name, err)
		}
		want := multipartETag(data[:5<<20], data[5<<20:])
		if aws.ToString(out.ETag) != want || out.UploadID == "" {
			t.Errorf("%s upload ETag %s, want %s", name, aws.ToString(out.ETag), want)
		}
		got, gout := f.get(t, "bkt", key)
		if !bytes.Equal(got, data) || aws.ToString(gout.ETag) != want || gout.Metadata["via"] != "manager" {
			t.Errorf("%s: read %d bytes, ETag %s, metadata %v", name, len(got), aws.ToString(gout.ETag), gout.Metadata)
		}
	}
	ups, err := f.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("bkt")})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("uploads left = %+v, %v", ups.Uploads, err)
	}
}

func TestMultipartOperations(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	b, k := aws.String("bkt"), aws.String("big/obj")
	cr, err := f.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k, ContentType: aws.String("text/plain")})
	if err != nil {
		t.Fatal(err)
	}
	id := cr.UploadId
	p1, p2 := bytes.Repeat([]byte("a"), 5<<20), []byte("tail")
	var etags []string
	for i, p := range [][]byte{p1, p2} {
		out, err := f.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: id, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ETag) != etag(p) {
			t.Errorf("part %d ETag %s", i+1, aws.ToString(out.ETag))
		}
		etags = append(etags, aws.ToString(out.ETag))
	}
	lp, err := f.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: id})
	if err != nil || len(lp.Parts) != 2 || aws.ToInt64(lp.Parts[0].Size) != 5<<20 || aws.ToString(lp.Parts[1].ETag) != etags[1] {
		t.Fatalf("ListParts = %+v, %v", lp, err)
	}
	lp, err = f.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: id, MaxParts: aws.Int32(1)})
	if err != nil || len(lp.Parts) != 1 || !aws.ToBool(lp.IsTruncated) || aws.ToString(lp.NextPartNumberMarker) != "1" {
		t.Errorf("ListParts page = %+v, %v", lp, err)
	}
	lu, err := f.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})
	if err != nil || len(lu.Uploads) != 1 || aws.ToString(lu.Uploads[0].UploadId) != aws.ToString(id) || aws.ToString(lu.Uploads[0].Key) != "big/obj" {
		t.Errorf("ListMultipartUploads = %+v, %v", lu, err)
	}
	complete := func(parts ...s3types.CompletedPart) error {
		_, err := f.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: id,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
		return err
	}
	part := func(n int32, e string) s3types.CompletedPart {
		return s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: aws.String(e)}
	}
	wantCode(t, "wrong part ETag", complete(part(1, etags[0]), part(2, etag([]byte("x")))), "InvalidPart", 400)
	wantCode(t, "missing part", complete(part(1, etags[0]), part(3, etags[1])), "InvalidPart", 400)
	wantCode(t, "part order", complete(part(2, etags[1]), part(1, etags[0])), "InvalidPartOrder", 400)
	wantCode(t, "no parts", complete(), "MalformedXML", 400)

	// A small part that is not last is too small.
	small, err := f.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("small")})
	if err != nil {
		t.Fatal(err)
	}
	for n := int32(1); n <= 2; n++ {
		if _, err := f.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("small"), UploadId: small.UploadId, PartNumber: aws.Int32(n), Body: strings.NewReader("tiny")}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{part(1, etag([]byte("tiny"))), part(2, etag([]byte("tiny")))}}})
	wantCode(t, "small part", err, "EntityTooSmall", 400)

	if err := complete(part(1, etags[0]), part(2, etags[1])); err != nil {
		t.Fatalf("complete: %v", err)
	}
	got, gout := f.get(t, "bkt", "big/obj")
	if !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) || aws.ToString(gout.ETag) != multipartETag(p1, p2) || aws.ToString(gout.ContentType) != "text/plain" {
		t.Errorf("completed object: %d bytes, ETag %s, type %s", len(got), aws.ToString(gout.ETag), aws.ToString(gout.ContentType))
	}
	_, err = f.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: id})
	wantCode(t, "ListParts after complete", err, "NoSuchUpload", 404)

	// Abort.
	if _, err := f.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small.UploadId}); err != nil {
		t.Errorf("abort: %v", err)
	}
	_, err = f.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small.UploadId})
	wantCode(t, "abort twice", err, "NoSuchUpload", 404)
	_, err = f.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: aws.String("../../etc"), PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
	wantCode(t, "bogus upload id", err, "NoSuchUpload", 404)
	_, err = f.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: small.UploadId, PartNumber: aws.Int32(10001), Body: strings.NewReader("x")})
	wantCode(t, "part number 10001", err, "InvalidArgument", 400)
}

func TestUploadPartCopy(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	src := randomBytes(6 << 20)
	f.put(t, "bkt", "src", src)
	b, k := aws.String("bkt"), aws.String("dst")
	cr, err := f.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
	if err != nil {
		t.Fatal(err)
	}
	c1, err := f.s3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: k, UploadId: cr.UploadId, PartNumber: aws.Int32(1),
		CopySource: aws.String("bkt/src"), CopySourceRange: aws.String("bytes=0-5242879")})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := f.s3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: k, UploadId: cr.UploadId, PartNumber: aws.Int32(2),
		CopySource: aws.String("bkt/src"), CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", 5<<20, len(src)-1))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: cr.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: c1.CopyPartResult.ETag}, {PartNumber: aws.Int32(2), ETag: c2.CopyPartResult.ETag}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.get(t, "bkt", "dst"); !bytes.Equal(got, src) {
		t.Errorf("copied parts differ")
	}
}
