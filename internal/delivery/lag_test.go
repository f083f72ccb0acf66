package delivery

import (
	"bytes"
	"crypto/md5"
	"log/slog"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/kpl"
	"github.com/shoal-dev/shoal/internal/stream"
)

func TestLagIsReportedAndLogged(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	c := &counters{}
	c.noteLag(log, "shardId-000000000001", 1500)
	c.noteLag(log, "shardId-000000000000", LagWarnThreshold.Milliseconds()+1)
	c.noteLag(log, "shardId-000000000000", LagWarnThreshold.Milliseconds()+2) // logged once
	var st Stats
	c.fillSource(&st)
	if st.MillisBehindLatest != LagWarnThreshold.Milliseconds()+2 || len(st.SourceShards) != 2 || st.SourceShards[0].ShardID != "shardId-000000000000" {
		t.Fatalf("%+v", st)
	}
	if n := strings.Count(logs.String(), "behind its source shard"); n != 1 {
		t.Fatalf("%d lag warnings:\n%s", n, logs.String())
	}
	c.noteLag(log, "shardId-000000000000", 0)
	if !strings.Contains(logs.String(), "caught up") {
		t.Fatalf("no recovery log:\n%s", logs.String())
	}
}

func TestTrimmedCheckpointIsReportedAsLoss(t *testing.T) {
	seq := func(msg uint64, idx int) string {
		return string(stream.AppendSequenceNumber(nil, stream.SeqNum{MsgSeq: msg, Index: idx}))
	}
	for _, tc := range []struct {
		name  string
		cp    checkpoint
		first stream.SeqNum
		lost  int64
	}{
		{"next record of the message", checkpoint{Seq: seq(5, 2)}, stream.SeqNum{MsgSeq: 5, Index: 3}, 0},
		{"next message", checkpoint{Seq: seq(5, 2), MsgEnd: true}, stream.SeqNum{MsgSeq: 6}, 0},
		{"rest of the message trimmed", checkpoint{Seq: seq(5, 2)}, stream.SeqNum{MsgSeq: 6}, 1},
		{"whole messages trimmed", checkpoint{Seq: seq(5, 2), MsgEnd: true}, stream.SeqNum{MsgSeq: 10}, 4},
		{"no checkpoint", checkpoint{}, stream.SeqNum{MsgSeq: 10}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &counters{}
			src := &source{stats: c, log: slog.New(slog.DiscardHandler)}
			src.checkGap(&shardCopy{shardID: "shardId-000000000000", cp: tc.cp}, stream.Record{Seq: tc.first, Arrival: 1})
			var st Stats
			c.fillSource(&st)
			if st.SourceRecordsLost != tc.lost || (tc.lost > 0) != (c.lastErr() != "") {
				t.Fatalf("lost %d (error %q), want %d", st.SourceRecordsLost, c.lastErr(), tc.lost)
			}
		})
	}
}

func TestUserRecords(t *testing.T) {
	src := &source{log: slog.New(slog.DiscardHandler)}
	agg, _ := kpl.Aggregate([]kpl.Record{{PartitionKey: "a", Data: []byte("1")}, {PartitionKey: "b", Data: []byte("2")}})
	badDigest := bytes.Clone(agg)
	badDigest[len(badDigest)-1] ^= 1
	body := []byte{0xff, 0xff, 0xff} // not a protobuf AggregatedRecord
	sum := md5.Sum(body)
	malformed := append(append([]byte(kpl.Magic), body...), sum[:]...)
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"plain", []byte("plain"), []string{"plain"}},
		{"aggregate", agg, []string{"1", "2"}},
		{"bad digest", badDigest, []string{string(badDigest)}},
		{"malformed body", malformed, []string{string(malformed)}},
	} {
		got := src.userRecords("shardId-000000000000", stream.Record{Data: tc.data})
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if strings.Join(gs, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q", tc.name, gs)
		}
	}
}
