package delivery

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genRecords makes inventory-like records that exercise the fast paths'
// edge cases: missing fields, nulls, case and dot variants of keys,
// duplicates, escapes, unicode, invalid UTF-8, numbers of every shape,
// nested values, and malformed or trailing data.
func genRecords(n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	strs := []string{`"STORE_3"`, `"PRD_2"`, `"Sữa tươi"`, `"chưa xử lý"`, `""`, `"a\"b"`, `"\u00e9\n"`, `"\ud800x"`, "\"bad\xff\xfeutf8\"",
		`"true"`, `"FALSE"`, `" 42 "`, `"42"`, `"4.5"`, `"1752724231"`, `"2025-07-17 06:01:02"`, `"2025-07-17"`, `"12.345"`, `"x/y"`, `"\u0000"`}
	nums := []string{`0`, `-0`, `4`, `-17`, `2147483647`, `2147483648`, `-2147483649`, `9007199254740992`, `9007199254740993`, `12345678901234567890`,
		`1.5`, `1.0`, `-2.25`, `1e3`, `1E-2`, `1e400`, `-1e-400`, `1752724231`, `1752724231.5`, `1752724231000`, `-1752724231`, `99999999999999999999`,
		`253402300799`, `253402300800`, `3600`, `0.1`}
	scalar := func() string {
		switch rng.IntN(10) {
		case 0, 1, 2, 3:
			return pick(strs...)
		case 4, 5, 6:
			return pick(nums...)
		case 7:
			return pick(`true`, `false`)
		case 8:
			return `null`
		}
		return pick(`{"a":1}`, `[1,2]`, `[]`, `{}`, `{"a":"x","b":[true]}`)
	}
	keys := []string{"store_id", "product_id", "product_name", "current_stock", "threshold_level", "is_stock_low",
		"check_timestamp", "notification_sent", "restock_status", "price", "ratio", "amount", "big_amount", "day", "ts", "blob", "small", "tiny"}
	typical := func(i int) map[string]string {
		return map[string]string{
			"store_id": fmt.Sprintf(`"STORE_%d"`, i%10), "product_id": fmt.Sprintf(`"PRD_%d"`, i%5), "product_name": `"Sữa tươi"`,
			"current_stock": fmt.Sprint(i % 20), "threshold_level": "9", "is_stock_low": fmt.Sprint(i%20 < 9),
			"check_timestamp": fmt.Sprint(1752710400 + i*37), "notification_sent": "false", "restock_status": `"chưa xử lý"`,
			"price": "1.25", "ratio": "0.5", "amount": `"12.34"`, "big_amount": "12345", "day": `"2025-07-17"`, "ts": "1752724231",
			"blob": `"aGVsbG8="`, "small": "7", "tiny": "-3",
		}
	}
	var out [][]byte
	for i := range n {
		m := typical(i)
		order := append([]string(nil), keys...)
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		// Mutate a few fields: most records stay convertible.
		for range rng.IntN(3) {
			k := order[rng.IntN(len(order))]
			switch rng.IntN(4) {
			case 0:
				delete(m, k)
			default:
				m[k] = scalar()
			}
		}
		var b strings.Builder
		b.WriteString(pick("{", "{", " {", "\n{\t"))
		first := true
		for _, k := range order {
			v, ok := m[k]
			if !ok {
				continue
			}
			if !first {
				b.WriteString(pick(",", ",", " , "))
			}
			first = false
			key := k
			switch rng.IntN(300) {
			case 0:
				key = strings.ToUpper(k)
			case 1:
				key = strings.Replace(k, "_", ".", 1)
			case 2:
				key = k + `\u0041`
			case 3:
				key = "sữa_" + k
			}
			fmt.Fprintf(&b, `"%s"%s%s`, key, pick(":", ":", " : "), v)
		}
		switch rng.IntN(30) {
		case 0:
			fmt.Fprintf(&b, `,"store_id":%s`, scalar()) // duplicate key
		case 1:
			b.WriteString(`,"STORE_ID":"STORE_9"`)
		}
		b.WriteString("}")
		switch rng.IntN(40) {
		case 0:
			b.WriteString(" ")
		case 1:
			b.WriteString("}")
		case 2:
			b.WriteString(" x")
		case 3:
			b.WriteString(`{"a":1}`)
		}
		rec := b.String()
		switch rng.IntN(60) {
		case 0:
			rec = rec[:len(rec)/2]
		case 1:
			rec = pick(`[1,2]`, `"s"`, `5`, `null`, `{}`, ``, `{"a":}`, `{"a":1,}`, `{,}`, `{"a" 1}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":tru}`, `{"a":"x"`)
		}
		out = append(out, []byte(rec))
	}
	return out
}
