// Package laketest is the conformance suite every lake.Store backend runs:
// the same behaviour, errors and edge cases whether the lake is a directory
// tree or an S3-compatible service.
package laketest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/lake"
)

// Run runs the suite. newStore returns an empty store; it is called once per
// subtest, and the store is closed when the subtest ends.
func Run(t *testing.T, newStore func(t *testing.T) lake.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s lake.Store)
	}{
		{"Buckets", testBuckets},
		{"BucketNames", testBucketNames},
		{"DeleteBucket", testDeleteBucket},
		{"PutGet", testPutGet},
		{"MissingBucketOrKey", testMissing},
		{"Keys", testKeys},
		{"InvalidKeys", testInvalidKeys},
		{"KeyConflict", testKeyConflict},
		{"FailedPutIsAtomic", testFailedPut},
		{"ConcurrentPuts", testConcurrentPuts},
		{"Ranges", testRanges},
		{"Delete", testDelete},
		{"Copy", testCopy},
		{"ListOrder", testListOrder},
		{"ListPrefixDelimiter", testListPrefixDelimiter},
		{"ListPagination", testListPagination},
		{"ListDefaultMaxKeys", testListDefaultMaxKeys},
		{"Multipart", testMultipart},
		{"MultipartErrors", testMultipartErrors},
		{"MultipartAbort", testMultipartAbort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() {
				if err := s.Close(context.Background()); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

var ctx = context.Background()

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func mustBucket(t *testing.T, s lake.Store, name string) {
	t.Helper()
	if err := s.CreateBucket(ctx, name); err != nil {
		t.Fatalf("CreateBucket(%q): %v", name, err)
	}
}

func mustPut(t *testing.T, s lake.Store, bucket, key string, data []byte) lake.ObjectInfo {
	t.Helper()
	info, err := s.PutObject(ctx, bucket, key, bytes.NewReader(data), lake.PutOptions{})
	if err != nil {
		t.Fatalf("PutObject(%q, %q): %v", bucket, key, err)
	}
	return info
}

func mustGet(t *testing.T, s lake.Store, bucket, key string, rng *lake.Range) ([]byte, lake.ObjectInfo) {
	t.Helper()
	rc, info, err := s.GetObject(ctx, bucket, key, rng)
	if err != nil {
		t.Fatalf("GetObject(%q, %q): %v", bucket, key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b, info
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

func testBuckets(t *testing.T, s lake.Store) {
	before := time.Now().Add(-2 * time.Second)
	for _, b := range []string{"zeta", "alpha", "mid.dle-1"} {
		mustBucket(t, s, b)
	}
	wantErr(t, "CreateBucket twice", s.CreateBucket(ctx, "alpha"), lake.ErrBucketExists)
	list, err := s.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
		if b.Created.Before(before) || b.Created.After(time.Now().Add(2*time.Second)) {
			t.Errorf("bucket %s created %v, want about now", b.Name, b.Created)
		}
	}
	if got := strings.Join(names, ","); got != "alpha,mid.dle-1,zeta" {
		t.Errorf("ListBuckets = %s", got)
	}
	info, err := s.HeadBucket(ctx, "alpha")
	if err != nil || info.Name != "alpha" || info.Created.IsZero() {
		t.Errorf("HeadBucket = %+v, %v", info, err)
	}
	_, err = s.HeadBucket(ctx, "nope")
	wantErr(t, "HeadBucket missing", err, lake.ErrNoSuchBucket)
}

func testBucketNames(t *testing.T, s lake.Store) {
	bad := []string{"", "ab", strings.Repeat("a", 64), "Upper", "under_score", "-start", "end-", ".start",
		"end.", "two..dots", "192.168.1.1", "xn--punycode", "name-s3alias", "a/b", "..", "../etc", "sp ace",
		"dot.-dash", "sthree-x", "x--ol-s3"}
	for _, b := range bad {
		wantErr(t, fmt.Sprintf("CreateBucket(%q)", b), s.CreateBucket(ctx, b), lake.ErrInvalidBucketName)
	}
	_, err := s.PutObject(ctx, "../x", "k", strings.NewReader("x"), lake.PutOptions{})
	wantErr(t, "PutObject into bucket ../x", err, lake.ErrInvalidBucketName)
	for _, b := range []string{"abc", strings.Repeat("a", 63), "1.2.3", "a-b.c-d", "192.168.1.1a"} {
		if err := s.CreateBucket(ctx, b); err != nil {
			t.Errorf("CreateBucket(%q): %v", b, err)
		}
	}
}

func testDeleteBucket(t *testing.T, s lake.Store) {
	wantErr(t, "DeleteBucket missing", s.DeleteBucket(ctx, "nope"), lake.ErrNoSuchBucket)
	mustBucket(t, s, "full")
	mustPut(t, s, "full", "dir/obj", []byte("x"))
	wantErr(t, "DeleteBucket non-empty", s.DeleteBucket(ctx, "full"), lake.ErrBucketNotEmpty)
	if err := s.DeleteObject(ctx, "full", "dir/obj"); err != nil {
		t.Fatal(err)
	}
	// Incomplete uploads do not keep a bucket alive; they go with it.
	if _, err := s.CreateMultipartUpload(ctx, "full", "up", lake.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBucket(ctx, "full"); err != nil {
		t.Fatalf("DeleteBucket emptied: %v", err)
	}
	_, err := s.HeadBucket(ctx, "full")
	wantErr(t, "HeadBucket deleted", err, lake.ErrNoSuchBucket)
	mustBucket(t, s, "full")
	ups, err := s.ListMultipartUploads(ctx, "full")
	if err != nil || len(ups) != 0 {
		t.Errorf("uploads of a re-created bucket = %v, %v; want none", ups, err)
	}
	res, err := s.ListObjects(ctx, "full", lake.ListOptions{})
	if err != nil || len(res.Objects) != 0 {
		t.Errorf("objects of a re-created bucket = %v, %v; want none", res.Objects, err)
	}
}

func testPutGet(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	data := []byte("hello, lake")
	opts := lake.PutOptions{
		ContentType: "text/plain",
		Metadata:    map[string]string{"owner": "store-3", "note": "Sữa tươi"},
		Headers:     map[string]string{"Cache-Control": "no-cache", "Content-Disposition": "inline"},
	}
	info, err := s.PutObject(ctx, "bkt", "greeting.txt", bytes.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	if info.ETag != etagOf(data) || info.Size != int64(len(data)) || info.Key != "greeting.txt" {
		t.Errorf("PutObject = %+v, want ETag %s size %d", info, etagOf(data), len(data))
	}
	if time.Since(info.LastModified) > time.Minute || info.LastModified.Location() != time.UTC {
		t.Errorf("LastModified = %v, want now in UTC", info.LastModified)
	}
	got, ginfo := mustGet(t, s, "bkt", "greeting.txt", nil)
	if !bytes.Equal(got, data) {
		t.Errorf("GetObject = %q", got)
	}
	for _, i := range []lake.ObjectInfo{ginfo, must(s.HeadObject(ctx, "bkt", "greeting.txt"))(t)} {
		if i.ETag != info.ETag || i.Size != info.Size || i.ContentType != "text/plain" ||
			i.Metadata["owner"] != "store-3" || i.Metadata["note"] != "Sữa tươi" ||
			i.Headers["Cache-Control"] != "no-cache" || i.Headers["Content-Disposition"] != "inline" {
			t.Errorf("object info = %+v", i)
		}
	}
	// Overwrite replaces data and metadata.
	data2 := []byte("second")
	mustPut(t, s, "bkt", "greeting.txt", data2)
	got, ginfo = mustGet(t, s, "bkt", "greeting.txt", nil)
	if !bytes.Equal(got, data2) || ginfo.ETag != etagOf(data2) || ginfo.Metadata["owner"] != "" {
		t.Errorf("after overwrite: %q %+v", got, ginfo)
	}
	// Empty object.
	if info := mustPut(t, s, "bkt", "empty", nil); info.ETag != `"d41d8cd98f00b204e9800998ecf8427e"` || info.Size != 0 {
		t.Errorf("empty object = %+v", info)
	}
	if got, _ := mustGet(t, s, "bkt", "empty", nil); len(got) != 0 {
		t.Errorf("empty object read %q", got)
	}
}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func testMissing(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	mustPut(t, s, "bkt", "dir/x", []byte("x"))
	_, _, err := s.GetObject(ctx, "bkt", "nope", nil)
	wantErr(t, "GetObject missing key", err, lake.ErrNoSuchKey)
	_, _, err = s.GetObject(ctx, "bkt", "dir", nil) // a prefix, not an object
	wantErr(t, "GetObject of a prefix", err, lake.ErrNoSuchKey)
	_, _, err = s.GetObject(ctx, "bkt", "dir/x/y", nil)
	wantErr(t, "GetObject below an object", err, lake.ErrNoSuchKey)
	_, err = s.HeadObject(ctx, "bkt", "nope")
	wantErr(t, "HeadObject missing key", err, lake.ErrNoSuchKey)
	_, _, err = s.GetObject(ctx, "nobucket", "x", nil)
	wantErr(t, "GetObject missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.HeadObject(ctx, "nobucket", "x")
	wantErr(t, "HeadObject missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.PutObject(ctx, "nobucket", "x", strings.NewReader("x"), lake.PutOptions{})
	wantErr(t, "PutObject missing bucket", err, lake.ErrNoSuchBucket)
	wantErr(t, "DeleteObject missing bucket", s.DeleteObject(ctx, "nobucket", "x"), lake.ErrNoSuchBucket)
	_, err = s.ListObjects(ctx, "nobucket", lake.ListOptions{})
	wantErr(t, "ListObjects missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.CreateMultipartUpload(ctx, "nobucket", "x", lake.PutOptions{})
	wantErr(t, "CreateMultipartUpload missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.ListMultipartUploads(ctx, "nobucket")
	wantErr(t, "ListMultipartUploads missing bucket", err, lake.ErrNoSuchBucket)
}
