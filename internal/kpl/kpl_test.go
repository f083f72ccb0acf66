package kpl

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// frame wraps a protobuf message as the KPL does: magic, message, MD5.
func frame(msg []byte) []byte {
	sum := md5.Sum(msg)
	return append(append([]byte(Magic), msg...), sum[:]...)
}

// knownMsg is an AggregatedRecord written out by hand:
// partition_key_table ["a"], explicit_hash_key_table ["1"], and two records,
// {pk 0, data "x"} and {pk 0, ehk 0, data ""}.
var knownMsg = []byte{
	0x0A, 0x01, 'a', // 1: partition_key_table "a"
	0x12, 0x01, '1', // 2: explicit_hash_key_table "1"
	0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, 'x', // 3: record {1: 0, 3: "x"}
	0x1A, 0x06, 0x08, 0x00, 0x10, 0x00, 0x1A, 0x00, // 3: record {1: 0, 2: 0, 3: ""}
}

var knownRecords = []Record{
	{PartitionKey: "a", Data: []byte("x")},
	{PartitionKey: "a", ExplicitHashKey: "1", Data: []byte{}},
}

func TestAggregateKnownBytes(t *testing.T) {
	got, err := Aggregate(knownRecords)
	if err != nil {
		t.Fatal(err)
	}
	if want := frame(knownMsg); !bytes.Equal(got, want) {
		t.Fatalf("Aggregate =\n% x\nwant\n% x", got, want)
	}
}

func TestDeaggregate(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		want []Record
	}{
		{"known vector", knownMsg, knownRecords},
		{
			// Records before the tables, a Tag, and an unknown field 9.
			name: "any field order, tags and unknown fields skipped",
			msg: []byte{
				0x1A, 0x0B, 0x08, 0x01, 0x1A, 0x02, 'h', 'i', 0x22, 0x03, 0x0A, 0x01, 'k', // record {1: 1, 3: "hi", 4: {1: "k"}}
				0x48, 0x07, // 9: varint 7
				0x0A, 0x01, 'p', // 1: "p"
				0x0A, 0x01, 'q', // 1: "q"
			},
			want: []Record{{PartitionKey: "q", Data: []byte("hi")}},
		},
		{"no records", []byte{0x0A, 0x01, 'p'}, []Record{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, agg, err := Deaggregate(frame(tt.msg))
			if err != nil || !agg {
				t.Fatalf("Deaggregate: aggregated %v, err %v", agg, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	var recs []Record
	for i := range 300 {
		r := Record{PartitionKey: fmt.Sprintf("key-%d", i%17), Data: bytes.Repeat([]byte{byte(i)}, i)}
		if i%5 == 0 {
			r.ExplicitHashKey = fmt.Sprint(uint64(i) * 1_000_000_007)
		}
		recs = append(recs, r)
	}
	agg, err := Aggregate(recs)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := Deaggregate(agg)
	if err != nil || !ok {
		t.Fatalf("aggregated %v, err %v", ok, err)
	}
	if !reflect.DeepEqual(got, recs) {
		t.Fatal("round trip changed the records")
	}
}

func TestPlainRecordPassesThrough(t *testing.T) {
	for _, data := range [][]byte{nil, {}, []byte(`{"InvoiceNo":"536365"}`), []byte(Magic[:3]), {0xF3, 0x89, 0x9A, 0xC3, 0, 0}} {
		recs, agg, err := Deaggregate(data)
		if recs != nil || agg || err != nil {
			t.Errorf("Deaggregate(% x) = %v, %v, %v; want a plain record", data, recs, agg, err)
		}
	}
}

func TestDeaggregateErrors(t *testing.T) {
	good := frame(knownMsg)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"magic only", []byte(Magic), ErrMalformed},
		{"truncated", good[:len(good)-5], ErrBadDigest},
		{"corrupted digest", flipped, ErrBadDigest},
		{"truncated message", frame(knownMsg[:len(knownMsg)-2]), ErrMalformed},
		{"bad tag", frame([]byte{0x00}), ErrMalformed},
		{"partition key index past the table", frame([]byte{0x1A, 0x05, 0x08, 0x03, 0x1A, 0x01, 'x'}), ErrMalformed},
		{"explicit hash key index past the table", frame([]byte{0x0A, 0x01, 'a', 0x1A, 0x07, 0x08, 0x00, 0x10, 0x00, 0x1A, 0x01, 'x'}), ErrMalformed},
		{"record without data", frame([]byte{0x0A, 0x01, 'a', 0x1A, 0x02, 0x08, 0x00}), ErrMalformed},
		{"record without partition key index", frame([]byte{0x0A, 0x01, 'a', 0x1A, 0x03, 0x1A, 0x01, 'x'}), ErrMalformed},
		{"record is a varint", frame([]byte{0x18, 0x01}), nil}, // wrong wire type: skipped like an unknown field
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, agg, err := Deaggregate(tt.data)
			if !agg {
				t.Fatal("not seen as aggregated")
			}
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAggregateLimits(t *testing.T) {
	// One record with partition key "k" and n data bytes (n near 1 MiB, so
	// its length varints take 3 bytes) aggregates to n+33 bytes: magic 4,
	// key table entry 3, record tag 1 + length 3, index 2, data tag 1 +
	// length 3, digest 16.
	const maxData = MaxRecordSize - 33
	tests := []struct {
		name    string
		records []Record
		want    error
		size    int
	}{
		{"exactly 1 MiB", []Record{{PartitionKey: "k", Data: make([]byte, maxData)}}, nil, MaxRecordSize},
		{"a byte over 1 MiB", []Record{{PartitionKey: "k", Data: make([]byte, maxData+1)}}, ErrTooLarge, 0},
		{"many records over 1 MiB together", manyRecords(11, 100_000), ErrTooLarge, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Aggregate(tt.records)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if len(got) != tt.size {
				t.Fatalf("%d bytes, want %d", len(got), tt.size)
			}
		})
	}
	for _, bad := range [][]Record{nil, {{Data: []byte("x")}}} {
		if _, err := Aggregate(bad); err == nil {
			t.Errorf("Aggregate(%v) succeeded", bad)
		}
	}
}

func manyRecords(n, size int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{PartitionKey: fmt.Sprint(i), Data: make([]byte, size)}
	}
	return recs
}

// FuzzDeaggregate checks that no input panics, and that whatever decodes
// survives a round trip. Inputs are tried both as they are and framed with
// a correct digest, so the fuzzer reaches the protobuf parser.
func FuzzDeaggregate(f *testing.F) {
	f.Add(knownMsg)
	f.Add(frame(knownMsg))
	f.Add([]byte{0x1A, 0x0B, 0x08, 0x01, 0x1A, 0x02, 'h', 'i', 0x22, 0x03, 0x0A, 0x01, 'k'})
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = Deaggregate(data)
		recs, agg, err := Deaggregate(frame(data))
		if !agg {
			t.Fatal("framed input not seen as aggregated")
		}
		if err != nil || len(recs) == 0 {
			return
		}
		for _, r := range recs {
			if r.PartitionKey == "" {
				return // Aggregate refuses these
			}
		}
		again, err := Aggregate(recs)
		if err != nil {
			return // over 1 MiB
		}
		got, _, err := Deaggregate(again)
		if err != nil || !reflect.DeepEqual(normalize(got), normalize(recs)) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, got, recs)
		}
	})
}

// normalize makes nil and empty data compare equal.
func normalize(recs []Record) []Record {
	out := make([]Record, len(recs))
	for i, r := range recs {
		out[i] = Record{PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey, Data: append([]byte{}, r.Data...)}
	}
	return out
}
