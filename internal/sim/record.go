// Package sim holds Shoal's simulators: real producers that talk to the AWS
// APIs over the SDK, so that what they exercise is what users' code exercises.
package sim

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Record is one stock check of the store-inventory workshop. The field names
// and order are the workshop's schema (DESIGN.md, "Running example").
type Record struct {
	StoreID          string `json:"store_id"`
	ProductID        string `json:"product_id"`
	ProductName      string `json:"product_name"`
	CurrentStock     int    `json:"current_stock"`
	ThresholdLevel   int    `json:"threshold_level"`
	IsStockLow       bool   `json:"is_stock_low"`
	CheckTimestamp   int64  `json:"check_timestamp"`
	NotificationSent bool   `json:"notification_sent"`
	RestockStatus    string `json:"restock_status"`
}

// Restock statuses, in the workshop's Vietnamese: not handled, in progress, done.
const (
	StatusPending    = "chưa xử lý"
	StatusInProgress = "đang xử lý"
	StatusDone       = "đã xử lý"
)

// productNames are everyday goods of a Vietnamese grocery; PRD_2 is the
// "Sữa tươi" (fresh milk) of DESIGN.md's example record.
var productNames = []string{
	"Bánh mì", "Sữa tươi", "Gạo ST25", "Nước mắm", "Mì gói",
	"Cà phê", "Trứng gà", "Dầu ăn", "Nước suối", "Đường",
}

// ProductName is the name of product PRD_i (1-based); past the list, names
// repeat with a number so that every product id has its own name.
func ProductName(i int) string {
	name := productNames[(i-1)%len(productNames)]
	if round := (i - 1) / len(productNames); round > 0 {
		name = fmt.Sprintf("%s %d", name, round+1)
	}
	return name
}

// shelf is the state of one product in one store between checks.
type shelf struct {
	stock, threshold int
	// lowChecks counts the checks since the stock went low: the first one
	// has not notified anyone yet, later ones have.
	lowChecks int
}

// Generator makes stock checks. Each (store, product) shelf sells down
// between checks, goes low, gets a notification, and is restocked, so the
// planning query (low stock, no notification) finds a realistic few.
// Not safe for concurrent use.
type Generator struct {
	rng     *rand.Rand
	stores  int
	shelves [][]shelf // [store][product]
	now     func() time.Time
}

// NewGenerator makes records for stores STORE_1..STORE_<stores> and products
// PRD_1..PRD_<products>; the same seed gives the same sequence (apart from
// the timestamps, which are now()).
func NewGenerator(stores, products int, seed uint64, now func() time.Time) *Generator {
	if now == nil {
		now = time.Now
	}
	g := &Generator{rng: rand.New(rand.NewPCG(seed, 0x5110a1)), stores: stores, now: now}
	g.shelves = make([][]shelf, stores)
	for s := range g.shelves {
		g.shelves[s] = make([]shelf, products)
		for p := range g.shelves[s] {
			threshold := 10 + g.rng.IntN(11) // 10..20
			g.shelves[s][p] = shelf{threshold: threshold, stock: g.rng.IntN(4 * threshold)}
		}
	}
	return g
}

// Next is the next stock check, of a random shelf.
func (g *Generator) Next() Record {
	s, p := g.rng.IntN(g.stores), g.rng.IntN(len(g.shelves[0]))
	sh := &g.shelves[s][p]
	status := StatusDone
	notified := false
	switch {
	case sh.stock < sh.threshold && sh.lowChecks > 0 && g.rng.IntN(3) == 0:
		// The restock ordered after the notification arrives.
		sh.stock += 2*sh.threshold + g.rng.IntN(2*sh.threshold)
		sh.lowChecks = 0
		notified = true
	default:
		sh.stock = max(0, sh.stock-g.rng.IntN(6)) // sales since the last check
	}
	low := sh.stock < sh.threshold
	if low {
		notified = sh.lowChecks > 0
		status = StatusPending
		if notified {
			status = StatusInProgress
		}
		sh.lowChecks++
	}
	return Record{
		StoreID:          fmt.Sprintf("STORE_%d", s+1),
		ProductID:        fmt.Sprintf("PRD_%d", p+1),
		ProductName:      ProductName(p + 1),
		CurrentStock:     sh.stock,
		ThresholdLevel:   sh.threshold,
		IsStockLow:       low,
		CheckTimestamp:   g.now().Unix(),
		NotificationSent: notified,
		RestockStatus:    status,
	}
}
