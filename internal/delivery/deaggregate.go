package delivery

import (
	"github.com/shoal-dev/shoal/internal/kpl"
	"github.com/shoal-dev/shoal/internal/stream"
)

// userRecords returns the records a source record carries: the user records
// of a KPL aggregate, else the record itself. An aggregate whose digest or
// body is bad is passed through whole as plain data, as the KCL does.
func (src *source) userRecords(shardID string, r stream.Record) [][]byte {
	users, aggregated, err := kpl.Deaggregate(r.Data)
	if !aggregated {
		return [][]byte{r.Data}
	}
	if err != nil {
		src.log.Warn("KPL aggregate not de-aggregated; delivered as one record", "shard", shardID,
			"sequence_number", string(stream.AppendSequenceNumber(nil, r.Seq)), "err", err)
		return [][]byte{r.Data}
	}
	out := make([][]byte, len(users))
	for i, u := range users {
		out[i] = u.Data
	}
	return out
}
