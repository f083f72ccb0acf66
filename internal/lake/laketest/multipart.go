package laketest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/lake"
)

func mustPart(t *testing.T, s lake.Store, bucket, key, id string, n int, data []byte) lake.Part {
	t.Helper()
	p, err := s.UploadPart(ctx, bucket, key, id, n, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	if p.ETag != etagOf(data) || p.Size != int64(len(data)) || p.Number != n {
		t.Errorf("UploadPart %d = %+v, want ETag %s size %d", n, p, etagOf(data), len(data))
	}
	return p
}

// multipartETag is S3's ETag of a completed upload.
func multipartETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		sum := md5.Sum(p)
		h.Write(sum[:])
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts))
}

func testMultipart(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	key := "big/../object"
	opts := lake.PutOptions{ContentType: "application/x-parquet", Metadata: map[string]string{"origin": "mpu"}}
	id, err := s.CreateMultipartUpload(ctx, "bkt", key, opts)
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("1"), lake.MinPartSize)
	p2 := bytes.Repeat([]byte("2"), lake.MinPartSize+1)
	p3 := []byte("tail")
	mustPart(t, s, "bkt", key, id, 2, []byte("to be replaced"))
	mustPart(t, s, "bkt", key, id, 3, p3)
	mustPart(t, s, "bkt", key, id, 1, p1)
	e2 := mustPart(t, s, "bkt", key, id, 2, p2).ETag
	parts, err := s.ListParts(ctx, "bkt", key, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 || parts[0].Number != 1 || parts[1].Number != 2 || parts[1].ETag != e2 || parts[2].Size != 4 {
		t.Errorf("ListParts = %+v", parts)
	}
	ups, err := s.ListMultipartUploads(ctx, "bkt")
	if err != nil || len(ups) != 1 || ups[0].Key != key || ups[0].UploadID != id || ups[0].Initiated.IsZero() {
		t.Errorf("ListMultipartUploads = %+v, %v", ups, err)
	}
	// Not visible as an object until completed.
	_, err = s.HeadObject(ctx, "bkt", key)
	wantErr(t, "object before completion", err, lake.ErrNoSuchKey)

	// ETags may be given with or without quotes, as clients do.
	info, err := s.CompleteMultipartUpload(ctx, "bkt", key, id, []lake.CompletedPart{
		{Number: 1, ETag: etagOf(p1)}, {Number: 2, ETag: strings.Trim(e2, `"`)}, {Number: 3, ETag: etagOf(p3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := multipartETag(p1, p2, p3)
	if info.ETag != want || info.Size != int64(len(p1)+len(p2)+len(p3)) {
		t.Errorf("completed = %+v, want ETag %s", info, want)
	}
	got, ginfo := mustGet(t, s, "bkt", key, nil)
	if !bytes.Equal(got, append(append(append([]byte{}, p1...), p2...), p3...)) {
		t.Errorf("assembled object differs (%d bytes)", len(got))
	}
	if ginfo.ETag != want || ginfo.ContentType != "application/x-parquet" || ginfo.Metadata["origin"] != "mpu" {
		t.Errorf("assembled object info = %+v", ginfo)
	}
	ups, _ = s.ListMultipartUploads(ctx, "bkt")
	if len(ups) != 0 {
		t.Errorf("uploads after completion = %+v", ups)
	}
	_, err = s.ListParts(ctx, "bkt", key, id)
	wantErr(t, "ListParts after completion", err, lake.ErrNoSuchUpload)

	// A single part, however small, is a valid upload.
	id2, err := s.CreateMultipartUpload(ctx, "bkt", "small", lake.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mustPart(t, s, "bkt", "small", id2, 7, []byte("only"))
	info, err = s.CompleteMultipartUpload(ctx, "bkt", "small", id2, []lake.CompletedPart{{Number: 7, ETag: etagOf([]byte("only"))}})
	if err != nil || info.ETag != multipartETag([]byte("only")) {
		t.Errorf("single-part upload = %+v, %v", info, err)
	}
}

func testMultipartErrors(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	id, err := s.CreateMultipartUpload(ctx, "bkt", "k", lake.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("small")
	big := bytes.Repeat([]byte("bkt"), lake.MinPartSize)
	mustPart(t, s, "bkt", "k", id, 1, small)
	mustPart(t, s, "bkt", "k", id, 2, small)
	mustPart(t, s, "bkt", "k", id, 3, big)
	for _, n := range []int{0, -1, lake.MaxPartNumber + 1} {
		_, err := s.UploadPart(ctx, "bkt", "k", id, n, strings.NewReader("x"))
		if err == nil {
			t.Errorf("UploadPart number %d accepted", n)
		}
	}
	cases := []struct {
		name  string
		parts []lake.CompletedPart
		want  error
	}{
		{"no parts", nil, lake.ErrInvalidPart},
		{"wrong etag", []lake.CompletedPart{{Number: 1, ETag: etagOf([]byte("other"))}}, lake.ErrInvalidPart},
		{"missing part", []lake.CompletedPart{{Number: 4, ETag: etagOf(small)}}, lake.ErrInvalidPart},
		{"descending", []lake.CompletedPart{{Number: 2, ETag: etagOf(small)}, {Number: 1, ETag: etagOf(small)}}, lake.ErrInvalidPartOrder},
		{"repeated", []lake.CompletedPart{{Number: 1, ETag: etagOf(small)}, {Number: 1, ETag: etagOf(small)}}, lake.ErrInvalidPartOrder},
		{"small non-last part", []lake.CompletedPart{{Number: 1, ETag: etagOf(small)}, {Number: 3, ETag: etagOf(big)}}, lake.ErrEntityTooSmall},
	}
	for _, c := range cases {
		_, err := s.CompleteMultipartUpload(ctx, "bkt", "k", id, c.parts)
		wantErr(t, "complete with "+c.name, err, c.want)
	}
	_, err = s.HeadObject(ctx, "bkt", "k")
	wantErr(t, "object after failed completions", err, lake.ErrNoSuchKey)
	// The upload survives failed completions.
	info, err := s.CompleteMultipartUpload(ctx, "bkt", "k", id, []lake.CompletedPart{{Number: 3, ETag: etagOf(big)}})
	if err != nil || info.Size != int64(len(big)) {
		t.Errorf("complete after failures = %+v, %v", info, err)
	}

	bogus := []string{"nope", "../../etc", "0123456789abcdef0123456789abcdef", ""}
	for _, u := range bogus {
		_, err := s.UploadPart(ctx, "bkt", "k", u, 1, strings.NewReader("x"))
		wantErr(t, fmt.Sprintf("UploadPart to upload %q", u), err, lake.ErrNoSuchUpload)
		_, err = s.ListParts(ctx, "bkt", "k", u)
		wantErr(t, fmt.Sprintf("ListParts of upload %q", u), err, lake.ErrNoSuchUpload)
		_, err = s.CompleteMultipartUpload(ctx, "bkt", "k", u, []lake.CompletedPart{{Number: 1, ETag: etagOf(small)}})
		wantErr(t, fmt.Sprintf("Complete upload %q", u), err, lake.ErrNoSuchUpload)
		wantErr(t, fmt.Sprintf("Abort upload %q", u), s.AbortMultipartUpload(ctx, "bkt", "k", u), lake.ErrNoSuchUpload)
	}
	// An upload id only works with its own key and bucket.
	id2, err := s.CreateMultipartUpload(ctx, "bkt", "mine", lake.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.UploadPart(ctx, "bkt", "other", id2, 1, strings.NewReader("x"))
	wantErr(t, "UploadPart with another key", err, lake.ErrNoSuchUpload)
	mustBucket(t, s, "bkt2")
	_, err = s.ListParts(ctx, "bkt2", "mine", id2)
	wantErr(t, "ListParts in another bucket", err, lake.ErrNoSuchUpload)
	_, err = s.UploadPart(ctx, "nobucket", "mine", id2, 1, strings.NewReader("x"))
	wantErr(t, "UploadPart to a missing bucket", err, lake.ErrNoSuchBucket)
}

func testMultipartAbort(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	mustPut(t, s, "bkt", "k", []byte("existing"))
	ids := map[string]bool{}
	for range 2 {
		id, err := s.CreateMultipartUpload(ctx, "bkt", "k", lake.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	idz, err := s.CreateMultipartUpload(ctx, "bkt", "a-first", lake.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ups, err := s.ListMultipartUploads(ctx, "bkt")
	if err != nil || len(ups) != 3 || ups[0].UploadID != idz || !ids[ups[1].UploadID] || !ids[ups[2].UploadID] {
		t.Fatalf("ListMultipartUploads = %+v, %v", ups, err)
	}
	for id := range ids {
		mustPart(t, s, "bkt", "k", id, 1, []byte("part"))
		if err := s.AbortMultipartUpload(ctx, "bkt", "k", id); err != nil {
			t.Fatal(err)
		}
		_, err := s.UploadPart(ctx, "bkt", "k", id, 2, strings.NewReader("x"))
		wantErr(t, "UploadPart after abort", err, lake.ErrNoSuchUpload)
		wantErr(t, "second abort", s.AbortMultipartUpload(ctx, "bkt", "k", id), lake.ErrNoSuchUpload)
	}
	if got, _ := mustGet(t, s, "bkt", "k", nil); string(got) != "existing" {
		t.Errorf("aborted uploads changed the object: %q", got)
	}
	ups, _ = s.ListMultipartUploads(ctx, "bkt")
	if len(ups) != 1 || ups[0].UploadID != idz {
		t.Errorf("uploads after aborts = %+v", ups)
	}
}
