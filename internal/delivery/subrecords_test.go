package delivery

import (
	"bytes"
	"testing"
)

// A record that would split into more sub-records than a position can number
// goes whole to processing-failed instead of reusing positions.
func TestTooManySubRecordsFailWhole(t *testing.T) {
	w := &worker{plan: &plan{deaggregate: "DELIMITED", subDelimiter: []byte{','}}}
	data := bytes.Repeat([]byte("a,"), maxSubRecords+1)
	out := w.prepare(nil, nil, nil, 7, 0, 3, data, nil)
	if len(out) != 1 || out[0].errType != "processing-failed" || !bytes.Equal(out[0].data, data) {
		t.Fatalf("got %d prepared records, first error type %q", len(out), out[0].errType)
	}
}
