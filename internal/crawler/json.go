package crawler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// inferJSON reads a sample of concatenated or newline-delimited JSON objects
// and returns the merged top-level struct with members in first-seen order.
// ok is false when the sample does not start with an object or holds no
// complete record, so another classifier may try. A record cut off by the
// end of the sample is ignored.
func inferJSON(sample []byte) (fields []Field, records int, ok bool) {
	trimmed := bytes.TrimLeft(sample, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, 0, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var acc Type
	for dec.More() {
		t, err := decodeType(dec)
		if err != nil {
			break // the truncated tail, or garbage after the records
		}
		if t.Kind != typeStruct {
			return nil, 0, false
		}
		acc = merge(acc, t)
		records++
	}
	if records == 0 {
		return nil, 0, false
	}
	return acc.Fields, records, true
}

// decodeType reads one JSON value token by token (to keep member order) and
// maps it to a Glue type as the JSON classifier does: integers that fit 32
// bits are int, wider ones bigint, fractions double, null unknown.
func decodeType(dec *json.Decoder) (Type, error) {
	tok, err := dec.Token()
	if err != nil {
		return Type{}, err
	}
	switch x := tok.(type) {
	case nil:
		return Type{}, nil
	case bool:
		return Type{Kind: typeBoolean}, nil
	case string:
		return Type{Kind: typeString}, nil
	case json.Number:
		return numberType(x), nil
	case json.Delim:
		if x == '[' {
			return decodeArray(dec)
		}
		if x == '{' {
			return decodeObject(dec)
		}
	}
	return Type{}, fmt.Errorf("unexpected token %v", tok)
}

func decodeArray(dec *json.Decoder) (Type, error) {
	var elem Type
	for dec.More() {
		t, err := decodeType(dec)
		if err != nil {
			return Type{}, err
		}
		elem = merge(elem, t)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return Type{}, err
	}
	return Type{Kind: typeArray, Elem: &elem}, nil
}

func decodeObject(dec *json.Decoder) (Type, error) {
	var fields []Field
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return Type{}, err
		}
		t, err := decodeType(dec)
		if err != nil {
			return Type{}, err
		}
		// Glue lower-cases names; a repeated key widens the earlier one.
		fields = mergeFields(fields, []Field{{Name: strings.ToLower(key.(string)), Type: t}})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return Type{}, err
	}
	return Type{Kind: typeStruct, Fields: fields}, nil
}

func numberType(n json.Number) Type {
	if i, err := n.Int64(); err == nil {
		if i >= math.MinInt32 && i <= math.MaxInt32 {
			return Type{Kind: typeInt}
		}
		return Type{Kind: typeBigint}
	}
	return Type{Kind: typeDouble}
}
