package laketest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/shoal-dev/shoal/internal/lake"
)

func keysOf(res lake.ListResult) []string {
	out := []string{}
	for _, o := range res.Objects {
		out = append(out, o.Key)
	}
	return out
}

func sorted(keys []string) []string {
	out := slices.Clone(keys)
	sort.Strings(out) // byte order, as S3 lists
	return out
}

func assertKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// orderKeys trip up directory walks: "a/..." sorts after "a-c" and "a.b"
// ('-' and '.' < '/') but before "a0"; escaped names must sort decoded.
var orderKeys = []string{
	"a-c", "a/b", "a/c/d", "a/c-e", "a.b", "a0", "ab", "b/", "b/%", "b/-", "b/0", "c//d", "c/-",
	"Z", "é", "日本", "~", " space", "!bang", "a/b0", "a/d/../x", "%41", "%2F",
}

func testListOrder(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	for _, k := range orderKeys {
		mustPut(t, s, "bkt", k, []byte(k))
	}
	res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertKeys(t, "full listing", keysOf(res), sorted(orderKeys))
	if res.IsTruncated {
		t.Errorf("IsTruncated on a complete listing")
	}
	for _, o := range res.Objects {
		if o.Size != int64(len(o.Key)) || o.ETag != etagOf([]byte(o.Key)) || o.LastModified.IsZero() {
			t.Errorf("listed %+v", o)
		}
	}
	// Every page size and every StartAfter yields the tail of the order.
	all := sorted(orderKeys)
	for i, after := range append([]string{""}, all...) {
		res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{StartAfter: after})
		if err != nil {
			t.Fatal(err)
		}
		assertKeys(t, "StartAfter "+after, keysOf(res), all[i:])
	}
	for _, after := range []string{"a", "a/", "a/c", "a/c/", "b/", "zzz", "a/b/"} {
		res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{StartAfter: after})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, k := range all {
			if k > after {
				want = append(want, k)
			}
		}
		if want == nil {
			want = []string{}
		}
		assertKeys(t, "StartAfter "+after, keysOf(res), want)
	}
}

// refList is the reference semantics of one listing page.
func refList(keys []string, o lake.ListOptions) (items []string, truncated bool) {
	max := o.MaxKeys
	if max <= 0 || max > lake.MaxListKeys {
		max = lake.MaxListKeys
	}
	skip := ""
	if o.Delimiter != "" && strings.HasPrefix(o.StartAfter, o.Prefix) {
		rest := o.StartAfter[len(o.Prefix):]
		if i := strings.Index(rest, o.Delimiter); i >= 0 && i+len(o.Delimiter) == len(rest) {
			skip = o.StartAfter
		}
	}
	for _, k := range sorted(keys) {
		if k <= o.StartAfter || !strings.HasPrefix(k, o.Prefix) || (skip != "" && strings.HasPrefix(k, skip)) {
			continue
		}
		item := k
		if o.Delimiter != "" {
			if i := strings.Index(k[len(o.Prefix):], o.Delimiter); i >= 0 {
				item = "CP:" + k[:len(o.Prefix)+i+len(o.Delimiter)]
				skip = item[3:]
			}
		}
		if len(items) == max {
			return items, true
		}
		items = append(items, item)
	}
	return items, false
}

func gotItems(res lake.ListResult) []string {
	// Merge objects and prefixes back into one ordered sequence.
	items := keysOf(res)
	for _, p := range res.CommonPrefixes {
		items = append(items, "CP:"+p)
	}
	sort.Slice(items, func(i, j int) bool {
		return strings.TrimPrefix(items[i], "CP:") < strings.TrimPrefix(items[j], "CP:")
	})
	return items
}

var listKeys = []string{
	"store-data/store_id=STORE_1/2025/07/17/01/a.parquet", "store-data/store_id=STORE_1/2025/07/17/02/b.parquet",
	"store-data/store_id=STORE_10/2025/07/17/01/c.parquet", "store-data/store_id=STORE_2/2025/07/17/01/d.parquet",
	"store-data/readme", "store-data-old/x", "store-data.bak", "error/1", "error/2", "top", "t/", "t/x", "t-y",
	"x=1", "x=2/y", "x-z",
}

func testListPrefixDelimiter(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	for _, k := range listKeys {
		mustPut(t, s, "bkt", k, []byte("x"))
	}
	prefixes := []string{"", "s", "store-data", "store-data/", "store-data/store_id=STORE_1", "store-data/store_id=STORE_1/",
		"t", "t/", "x", "nothing/", "store-data/store_id=STORE_1/2025/07/17/01/a.parquet", "error/"}
	for _, p := range prefixes {
		for _, d := range []string{"", "/", "=", "_1"} {
			for _, after := range []string{"", "store-data/", "store-data/store_id=STORE_1/", "t", "store-data/store_id=STORE_10/zzz"} {
				o := lake.ListOptions{Prefix: p, Delimiter: d, StartAfter: after}
				res, err := s.ListObjects(ctx, "bkt", o)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := refList(listKeys, o)
				if want == nil {
					want = []string{}
				}
				if got := gotItems(res); !slices.Equal(got, want) {
					t.Errorf("ListObjects(%+v):\n got %q\nwant %q", o, got, want)
				}
			}
		}
	}
}

// paginate lists everything page by page, continuing from NextStartAfter.
func paginate(t *testing.T, s lake.Store, bucket string, o lake.ListOptions) []string {
	t.Helper()
	var all []string
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("pagination does not end")
		}
		res, err := s.ListObjects(ctx, bucket, o)
		if err != nil {
			t.Fatal(err)
		}
		items := gotItems(res)
		if len(items) > o.MaxKeys {
			t.Fatalf("page of %d items, MaxKeys %d", len(items), o.MaxKeys)
		}
		all = append(all, items...)
		if !res.IsTruncated {
			return all
		}
		if len(items) == 0 || res.NextStartAfter != strings.TrimPrefix(items[len(items)-1], "CP:") {
			t.Fatalf("truncated page %q continues from %q", items, res.NextStartAfter)
		}
		o.StartAfter = res.NextStartAfter
	}
}

func testListPagination(t *testing.T, s lake.Store) {
	mustBucket(t, s, "bkt")
	keys := append(slices.Clone(listKeys), orderKeys...)
	for _, k := range keys {
		mustPut(t, s, "bkt", k, []byte("x"))
	}
	for _, d := range []string{"", "/"} {
		for _, p := range []string{"", "store-data/", "a"} {
			want, _ := refList(keys, lake.ListOptions{Prefix: p, Delimiter: d})
			for _, max := range []int{1, 2, 3, 7} {
				got := paginate(t, s, "bkt", lake.ListOptions{Prefix: p, Delimiter: d, MaxKeys: max})
				if !slices.Equal(got, want) {
					t.Errorf("paginated prefix %q delimiter %q by %d:\n got %q\nwant %q", p, d, max, got, want)
				}
			}
		}
	}
	res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{MaxKeys: 2})
	if err != nil || len(res.Objects) != 2 || !res.IsTruncated || res.NextStartAfter != res.Objects[1].Key {
		t.Errorf("first page of 2 = %q truncated %v next %q err %v", keysOf(res), res.IsTruncated, res.NextStartAfter, err)
	}
}

func testListDefaultMaxKeys(t *testing.T, s lake.Store) {
	if testing.Short() {
		t.Skip("writes 1,005 objects")
	}
	mustBucket(t, s, "bkt")
	n := lake.MaxListKeys + 5
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			mustPut(t, s, "bkt", fmt.Sprintf("k/%02d/%04d", i%7, i), nil)
		}()
	}
	wg.Wait()
	for _, max := range []int{0, 5000} {
		res, err := s.ListObjects(ctx, "bkt", lake.ListOptions{MaxKeys: max})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Objects) != lake.MaxListKeys || !res.IsTruncated {
			t.Errorf("MaxKeys %d: %d objects, truncated %v; want %d and truncated", max, len(res.Objects), res.IsTruncated, lake.MaxListKeys)
		}
		rest, err := s.ListObjects(ctx, "bkt", lake.ListOptions{StartAfter: res.NextStartAfter})
		if err != nil || len(rest.Objects) != 5 || rest.IsTruncated {
			t.Errorf("second page: %d objects, truncated %v, %v", len(rest.Objects), rest.IsTruncated, err)
		}
	}
}
