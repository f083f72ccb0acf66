package kpl

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the AggregatedRecord, Record and Tag messages.
const (
	fieldPartitionKeyTable    protowire.Number = 1
	fieldExplicitHashKeyTable protowire.Number = 2
	fieldRecords              protowire.Number = 3

	fieldPartitionKeyIndex    protowire.Number = 1
	fieldExplicitHashKeyIndex protowire.Number = 2
	fieldData                 protowire.Number = 3
)

// encode writes the AggregatedRecord message for records.
func encode(records []Record) []byte {
	pkIndex, ehkIndex := map[string]uint64{}, map[string]uint64{}
	var pkTable, ehkTable []string
	index := func(m map[string]uint64, table *[]string, key string) uint64 {
		i, ok := m[key]
		if !ok {
			i = uint64(len(*table))
			m[key] = i
			*table = append(*table, key)
		}
		return i
	}
	var recs []byte
	for _, r := range records {
		var rec []byte
		rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.VarintType)
		rec = protowire.AppendVarint(rec, index(pkIndex, &pkTable, r.PartitionKey))
		if r.ExplicitHashKey != "" {
			rec = protowire.AppendTag(rec, fieldExplicitHashKeyIndex, protowire.VarintType)
			rec = protowire.AppendVarint(rec, index(ehkIndex, &ehkTable, r.ExplicitHashKey))
		}
		// data is required in proto2, so it is written even when empty.
		rec = protowire.AppendTag(rec, fieldData, protowire.BytesType)
		rec = protowire.AppendBytes(rec, r.Data)
		recs = protowire.AppendTag(recs, fieldRecords, protowire.BytesType)
		recs = protowire.AppendBytes(recs, rec)
	}
	var msg []byte
	for _, k := range pkTable {
		msg = protowire.AppendTag(msg, fieldPartitionKeyTable, protowire.BytesType)
		msg = protowire.AppendString(msg, k)
	}
	for _, k := range ehkTable {
		msg = protowire.AppendTag(msg, fieldExplicitHashKeyTable, protowire.BytesType)
		msg = protowire.AppendString(msg, k)
	}
	return append(msg, recs...)
}

// rawRecord is a Record message before its key indexes are resolved.
type rawRecord struct {
	pk, ehk       uint64
	hasPK, hasEHK bool
	hasData       bool
	data          []byte
}

// decode parses an AggregatedRecord message. Fields may come in any order
// (the tables are resolved at the end), and unknown fields are skipped, as
// protobuf parsers do.
func decode(msg []byte) ([]Record, error) {
	var pkTable, ehkTable []string
	var raws []rawRecord
	err := fields(msg, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch {
		case num == fieldPartitionKeyTable && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			pkTable = append(pkTable, string(v))
			return n, nil
		case num == fieldExplicitHashKeyTable && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			ehkTable = append(ehkTable, string(v))
			return n, nil
		case num == fieldRecords && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return n, nil
			}
			r, err := decodeRecord(v)
			if err != nil {
				return 0, fmt.Errorf("record %d: %w", len(raws), err)
			}
			raws = append(raws, r)
			return n, nil
		}
		return protowire.ConsumeFieldValue(num, typ, b), nil
	})
	if err != nil {
		return nil, err
	}
	return resolve(raws, pkTable, ehkTable)
}

func decodeRecord(msg []byte) (rawRecord, error) {
	var r rawRecord
	err := fields(msg, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch {
		case num == fieldPartitionKeyIndex && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			r.pk, r.hasPK = v, true
			return n, nil
		case num == fieldExplicitHashKeyIndex && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			r.ehk, r.hasEHK = v, true
			return n, nil
		case num == fieldData && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			r.data, r.hasData = v, true
			return n, nil
		}
		// Tags (field 4) and unknown fields carry nothing Shoal uses.
		return protowire.ConsumeFieldValue(num, typ, b), nil
	})
	if err != nil {
		return r, err
	}
	if !r.hasPK || !r.hasData {
		return r, errors.New("missing required partition_key_index or data")
	}
	return r, nil
}

// fields walks msg field by field; value consumes one field's value from b
// and returns its length, negative for a protowire parse error.
func fields(msg []byte, value func(protowire.Number, protowire.Type, []byte) (int, error)) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return fmt.Errorf("field tag: %w", protowire.ParseError(n))
		}
		msg = msg[n:]
		m, err := value(num, typ, msg)
		if err != nil {
			return err
		}
		if m < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
		}
		msg = msg[m:]
	}
	return nil
}

// resolve turns key indexes into keys, refusing indexes past their table.
func resolve(raws []rawRecord, pkTable, ehkTable []string) ([]Record, error) {
	recs := make([]Record, len(raws))
	for i, r := range raws {
		if r.pk >= uint64(len(pkTable)) {
			return nil, fmt.Errorf("record %d: partition key index %d past a table of %d", i, r.pk, len(pkTable))
		}
		recs[i] = Record{PartitionKey: pkTable[r.pk], Data: r.data}
		if r.hasEHK {
			if r.ehk >= uint64(len(ehkTable)) {
				return nil, fmt.Errorf("record %d: explicit hash key index %d past a table of %d", i, r.ehk, len(ehkTable))
			}
			recs[i].ExplicitHashKey = ehkTable[r.ehk]
		}
	}
	return recs, nil
}
