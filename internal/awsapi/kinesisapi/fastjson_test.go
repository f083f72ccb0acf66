package kinesisapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

// reflectDecode is what the codec does without the fast path.
func reflectDecode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func randString(r *rand.Rand, n int) string {
	const alphabet = "abcXYZ019 _-\"\\/\n\t<>&é€😀\u2028\x01"
	runes := []rune(alphabet)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func TestPutRecordsDecodeMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		in := PutRecordsInput{target: target{StreamName: randString(r, r.IntN(5))}}
		if r.IntN(3) == 0 {
			in.StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/x"
		}
		for range r.IntN(20) {
			e := PutRecordsRequestEntry{PartitionKey: randString(r, r.IntN(10))}
			if r.IntN(5) > 0 {
				e.Data = make([]byte, r.IntN(300))
				for i := range e.Data {
					e.Data[i] = byte(r.IntN(256))
				}
			}
			if r.IntN(4) == 0 {
				e.ExplicitHashKey = fmt.Sprint(r.Uint64())
			}
			in.Records = append(in.Records, e)
		}
		body, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if iter%2 == 0 { // pretty-printed and with nulls, as other clients send
			var buf bytes.Buffer
			_ = json.Indent(&buf, body, "", "  ")
			body = bytes.Replace(buf.Bytes(), []byte(`"StreamName": ""`), []byte(`"StreamName": null`), 1)
		}
		var want, got PutRecordsInput
		if err := reflectDecode(body, &want); err != nil {
			t.Fatalf("encoding/json: %v\n%s", err, body)
		}
		if err := got.DecodeJSON(body); err != nil {
			t.Fatalf("fast: %v\n%s", err, body)
		}
		if !reflect.DeepEqual(normalize(want), normalize(got)) {
			t.Fatalf("mismatch\nwant %+v\ngot  %+v\n%s", want, got, body)
		}
	}
}

// normalize treats empty and nil data alike only where JSON cannot tell them apart.
func normalize(in PutRecordsInput) PutRecordsInput {
	for i := range in.Records {
		if in.Records[i].Data != nil && len(in.Records[i].Data) == 0 {
			in.Records[i].Data = []byte{}
		}
	}
	return in
}

func TestPutRecordsDecodeRejects(t *testing.T) {
	for _, body := range []string{
		`{"Records":[{"Data":"eA==","PartitionKey":"k","Extra":1}]}`,
		`{"StreamName":"s","Bogus":true}`,
		`{"Records":{"Data":"eA=="}}`,
		`{"Records":[{"Data":"eA==","PartitionKey":5}]}`,
		`{"Records":[{"Data":"not base64!","PartitionKey":"k"}]}`,
		`{"StreamName":"s"`,
		`{"StreamName":"s"} x`,
		`{"StreamName":"a` + "\x01" + `"}`,
		`{"DryRun":"yes"}`,
		`[]`,
	} {
		var fast PutRecordsInput
		err := fast.DecodeJSON([]byte(body))
		if err == nil {
			t.Errorf("fast path accepted %s", body)
			continue
		}
		if ae, ok := err.(*awsapi.Error); !ok || ae.Code != "SerializationException" {
			t.Errorf("%s: got %v", body, err)
		}
		var slow PutRecordsInput
		// encoding/json's Decoder stops after one value; the fast path also
		// rejects trailing garbage.
		if reflectDecode([]byte(body), &slow) == nil && !strings.HasSuffix(body, " x") {
			t.Errorf("encoding/json accepted %s", body)
		}
	}
	// Field names match case-insensitively, like encoding/json.
	var in PutRecordsInput
	if err := in.DecodeJSON([]byte(`{"streamname":"s","records":[{"data":"eA==","partitionkey":"k"}]}`)); err != nil || in.StreamName != "s" || string(in.Records[0].Data) != "x" {
		t.Fatalf("case-insensitive: %+v %v", in, err)
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		g := &getRecordsResponse{out: &stream.GetRecordsOutput{NextShardIterator: randString(r, 8), MillisBehindLatest: r.Int64N(1e6)}}
		for range r.IntN(10) {
			data := make([]byte, r.IntN(100))
			for i := range data {
				data[i] = byte(r.IntN(256))
			}
			g.out.Records = append(g.out.Records, stream.Record{
				Data: data, PartitionKey: randString(r, 1+r.IntN(10)),
				Seq:     stream.SeqNum{MsgSeq: r.Uint64N(1e12), Index: r.IntN(500), Shard: r.IntN(100)},
				Arrival: time.Now().UnixMilli() - r.Int64N(1e9),
			})
		}
		want, _ := json.Marshal(g.model())
		if got := g.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("GetRecords\nwant %s\ngot  %s", want, got)
		}
		p := &putRecordsResponse{}
		for i := range r.IntN(10) {
			res := stream.PutResult{Seq: stream.SeqNum{MsgSeq: r.Uint64N(1e12), Index: i, Shard: r.IntN(10)}}
			if r.IntN(4) == 0 {
				res = stream.PutResult{ErrorCode: "InternalFailure", ErrorMessage: randString(r, 5)}
				p.failed++
			}
			p.results = append(p.results, res)
		}
		want, _ = json.Marshal(p.model())
		if got := p.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("PutRecords\nwant %s\ngot  %s", want, got)
		}
	}
	// Invalid UTF-8 in a partition key is replaced as encoding/json does.
	if got, want := appendString(nil, "a\xffb"), []byte(`"a\ufffdb"`); !bytes.Equal(got, want) {
		t.Fatalf("%s != %s", got, want)
	}
}

func BenchmarkPutRecordsDecode(b *testing.B) {
	in := PutRecordsInput{target: target{StreamName: "bench"}}
	for i := range 500 {
		in.Records = append(in.Records, PutRecordsRequestEntry{Data: make([]byte, 200), PartitionKey: fmt.Sprintf("key-%d", i)})
	}
	body, _ := json.Marshal(in)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var out PutRecordsInput
		if err := out.DecodeJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetRecordsAppend(b *testing.B) {
	g := &getRecordsResponse{out: &stream.GetRecordsOutput{NextShardIterator: strings.Repeat("A", 76)}}
	for i := range 10000 {
		g.out.Records = append(g.out.Records, stream.Record{Data: make([]byte, 200), PartitionKey: fmt.Sprintf("key-%d", i), Seq: stream.SeqNum{MsgSeq: uint64(i)}, Arrival: time.Now().UnixMilli()})
	}
	b.SetBytes(10000 * 200)
	b.ReportAllocs()
	for b.Loop() {
		_ = g.AppendJSON(make([]byte, 0, 4096))
	}
}
