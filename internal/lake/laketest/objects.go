package laketest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/shoal-dev/shoal/internal/lake"
)

// trickyKeys are keys that look like paths escaping their bucket, or that a
// naive key-to-path mapping would confuse. They must all be ordinary keys.
var trickyKeys = []string{
	"../x", "a/../../x", "/abs", "./dot", "d/./e", "%", "%2E", "%2E%2E", "%25",
	"p/%/q", "f//g", "trailing/", "h/", "/", "...", ".hidden", "sp ace/ü/日本語", "q?x=1#frag",
	"back\\slash", "tab\tkey", "new\nline", "semi;colon", "a+b", "~tilde",
}

func testKeys(t *testing.T, s lake.Store) {
	// Kept apart from trickyKeys: in a hierarchical backend ".." (an object)
	// and "../x" (below a prefix) conflict.
	mustBucket(t, s, "keys2")
	for _, k := range []string{"..", ".", "//", "/../.."} {
		mustPut(t, s, "keys2", k, []byte(k))
	}
	for _, k := range []string{"..", ".", "//", "/../.."} {
		if got, _ := mustGet(t, s, "keys2", k, nil); string(got) != k {
			t.Errorf("key %q read back %q", k, got)
		}
	}
	mustBucket(t, s, "keys")
	mustBucket(t, s, "other")
	mustPut(t, s, "other", "x", []byte("must stay"))
	for i, k := range trickyKeys {
		mustPut(t, s, "keys", k, []byte(fmt.Sprintf("value %d", i)))
	}
	long := strings.Repeat(strings.Repeat("k", 200)+"/", 5) + strings.Repeat("z", 19) // 1024 bytes
	mustPut(t, s, "keys", long, []byte("long"))
	for i, k := range trickyKeys {
		got, info := mustGet(t, s, "keys", k, nil)
		if string(got) != fmt.Sprintf("value %d", i) || info.Key != k {
			t.Errorf("key %q read back %q (info key %q)", k, got, info.Key)
		}
	}
	if got, _ := mustGet(t, s, "other", "x", nil); string(got) != "must stay" {
		t.Errorf("other bucket's object changed: %q", got)
	}
	res, err := s.ListObjects(ctx, "keys", lake.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string{}, trickyKeys...), long)
	assertKeys(t, "ListObjects of tricky keys", keysOf(res), sorted(want))
	for _, k := range want {
		if err := s.DeleteObject(ctx, "keys", k); err != nil {
			t.Errorf("DeleteObject(%q): %v", k, err)
		}
	}
	if err := s.DeleteBucket(ctx, "keys"); err != nil {
		t.Errorf("DeleteBucket after deleting every key: %v", err)
	}
}

func testInvalidKeys(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	cases := []struct {
		key  string
		want error
	}{
		{"", lake.ErrInvalidKey},
		{"a\x00b", lake.ErrInvalidKey},
		{"bad\xffutf8", lake.ErrInvalidKey},
		{strings.Repeat("k", 1025), lake.ErrKeyTooLong},
	}
	for _, c := range cases {
		_, err := s.PutObject(ctx, "bkt", c.key, strings.NewReader("x"), lake.PutOptions{})
		wantErr(t, fmt.Sprintf("PutObject(%q)", c.key), err, c.want)
		_, _, err = s.GetObject(ctx, "bkt", c.key, nil)
		wantErr(t, fmt.Sprintf("GetObject(%q)", c.key), err, c.want)
		_, err = s.CreateMultipartUpload(ctx, "bkt", c.key, lake.PutOptions{})
		wantErr(t, fmt.Sprintf("CreateMultipartUpload(%q)", c.key), err, c.want)
	}
}

// testKeyConflict: "a" and "a/b" may both exist (S3) or the second put may
// fail with ErrKeyConflict (hierarchical backends); nothing else.
func testKeyConflict(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	mustPut(t, s, "bkt", "x", []byte("file"))
	_, err := s.PutObject(ctx, "bkt", "x/y", strings.NewReader("below"), lake.PutOptions{})
	if err != nil && !errors.Is(err, lake.ErrKeyConflict) {
		t.Fatalf("PutObject x/y next to x: %v", err)
	}
	mustPut(t, s, "bkt", "d/e", []byte("below"))
	_, err2 := s.PutObject(ctx, "bkt", "d", strings.NewReader("file"), lake.PutOptions{})
	if err2 != nil && !errors.Is(err2, lake.ErrKeyConflict) {
		t.Fatalf("PutObject d over d/e: %v", err2)
	}
	if got, _ := mustGet(t, s, "bkt", "x", nil); string(got) != "file" {
		t.Errorf("x = %q", got)
	}
	if got, _ := mustGet(t, s, "bkt", "d/e", nil); string(got) != "below" {
		t.Errorf("d/e = %q", got)
	}
	want := []string{"d/e", "x"}
	if err == nil {
		want = append(want, "x/y")
	}
	if err2 == nil {
		want = append(want, "d")
	}
	res, lerr := s.ListObjects(ctx, "bkt", lake.ListOptions{})
	if lerr != nil {
		t.Fatal(lerr)
	}
	assertKeys(t, "after conflicting puts", keysOf(res), sorted(want))
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func testFailedPut(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	boom := errors.New("client went away")
	_, err := s.PutObject(ctx, "bkt", "new/obj", &failingReader{data: []byte("partial"), err: boom}, lake.PutOptions{})
	if !errors.Is(err, boom) {
		t.Errorf("PutObject with failing reader: %v, want the reader's error", err)
	}
	_, err = s.HeadObject(ctx, "bkt", "new/obj")
	wantErr(t, "object after failed put", err, lake.ErrNoSuchKey)
	mustPut(t, s, "bkt", "old", []byte("original"))
	_, err = s.PutObject(ctx, "bkt", "old", &failingReader{data: bytes.Repeat([]byte("x"), 1<<20), err: boom}, lake.PutOptions{})
	if !errors.Is(err, boom) {
		t.Errorf("overwrite with failing reader: %v", err)
	}
	if got, info := mustGet(t, s, "bkt", "old", nil); string(got) != "original" || info.ETag != etagOf([]byte("original")) {
		t.Errorf("failed overwrite changed the object: %q %s", got, info.ETag)
	}
	res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertKeys(t, "after failed puts", keysOf(res), []string{"old"})
	if err := s.DeleteObject(ctx, "bkt", "old"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBucket(ctx, "bkt"); err != nil {
		t.Errorf("failed puts left something behind: %v", err)
	}
}

// testConcurrentPuts: readers racing writers of one key always see one whole
// version, with the ETag that belongs to its data.
func testConcurrentPuts(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	versions := make([][]byte, 4)
	for i := range versions {
		versions[i] = bytes.Repeat([]byte{byte('a' + i)}, 256<<10+i)
	}
	mustPut(t, s, "bkt", "k/hot", versions[0])
	var wg sync.WaitGroup
	for w := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := s.PutObject(ctx, "bkt", "k/hot", bytes.NewReader(versions[w]), lake.PutOptions{}); err != nil {
					t.Errorf("concurrent put: %v", err)
					return
				}
			}
		}()
	}
	for range 20 {
		rc, info, err := s.GetObject(ctx, "bkt", "k/hot", nil)
		if err != nil {
			t.Fatalf("concurrent get: %v", err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || etagOf(b) != info.ETag || int64(len(b)) != info.Size {
			t.Fatalf("read a torn object: %d bytes, etag %s vs %s, err %v", len(b), etagOf(b), info.ETag, err)
		}
	}
	wg.Wait()
}

func testRanges(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	data := []byte("0123456789")
	mustPut(t, s, "bkt", "digits", data)
	mustPut(t, s, "bkt", "empty", nil)
	cases := []struct {
		rng  lake.Range
		want string
	}{
		{lake.Range{Start: 0, End: 0}, "0"},
		{lake.Range{Start: 2, End: 5}, "2345"},
		{lake.Range{Start: 7, End: -1}, "789"},
		{lake.Range{Start: 7, End: 100}, "789"},
		{lake.Range{Suffix: 3}, "789"},
		{lake.Range{Suffix: 100}, "0123456789"},
		{lake.Range{Start: 9, End: 9}, "9"},
	}
	for _, c := range cases {
		got, info := mustGet(t, s, "bkt", "digits", &c.rng)
		if string(got) != c.want || info.Size != 10 {
			t.Errorf("range %+v = %q (size %d), want %q (size 10)", c.rng, got, info.Size, c.want)
		}
	}
	for _, rng := range []lake.Range{{Start: 10, End: -1}, {Start: 20, End: 30}, {Start: 5, End: 2}} {
		_, _, err := s.GetObject(ctx, "bkt", "digits", &rng)
		wantErr(t, fmt.Sprintf("range %+v", rng), err, lake.ErrInvalidRange)
	}
	_, _, err := s.GetObject(ctx, "bkt", "empty", &lake.Range{Start: 0, End: -1})
	wantErr(t, "range of an empty object", err, lake.ErrInvalidRange)
}

func testDelete(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	mustPut(t, s, "bkt", "deep/er/obj", []byte("x"))
	mustPut(t, s, "bkt", "deep/keep", []byte("y"))
	if err := s.DeleteObject(ctx, "bkt", "never-existed"); err != nil {
		t.Errorf("DeleteObject missing key: %v (S3 succeeds)", err)
	}
	if err := s.DeleteObject(ctx, "bkt", "deep"); err != nil {
		t.Errorf("DeleteObject of a prefix: %v", err)
	}
	if err := s.DeleteObject(ctx, "bkt", "deep/er/obj"); err != nil {
		t.Fatal(err)
	}
	_, err := s.HeadObject(ctx, "bkt", "deep/er/obj")
	wantErr(t, "deleted object", err, lake.ErrNoSuchKey)
	res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objects) != 0 || strings.Join(res.CommonPrefixes, ",") != "deep/" {
		t.Errorf("after delete: objects %v prefixes %v", keysOf(res), res.CommonPrefixes)
	}
	res, err = s.ListObjects(ctx, "bkt", lake.ListOptions{Prefix: "deep/", Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	// deep/er/ held only the deleted object: it must not remain as a prefix.
	if len(res.CommonPrefixes) != 0 {
		t.Errorf("empty prefix listed: %v", res.CommonPrefixes)
	}
	assertKeys(t, "deep/", keysOf(res), []string{"deep/keep"})
	for _, k := range []string{"../x", "/abs", "a\x00b"} {
		if err := s.DeleteObject(ctx, "bkt", k); err != nil && !errors.Is(err, lake.ErrInvalidKey) {
			t.Errorf("DeleteObject(%q): %v", k, err)
		}
	}
	if got, _ := mustGet(t, s, "bkt", "deep/keep", nil); string(got) != "y" {
		t.Errorf("deep/keep = %q", got)
	}
}

func testCopy(t *testing.T, s lake.Store) {
	mustBucket(t, s, "src")
	mustBucket(t, s, "dst")
	data := []byte("copy me")
	opts := lake.PutOptions{ContentType: "text/x", Metadata: map[string]string{"m": "1"}}
	if _, err := s.PutObject(ctx, "src", "a/obj", bytes.NewReader(data), opts); err != nil {
		t.Fatal(err)
	}
	info, err := s.CopyObject(ctx, "src", "a/obj", "dst", "b/copy", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, ginfo := mustGet(t, s, "dst", "b/copy", nil)
	if string(got) != "copy me" || info.ETag != etagOf(data) || ginfo.ContentType != "text/x" || ginfo.Metadata["m"] != "1" {
		t.Errorf("copy with kept metadata: %q %+v", got, ginfo)
	}
	repl := &lake.PutOptions{ContentType: "text/y", Metadata: map[string]string{"n": "2"}}
	if _, err := s.CopyObject(ctx, "src", "a/obj", "src", "a/obj", repl); err != nil {
		t.Fatalf("copy onto itself: %v", err)
	}
	got, ginfo = mustGet(t, s, "src", "a/obj", nil)
	if string(got) != "copy me" || ginfo.ContentType != "text/y" || ginfo.Metadata["n"] != "2" || ginfo.Metadata["m"] != "" {
		t.Errorf("copy with replaced metadata: %q %+v", got, ginfo)
	}
	_, err = s.CopyObject(ctx, "src", "missing", "dst", "x", nil)
	wantErr(t, "copy missing key", err, lake.ErrNoSuchKey)
	_, err = s.CopyObject(ctx, "nobucket", "x", "dst", "x", nil)
	wantErr(t, "copy from missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.CopyObject(ctx, "src", "a/obj", "nobucket", "x", nil)
	wantErr(t, "copy to missing bucket", err, lake.ErrNoSuchBucket)
	_, err = s.CopyObject(ctx, "src", "a/obj", "dst", "../../escape", nil)
	if err != nil {
		t.Errorf("copy to a dot-dot key: %v", err)
	}
	if got, _ := mustGet(t, s, "dst", "../../escape", nil); string(got) != "copy me" {
		t.Errorf("dot-dot copy = %q", got)
	}
}
