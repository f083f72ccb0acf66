package file

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/laketest"
)

func TestConformance(t *testing.T) {
	laketest.Run(t, func(t *testing.T) lake.Store {
		s, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

var ctx = context.Background()

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files lists every path below root (relative), for layout assertions.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestLayoutIsNatural(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "lake"); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{
		"store-data/store_id=STORE_1/2025/07/17/01/part.parquet": "store-data/store_id=STORE_1/2025/07/17/01/part.parquet",
		"../x":      "%2E%2E/x",
		"a/../../x": "a/%2E%2E/%2E%2E/x",
		"/abs":      "%/abs",
		"folder/":   "folder/%",
		"50%/off":   "50%25/off",
		"./.hidden": "%2E/.hidden",
		"dots/...":  "dots/...",
	}
	for k := range keys {
		if _, err := s.PutObject(ctx, "lake", k, strings.NewReader(k), lake.PutOptions{}); err != nil {
			t.Fatalf("put %q: %v", k, err)
		}
	}
	var want []string
	for k, p := range keys {
		want = append(want, filepath.Join("buckets", "lake", p))
		b, err := os.ReadFile(filepath.Join(dir, "buckets", "lake", p))
		if err != nil || string(b) != k {
			t.Errorf("key %q at %s: %q, %v", k, p, b, err)
		}
	}
	sort.Strings(want)
	got := files(t, dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSegmentEncodingRoundTrips(t *testing.T) {
	for _, seg := range []string{"", ".", "..", "%", "%2E", "%2E%2E", "%25", "a%b", "%%", "...", "plain", "ü"} {
		name, err := encodeSegment(seg)
		if err != nil {
			t.Fatal(err)
		}
		if name == "." || name == ".." || name == "" || strings.Contains(name, "/") {
			t.Errorf("segment %q encodes to unsafe name %q", seg, name)
		}
		back, ok := decodeSegment(name)
		if !ok || back != seg {
			t.Errorf("segment %q -> %q -> %q (%v)", seg, name, back, ok)
		}
	}
	for _, name := range []string{"50%off", "%2F", "%41"} {
		if _, ok := decodeSegment(name); ok {
			t.Errorf("foreign name %q decoded", name)
		}
	}
	if _, err := keyPath(strings.Repeat("s", 256)); err == nil {
		t.Error("256-byte segment accepted")
	}
}

func TestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	created, _ := s.HeadBucket(ctx, "bkt")
	opts := lake.PutOptions{ContentType: "text/csv", Metadata: map[string]string{"k": "v"}}
	if _, err := s.PutObject(ctx, "bkt", "obj", strings.NewReader("data"), opts); err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateMultipartUpload(ctx, "bkt", "mpu", opts)
	if err != nil {
		t.Fatal(err)
	}
	part, err := s.UploadPart(ctx, "bkt", "mpu", id, 1, strings.NewReader("part one"))
	if err != nil {
		t.Fatal(err)
	}
	// A staged file from a crash is cleaned at the next Open.
	if err := os.WriteFile(filepath.Join(dir, "tmp", "put-crashed"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)

	s = open(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "tmp", "put-crashed")); !os.IsNotExist(err) {
		t.Errorf("staged file survived Open: %v", err)
	}
	info, err := s.HeadBucket(ctx, "bkt")
	if err != nil || !info.Created.Equal(created.Created) {
		t.Errorf("bucket after restart = %+v, %v; created %v", info, err, created.Created)
	}
	oi, err := s.HeadObject(ctx, "bkt", "obj")
	if err != nil || oi.ContentType != "text/csv" || oi.Metadata["k"] != "v" {
		t.Errorf("object after restart = %+v, %v", oi, err)
	}
	ups, err := s.ListMultipartUploads(ctx, "bkt")
	if err != nil || len(ups) != 1 || ups[0].UploadID != id {
		t.Fatalf("uploads after restart = %+v, %v", ups, err)
	}
	res, err := s.CompleteMultipartUpload(ctx, "bkt", "mpu", id, []lake.CompletedPart{{Number: 1, ETag: part.ETag}})
	if err != nil || res.ContentType != "text/csv" {
		t.Errorf("complete after restart = %+v, %v", res, err)
	}
}

func etagOf(s string) string {
	sum := md5.Sum([]byte(s))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func TestForeignFiles(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	// Files dropped into the tree by hand are objects; names no key maps to
	// are skipped.
	bdir := filepath.Join(dir, "buckets", "bkt")
	if err := os.MkdirAll(filepath.Join(bdir, "hand"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hand/made.csv", "hand/50%off"} {
		if err := os.WriteFile(filepath.Join(bdir, name), []byte("a,b\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{})
	if err != nil || len(res.Objects) != 1 || res.Objects[0].Key != "hand/made.csv" || res.Objects[0].ETag != etagOf("a,b\n") {
		t.Errorf("listing = %+v, %v", res.Objects, err)
	}
	rc, info, err := s.GetObject(ctx, "bkt", "hand/made.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(rc)
	rc.Close()
	if buf.String() != "a,b\n" || info.ETag != etagOf("a,b\n") {
		t.Errorf("foreign object = %q %+v", buf.String(), info)
	}
}
