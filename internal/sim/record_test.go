package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

var checkTime = time.Date(2025, 7, 17, 3, 50, 31, 0, time.UTC)

func fixedNow() time.Time { return checkTime }

func TestProductNames(t *testing.T) {
	for i, want := range map[int]string{1: "Bánh mì", 2: "Sữa tươi", 5: "Mì gói", 10: "Đường", 11: "Bánh mì 2", 22: "Sữa tươi 3"} {
		if got := ProductName(i); got != want {
			t.Errorf("ProductName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestRecordJSON(t *testing.T) {
	r := Record{StoreID: "STORE_3", ProductID: "PRD_2", ProductName: "Sữa tươi", CurrentStock: 4, ThresholdLevel: 9,
		IsStockLow: true, CheckTimestamp: 1752724231, NotificationSent: false, RestockStatus: StatusPending}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// DESIGN.md's example record, byte for byte.
	want := `{"store_id":"STORE_3","product_id":"PRD_2","product_name":"Sữa tươi","current_stock":4,"threshold_level":9,"is_stock_low":true,"check_timestamp":1752724231,"notification_sent":false,"restock_status":"chưa xử lý"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestGenerator(t *testing.T) {
	g := NewGenerator(10, 5, 7, fixedNow)
	thresholds := map[string]int{}
	stores, products := map[string]bool{}, map[string]bool{}
	pending := 0
	const n = 3000
	for range n {
		r := g.Next()
		stores[r.StoreID], products[r.ProductID] = true, true
		if !strings.HasPrefix(r.StoreID, "STORE_") || !strings.HasPrefix(r.ProductID, "PRD_") {
			t.Fatalf("ids %+v", r)
		}
		var p int
		fmt.Sscanf(r.ProductID, "PRD_%d", &p)
		if r.ProductName != ProductName(p) {
			t.Fatalf("name %+v", r)
		}
		shelf := r.StoreID + "/" + r.ProductID
		if th, ok := thresholds[shelf]; ok && th != r.ThresholdLevel {
			t.Fatalf("threshold of %s changed from %d: %+v", shelf, th, r)
		}
		thresholds[shelf] = r.ThresholdLevel
		if r.CurrentStock < 0 || r.IsStockLow != (r.CurrentStock < r.ThresholdLevel) || r.CheckTimestamp != checkTime.Unix() {
			t.Fatalf("inconsistent %+v", r)
		}
		want := StatusDone
		if r.IsStockLow && r.NotificationSent {
			want = StatusInProgress
		} else if r.IsStockLow {
			want = StatusPending
			pending++
		}
		if r.RestockStatus != want {
			t.Fatalf("status %+v, want %q", r, want)
		}
	}
	if len(stores) != 10 || len(products) != 5 {
		t.Fatalf("%d stores, %d products", len(stores), len(products))
	}
	// The planning query should find some rows, but not most.
	if pending < n/100 || pending > n/3 {
		t.Fatalf("%d of %d records are low and not notified", pending, n)
	}

	a, b := NewGenerator(3, 2, 42, fixedNow), NewGenerator(3, 2, 42, fixedNow)
	for range 100 {
		if x, y := a.Next(), b.Next(); x != y {
			t.Fatalf("same seed, different records: %+v %+v", x, y)
		}
	}
}

// flakySink refuses every other record the first time it sees it.
type flakySink struct {
	seen  map[*entry]bool
	got   int
	calls int
}

func (s *flakySink) put(_ context.Context, batch []*entry) ([]string, error) {
	s.calls++
	codes := make([]string, len(batch))
	for i, e := range batch {
		if !s.seen[e] && i%2 == 1 {
			s.seen[e] = true
			codes[i] = "ServiceUnavailableException"
			continue
		}
		s.got++
	}
	return codes, nil
}

func TestProducerRetriesFailedRecords(t *testing.T) {
	o := Defaults()
	o.DeliveryStream, o.Rate, o.Count = "x", 2000, 700
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	s := &flakySink{seen: map[*entry]bool{}}
	p := &Producer{o: o, sink: s, gen: NewGenerator(o.Stores, o.Products, 1, fixedNow)}
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 700 || s.got != 700 || sum.Failed != 0 || sum.Retried == 0 || sum.Retried != len(s.seen) {
		t.Fatalf("summary %+v, sink got %d, refused %d", sum, s.got, len(s.seen))
	}
	// 700 records at 2000/s: paced over about a third of a second, not all at once.
	if sum.Elapsed < 250*time.Millisecond || s.calls < 3 {
		t.Fatalf("not paced: %v, %d calls", sum.Elapsed, s.calls)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{
		{Rate: 1, Stores: 1, Products: 1},
		{Rate: 1, Stores: 1, Products: 1, DeliveryStream: "a", Stream: "b"},
		{Rate: 0, Stores: 1, Products: 1, Stream: "b"},
		{Rate: 1, Stores: 0, Products: 1, Stream: "b"},
	} {
		if err := o.validate(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
