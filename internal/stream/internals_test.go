package stream

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseHashKey(t *testing.T) {
	maxKey := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		var b [16]byte
		for i := range b[:1+r.IntN(16)] {
			b[i] = byte(r.IntN(256))
		}
		n := new(big.Int).SetBytes(b[:1+r.IntN(16)])
		k, ok := parseHashKey(n.String())
		if !ok || k.String() != n.String() {
			t.Fatalf("parse %s = %v %v", n, k, ok)
		}
	}
	for _, bad := range []string{"", "-1", "1a", "340282366920938463463374607431768211456", "999999999999999999999999999999999999999"} {
		if _, ok := parseHashKey(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
	if k, ok := parseHashKey(maxKey.String()); !ok || k != (hashKey{^uint64(0), ^uint64(0)}) {
		t.Fatalf("max key: %v", k)
	}
}

func TestRouteMatchesRanges(t *testing.T) {
	for _, n := range []int{1, 3, 4, 7, 64} {
		shards := buildShards("00000000000000aa", n)
		for i := range 2000 {
			pk := fmt.Sprint("key-", i)
			h := partitionHash(pk)
			hb, _ := new(big.Int).SetString(h.String(), 10)
			sh := shards[route(shards, h)]
			lo, _ := new(big.Int).SetString(sh.startKey, 10)
			hi, _ := new(big.Int).SetString(sh.endKey, 10)
			if hb.Cmp(lo) < 0 || hb.Cmp(hi) > 0 {
				t.Fatalf("%d shards: %s routed to %s [%s, %s]", n, pk, sh.id, sh.startKey, sh.endKey)
			}
		}
	}
}

func TestSequenceNumbers(t *testing.T) {
	prev := ""
	for _, n := range []SeqNum{{0, 0, 3}, {1, 0, 3}, {1, 1, 3}, {1, 499, 3}, {2, 0, 3}, {1 << 62, 7, 3}} {
		s := string(AppendSequenceNumber(nil, n))
		if len(s) != seqLen || s <= prev {
			t.Fatalf("%+v -> %s (after %s)", n, s, prev)
		}
		if got, ok := ParseSequenceNumber(s); !ok || got != n {
			t.Fatalf("round trip %+v -> %s -> %+v", n, s, got)
		}
		prev = s
	}
	for _, bad := range []string{"0", "12", "5000000000000000000010000000000", "400000000000000000001000000000x"} {
		if _, ok := ParseSequenceNumber(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestMessageCodec(t *testing.T) {
	entries := []PutEntry{{Data: []byte("a"), PartitionKey: "k1"}, {Data: nil, PartitionKey: "k2"}, {Data: bytes.Repeat([]byte{7}, 300), PartitionKey: "é"}}
	msg := appendMessageHeader(nil, 1234, len(entries))
	for _, e := range entries {
		msg = appendRecord(msg, e.PartitionKey, e.Data)
	}
	var r msgReader
	if err := r.reset(msg); err != nil || r.arrival != 1234 || r.count != 3 {
		t.Fatalf("header: %v %+v", err, r)
	}
	for _, e := range entries {
		pk, data, err := r.next()
		if err != nil || string(pk) != e.PartitionKey || !bytes.Equal(data, e.Data) {
			t.Fatalf("record: %q %q %v", pk, data, err)
		}
	}
	if _, _, err := r.next(); err == nil {
		t.Fatal("read past the end")
	}
	if err := r.reset(msg[:len(msg)-1]); err == nil {
		for err == nil {
			_, _, err = r.next()
		}
	}
}

func TestRetentionUpdatesMaxAge(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	if err := s.CreateStream(ctx, CreateStreamInput{Name: "r", ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRetention(ctx, "r", 72, true); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.lookup("r")
	for _, sh := range ds.layout.Load().all {
		st, err := s.js.Stream(ctx, sh.jsName)
		if err != nil || st.CachedInfo().Config.MaxAge != 72*time.Hour {
			t.Fatalf("%s: %v %v", sh.jsName, err, st.CachedInfo().Config.MaxAge)
		}
	}
	if err := s.SetRetention(ctx, "r", 48, true); err == nil {
		t.Fatal("increase to a shorter period accepted")
	}
}
