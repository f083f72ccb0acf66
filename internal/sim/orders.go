package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shoal-dev/shoal/internal/kpl"
)

// OrderLine is one line of an invoice in the order-history flow; the JSON
// keys are the Online Retail dataset's columns (DESIGN.md, "order history").
type OrderLine struct {
	InvoiceNo   string  `json:"InvoiceNo"`
	StockCode   string  `json:"StockCode"`
	Description string  `json:"Description"`
	Quantity    int     `json:"Quantity"`
	InvoiceDate string  `json:"InvoiceDate"`
	UnitPrice   float64 `json:"UnitPrice"`
	Customer    int     `json:"Customer"`
	Country     string  `json:"Country"`
}

// InvoiceDate formats t as the dataset does, "12/1/2010 8:26" (an
// unpadded 24-hour hour, which no time layout writes).
func InvoiceDate(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%d/%d/%d %d:%02d", t.Month(), t.Day(), t.Year(), t.Hour(), t.Minute())
}

// Product is one item of the catalog.
type Product struct {
	StockCode   string
	Description string
	UnitPrice   float64
}

// countryWeight is a country and its share of the Online Retail dataset's
// lines (roughly), so that most orders are British as there.
type countryWeight struct {
	name   string
	weight int
}

func countryWeights() []countryWeight {
	return []countryWeight{
		{"United Kingdom", 4955}, {"Germany", 95}, {"France", 86}, {"EIRE", 82},
		{"Spain", 25}, {"Netherlands", 24}, {"Belgium", 21}, {"Switzerland", 20},
		{"Portugal", 15}, {"Australia", 13}, {"Norway", 11}, {"Italy", 8},
		{"Channel Islands", 8}, {"Finland", 7}, {"Cyprus", 6}, {"Sweden", 5},
		{"Unspecified", 4}, {"Austria", 4}, {"Denmark", 4}, {"Japan", 4},
		{"Poland", 3}, {"Israel", 3}, {"USA", 3}, {"Hong Kong", 3},
		{"Singapore", 2}, {"Iceland", 2}, {"Canada", 2}, {"Greece", 2},
		{"Malta", 1}, {"United Arab Emirates", 1}, {"European Community", 1},
		{"RSA", 1}, {"Lebanon", 1}, {"Lithuania", 1}, {"Brazil", 1},
		{"Czech Republic", 1}, {"Bahrain", 1}, {"Saudi Arabia", 1},
	}
}

// Countries lists the countries orders come from, most frequent first.
func Countries() []string {
	var names []string
	for _, c := range countryWeights() {
		names = append(names, c.name)
	}
	return names
}

// Words of product descriptions, in the dataset's upper-case style
// ("WHITE HANGING HEART T-LIGHT HOLDER").
var (
	descColors = []string{"WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "SILVER",
		"GOLD", "PASTEL", "VINTAGE", "RETRO", "CREAM", "ZINC", "WOODEN"}
	descMotifs = []string{"HANGING HEART", "SPOTTY", "REGENCY", "PAISLEY", "BIRD", "STAR", "FLORAL",
		"SKULL", "CHRISTMAS", "UNION JACK", "DOLLY GIRL", "SPACEBOY", "STRAWBERRY", "LOVE BIRD",
		"DOILY", "POLKADOT", "ROSE", "JAM MAKING", "ENGLISH", "BUNTING"}
	descItems = []string{"T-LIGHT HOLDER", "LANTERN", "MUG", "TEACUP AND SAUCER", "CAKE STAND",
		"LUNCH BOX", "JUMBO BAG", "HOT WATER BOTTLE", "PHOTO FRAME", "CUSHION COVER", "NAPKINS",
		"PAPER CHAIN KIT", "DOORMAT", "ALARM CLOCK", "WATER BOTTLE", "GIFT WRAP", "TISSUES",
		"CHILDRENS APRON", "PLASTERS IN TIN", "COAT HANGER", "BAKING SET", "TRINKET BOX",
		"WALL SIGN", "PENCIL CASE", "LUGGAGE TAG"}
	unitPrices = []float64{0.29, 0.42, 0.55, 0.65, 0.85, 1.25, 1.45, 1.65, 1.95, 2.10, 2.55,
		2.95, 3.25, 3.75, 4.25, 4.95, 5.95, 7.95, 8.50, 9.95, 12.75, 14.95}
	lineQuantities = []int{1, 1, 2, 2, 3, 4, 6, 6, 8, 10, 12, 12, 12, 24, 24, 36, 48}
)

// MaxProducts is how many distinct descriptions the word lists make
// (colors x motifs x items).
const MaxProducts = 15 * 20 * 25

// Catalog is the product list for seed: n products with distinct stock
// codes (five digits, some with a letter suffix) and descriptions, and a
// stable price each. The same seed gives the same catalog.
func Catalog(n int, seed uint64) []Product {
	rng := rand.New(rand.NewPCG(seed, 0xca7a1))
	codes := rng.Perm(90000) // 10000..99999
	descs := rng.Perm(MaxProducts)
	products := make([]Product, min(n, MaxProducts))
	for i := range products {
		code := strconv.Itoa(10000 + codes[i])
		if rng.IntN(6) == 0 {
			code += string(rune('A' + rng.IntN(5)))
		}
		d := descs[i]
		item := descItems[d%len(descItems)]
		d /= len(descItems)
		products[i] = Product{
			StockCode:   code,
			Description: descColors[d/len(descMotifs)] + " " + descMotifs[d%len(descMotifs)] + " " + item,
			UnitPrice:   unitPrices[rng.IntN(len(unitPrices))],
		}
	}
	return products
}

// customer is a buyer; each belongs to one country, as in the dataset.
type customer struct {
	id      int
	country string
}

// OrderGenerator makes order lines invoice by invoice: each invoice has a
// few to a few dozen lines sharing its number, date, customer and country.
// About one invoice in fifty is a cancellation ("C" prefix, negative
// quantities). Product popularity follows a Zipf law. Not safe for
// concurrent use.
type OrderGenerator struct {
	rng       *rand.Rand
	products  []Product
	popular   *rand.Zipf
	customers []customer
	now       func() time.Time

	invoice int         // the next invoice number
	pending []OrderLine // the current invoice's lines not yet returned
	// keys draws partition keys apart from rng, so the lines of a seed are
	// the same whether or not keys are drawn between them.
	keys *rand.Rand
}

// NewOrderGenerator makes lines over products Catalog(products, seed) and
// customers customers; the same seed gives the same sequence (apart from
// the dates, which are now()).
func NewOrderGenerator(products, customers int, seed uint64, now func() time.Time) *OrderGenerator {
	if now == nil {
		now = time.Now
	}
	products, customers = max(products, 1), max(customers, 1)
	rng := rand.New(rand.NewPCG(seed, 0x0a7de5))
	g := &OrderGenerator{rng: rng, products: Catalog(products, seed), now: now, invoice: 536365,
		keys: rand.New(rand.NewPCG(seed, 0x6e75))}
	g.popular = rand.NewZipf(rng, 1.1, 8, uint64(len(g.products)-1))
	g.customers = make([]customer, customers)
	weights := countryWeights()
	total := 0
	for _, w := range weights {
		total += w.weight
	}
	for i := range g.customers {
		g.customers[i] = customer{id: 12346 + i, country: pickCountry(weights, rng.IntN(total))}
	}
	return g
}

// pickCountry is the country whose cumulative weight range holds r.
func pickCountry(weights []countryWeight, r int) string {
	for _, w := range weights {
		if r < w.weight {
			return w.name
		}
		r -= w.weight
	}
	return weights[0].name
}

// Next is the next order line.
func (g *OrderGenerator) Next() OrderLine {
	if len(g.pending) == 0 {
		g.pending = g.newInvoice()
	}
	line := g.pending[0]
	g.pending = g.pending[1:]
	return line
}

// PartitionKey is a random partition key, as the order flow uses.
func (g *OrderGenerator) PartitionKey() string {
	return strconv.FormatUint(g.keys.Uint64(), 16)
}

func (g *OrderGenerator) newInvoice() []OrderLine {
	no := strconv.Itoa(g.invoice)
	g.invoice++
	sign := 1
	if g.rng.IntN(50) == 0 {
		no, sign = "C"+no, -1
	}
	c := g.customers[g.rng.IntN(len(g.customers))]
	date := InvoiceDate(g.now())
	n := 1 + g.rng.IntN(4) + g.rng.IntN(4)*g.rng.IntN(8) // mostly short, some up to 25 lines
	lines := make([]OrderLine, n)
	for i := range lines {
		p := g.products[g.popular.Uint64()]
		lines[i] = OrderLine{
			InvoiceNo: no, StockCode: p.StockCode, Description: p.Description,
			Quantity:    sign * lineQuantities[g.rng.IntN(len(lineQuantities))],
			InvoiceDate: date, UnitPrice: p.UnitPrice, Customer: c.id, Country: c.country,
		}
	}
	return lines
}

// OrderOptions configure an order producer. Of the embedded Options, the
// data stream target, connection, Rate, Count (order lines), Duration,
// Seed, Newline, MaxAttempts, Logger and Now apply; Products sizes the
// catalog. Delivery-stream targets and Stores do not apply.
type OrderOptions struct {
	Options
	Customers int
	// Aggregate packs this many order lines into each Kinesis record with
	// the KPL aggregation format; 0 or 1 puts one line per record.
	Aggregate int
}

// DefaultOrderOptions: a catalog of 4,000 products and 4,000 customers, as
// the Online Retail dataset has, 100 lines/s, no aggregation.
func DefaultOrderOptions() OrderOptions {
	o := Defaults()
	o.Rate, o.Products = 100, 4000
	return OrderOptions{Options: o, Customers: 4000}
}

func (o *OrderOptions) validate() error {
	if o.Stream == "" || o.DeliveryStream != "" {
		return errors.New("orders go to a data stream: set the stream and no delivery stream")
	}
	if o.Customers < 1 || o.Aggregate < 0 {
		return fmt.Errorf("need at least one customer and a non-negative aggregation (got %d, %d)", o.Customers, o.Aggregate)
	}
	o.Stores = max(o.Stores, 1) // unused here; keeps the shared checks quiet
	return o.Options.validate()
}

// OrderProducer puts order lines into a data stream at a steady rate, one
// line per record or KPL-aggregated, through the inventory producer's
// batching and retries.
type OrderProducer struct {
	*producerCore
	opts  OrderOptions
	gen   *OrderGenerator
	lines int // order lines generated
}

// NewOrders checks o and connects the SDK client; nothing is sent until Run.
func NewOrders(ctx context.Context, o OrderOptions) (*OrderProducer, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	cfg, err := AWSConfig(ctx, o.Options)
	if err != nil {
		return nil, err
	}
	p := &Producer{o: o.Options, sink: &kinesisSink{client: kinesis.NewFromConfig(cfg), name: o.Stream}}
	return &OrderProducer{producerCore: &producerCore{p}, opts: o, gen: NewOrderGenerator(o.Products, o.Customers, o.Seed, o.Now)}, nil
}

// producerCore lends OrderProducer the inventory Producer's send and
// summary without exposing its Run, which knows only stock checks.
type producerCore struct{ *Producer }

// Lines is how many order lines Run generated; with aggregation the
// summary counts Kinesis records, each holding up to Aggregate lines.
func (p *OrderProducer) Lines() int { return p.lines }

// Run produces until Count lines are settled, Duration passes or ctx ends,
// or the service refuses the target outright, as Producer.Run.
func (p *OrderProducer) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	p.add(func(*Summary) { p.started = start })
	if p.opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.opts.Duration)
		defer cancel()
	}
	putCtx := context.WithoutCancel(ctx) // see Producer.Run
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	paced := start // the schedule's origin; moves forward when we fall behind
	var retry []*entry
	err := func() error {
		for {
			due := int(p.opts.Rate*time.Since(paced).Seconds()) - p.lines
			if backlog := max(int(p.opts.Rate), MaxBatch); due > backlog {
				// Skip rather than queue more than a second's worth when the
				// service is slower than the rate.
				paced = paced.Add(time.Duration(float64(due-backlog) / p.opts.Rate * float64(time.Second)))
				due = backlog
			}
			queue, err := p.entries(p.batchable(due))
			if err != nil {
				return err
			}
			if retry, err = p.send(putCtx, append(retry, queue...)); err != nil {
				return err
			}
			if p.opts.Count > 0 && p.lines == p.opts.Count && len(retry) == 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-ticker.C:
			}
		}
	}()
	p.add(func(s *Summary) {
		s.Failed += len(retry)
		s.Elapsed = time.Since(start)
	})
	return p.Summary(), err
}

// batchable trims due lines to whole aggregated records, except for the
// last lines of Count.
func (p *OrderProducer) batchable(due int) int {
	if p.opts.Count > 0 && due >= p.opts.Count-p.lines {
		return p.opts.Count - p.lines
	}
	return due - due%max(p.opts.Aggregate, 1)
}

// entries generates n lines as Kinesis records: one each, or packed by
// Aggregate under the first line's partition key, as the KPL does.
func (p *OrderProducer) entries(n int) ([]*entry, error) {
	per := max(p.opts.Aggregate, 1)
	var out []*entry
	for n > 0 {
		k := min(n, per)
		recs := make([]kpl.Record, k)
		for i := range recs {
			data, err := json.Marshal(p.gen.Next())
			if err != nil {
				return nil, fmt.Errorf("encode order line: %w", err)
			}
			if p.opts.Newline {
				data = append(data, '\n')
			}
			recs[i] = kpl.Record{PartitionKey: p.gen.PartitionKey(), Data: data}
		}
		e := &entry{data: recs[0].Data, key: recs[0].PartitionKey}
		if p.opts.Aggregate > 1 {
			agg, err := kpl.Aggregate(recs)
			if err != nil {
				return nil, fmt.Errorf("aggregate %d order lines: %w", k, err)
			}
			e.data = agg
		}
		out = append(out, e)
		p.lines += k
		n -= k
	}
	return out, nil
}
