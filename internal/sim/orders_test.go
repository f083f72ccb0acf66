package sim_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shoal-dev/shoal/internal/kpl"
	"github.com/shoal-dev/shoal/internal/sim"
	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestCatalog(t *testing.T) {
	products := sim.Catalog(4000, 7)
	if len(products) != 4000 {
		t.Fatalf("%d products", len(products))
	}
	if !reflect.DeepEqual(products, sim.Catalog(4000, 7)) {
		t.Fatal("the same seed gave another catalog")
	}
	if reflect.DeepEqual(products, sim.Catalog(4000, 8)) {
		t.Fatal("another seed gave the same catalog")
	}
	codeRE := regexp.MustCompile(`^[1-9]\d{4}[A-E]?$`)
	codes, descs := map[string]bool{}, map[string]bool{}
	for _, p := range products {
		if !codeRE.MatchString(p.StockCode) || p.UnitPrice <= 0 || p.Description == "" {
			t.Fatalf("product %+v", p)
		}
		codes[p.StockCode], descs[p.Description] = true, true
	}
	if len(codes) != len(products) || len(descs) != len(products) {
		t.Fatalf("%d codes and %d descriptions for %d products", len(codes), len(descs), len(products))
	}
	if n := len(sim.Catalog(sim.MaxProducts+10, 7)); n != sim.MaxProducts {
		t.Fatalf("catalog capped at %d, want %d", n, sim.MaxProducts)
	}
}

func TestOrderGenerator(t *testing.T) {
	g := sim.NewOrderGenerator(4000, 4000, 11, fixedClock)
	countries := map[string]int{}
	invoices := map[string]sim.OrderLine{} // the first line of each invoice
	var order []string
	const lines = 20000
	for range lines {
		l := g.Next()
		if l.InvoiceDate != "7/17/2025 3:50" {
			t.Fatalf("InvoiceDate %q", l.InvoiceDate)
		}
		if cancel := l.InvoiceNo[0] == 'C'; l.Quantity == 0 || cancel != (l.Quantity < 0) {
			t.Fatalf("line %+v: cancellations, and only they, have negative quantities", l)
		}
		first, seen := invoices[l.InvoiceNo]
		if !seen {
			invoices[l.InvoiceNo] = l
			order = append(order, l.InvoiceNo)
			countries[l.Country]++
			continue
		}
		if order[len(order)-1] != l.InvoiceNo {
			t.Fatalf("invoice %s's lines are not consecutive", l.InvoiceNo)
		}
		if first.Customer != l.Customer || first.Country != l.Country || first.InvoiceDate != l.InvoiceDate {
			t.Fatalf("lines %+v and %+v of one invoice differ", first, l)
		}
	}
	perInvoice := float64(lines) / float64(len(invoices))
	if perInvoice < 3 || perInvoice > 12 {
		t.Fatalf("%.1f lines per invoice", perInvoice)
	}
	if uk := float64(countries["United Kingdom"]) / float64(len(invoices)); uk < 0.8 || uk > 0.97 {
		t.Fatalf("United Kingdom has %.2f of invoices", uk)
	}
	if len(countries) < 20 || countries["Germany"] == 0 || countries["France"] == 0 || countries["EIRE"] == 0 {
		t.Fatalf("countries %v", countries)
	}
	for c := range countries {
		if !slices.Contains(sim.Countries(), c) {
			t.Fatalf("unknown country %q", c)
		}
	}
	replay := sim.NewOrderGenerator(4000, 4000, 11, fixedClock)
	again := sim.NewOrderGenerator(4000, 4000, 11, fixedClock)
	for range 100 {
		replay.PartitionKey() // keys are drawn apart from the lines
		if a, b := replay.Next(), again.Next(); a != b {
			t.Fatalf("the same seed gave %+v and %+v", a, b)
		}
	}
	// The JSON keys are the dataset's column names.
	data, _ := json.Marshal(g.Next())
	var keys map[string]any
	if err := json.Unmarshal(data, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "Customer", "Country"} {
		if _, ok := keys[k]; !ok {
			t.Fatalf("%s has no %s", data, k)
		}
	}
}

func TestInvoiceDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC), "12/1/2010 8:26"},
		{time.Date(2011, 1, 10, 17, 5, 59, 0, time.UTC), "1/10/2011 17:05"},
		{time.Date(2011, 1, 10, 1, 5, 0, 0, time.FixedZone("CET", 3600)), "1/10/2011 0:05"},
	}
	for _, tt := range tests {
		if got := sim.InvoiceDate(tt.t); got != tt.want {
			t.Errorf("InvoiceDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func fixedClock() time.Time { return checkTime }

// TestOrdersToDataStream puts order lines into a real server, reads them
// back with GetRecords, de-aggregates them and compares with a replay of
// the generator.
func TestOrdersToDataStream(t *testing.T) {
	env := testenv.Start(t)
	kc := kinesis.NewFromConfig(env.AWSConfig())
	tests := []struct {
		stream    string
		aggregate int
		count     int
		records   int // Kinesis records expected
	}{
		{"plain", 0, 300, 300},
		{"aggregated", 25, 310, 13}, // the last holds 10 lines
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			if _, err := kc.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String(tt.stream), ShardCount: aws.Int32(2)}); err != nil {
				t.Fatal(err)
			}
			o := sim.DefaultOrderOptions()
			o.Options = options(env)
			o.Products, o.Stream, o.Count, o.Aggregate = 500, tt.stream, tt.count, tt.aggregate
			p, err := sim.NewOrders(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := p.Run(context.Background())
			if err != nil || sum.Sent != tt.records || sum.Failed != 0 || p.Lines() != tt.count {
				t.Fatalf("summary %v, %d lines: %v", sum, p.Lines(), err)
			}

			got, records := readOrders(t, kc, tt.stream, tt.aggregate > 1)
			if records != tt.records {
				t.Fatalf("read %d Kinesis records, want %d", records, tt.records)
			}
			// Shards interleave the lines, so compare them as multisets.
			g := sim.NewOrderGenerator(o.Products, o.Customers, o.Seed, fixedClock)
			want := map[sim.OrderLine]int{}
			for range tt.count {
				want[g.Next()]++
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("read back %d distinct lines, want %d", len(got), len(want))
			}
		})
	}
}

// readOrders reads every shard of stream from the start and counts the
// order lines in it, de-aggregating KPL records; aggregated says whether
// every Kinesis record must be aggregated, or none.
func readOrders(t *testing.T, kc *kinesis.Client, stream string, aggregated bool) (map[sim.OrderLine]int, int) {
	t.Helper()
	ctx := context.Background()
	shards, err := kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatal(err)
	}
	lines, records := map[sim.OrderLine]int{}, 0
	keys := map[string]bool{}
	for _, sh := range shards.Shards {
		it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Records {
			records++
			users, agg, err := kpl.Deaggregate(r.Data)
			if err != nil || agg != aggregated {
				t.Fatalf("record %d: aggregated %v, err %v", records, agg, err)
			}
			if !agg {
				users = []kpl.Record{{PartitionKey: aws.ToString(r.PartitionKey), Data: r.Data}}
			}
			if users[0].PartitionKey != aws.ToString(r.PartitionKey) {
				t.Fatalf("record key %s, first user record's %s", aws.ToString(r.PartitionKey), users[0].PartitionKey)
			}
			for _, u := range users {
				var l sim.OrderLine
				if err := json.Unmarshal(u.Data, &l); err != nil {
					t.Fatalf("line %q: %v", u.Data, err)
				}
				lines[l]++
				keys[u.PartitionKey] = true
			}
		}
	}
	if total := sum(lines); len(keys) < total*9/10 {
		t.Fatalf("%d partition keys for %d lines; want random keys", len(keys), total)
	}
	return lines, records
}

func sum(m map[sim.OrderLine]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
