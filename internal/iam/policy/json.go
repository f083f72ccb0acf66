package policy

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// The policy grammar needs what encoding/json's struct decoding hides: the
// JSON type of every value (a string or an array of strings), the order of
// condition operators, and duplicate keys (which would otherwise silently
// win or lose). So documents are first read into this small ordered tree.

type jsonKind uint8

const (
	jsonString jsonKind = iota
	jsonNumber
	jsonBool
	jsonNull
	jsonArray
	jsonObject
)

type jsonValue struct {
	kind jsonKind
	str  string // string, number text, "true"/"false"
	arr  []jsonValue
	obj  []jsonMember
}

type jsonMember struct {
	key string
	val jsonValue
}

// maxJSONDepth bounds nesting; real policies nest five levels deep.
const maxJSONDepth = 32

// syntaxError is IAM's answer to anything that is not the policy grammar.
func syntaxError() error { return &MalformedError{Message: "Syntax errors in policy."} }

func parseJSON(doc string) (jsonValue, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return jsonValue{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jsonValue{}, syntaxError() // trailing data after the document
	}
	return v, nil
}

func readValue(dec *json.Decoder, depth int) (jsonValue, error) {
	if depth > maxJSONDepth {
		return jsonValue{}, syntaxError()
	}
	tok, err := dec.Token()
	if err != nil {
		return jsonValue{}, syntaxError()
	}
	switch t := tok.(type) {
	case string:
		return jsonValue{kind: jsonString, str: t}, nil
	case json.Number:
		return jsonValue{kind: jsonNumber, str: t.String()}, nil
	case bool:
		if t {
			return jsonValue{kind: jsonBool, str: "true"}, nil
		}
		return jsonValue{kind: jsonBool, str: "false"}, nil
	case nil:
		return jsonValue{kind: jsonNull}, nil
	case json.Delim:
		if t == '[' {
			return readArray(dec, depth)
		}
		if t == '{' {
			return readObject(dec, depth)
		}
	}
	return jsonValue{}, syntaxError()
}

func readArray(dec *json.Decoder, depth int) (jsonValue, error) {
	v := jsonValue{kind: jsonArray}
	for dec.More() {
		el, err := readValue(dec, depth+1)
		if err != nil {
			return jsonValue{}, err
		}
		v.arr = append(v.arr, el)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return jsonValue{}, syntaxError()
	}
	return v, nil
}

func readObject(dec *json.Decoder, depth int) (jsonValue, error) {
	v := jsonValue{kind: jsonObject}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonValue{}, syntaxError()
		}
		key, ok := tok.(string)
		if !ok || v.member(key) != nil {
			return jsonValue{}, syntaxError() // duplicate keys are ambiguous: reject
		}
		el, err := readValue(dec, depth+1)
		if err != nil {
			return jsonValue{}, err
		}
		v.obj = append(v.obj, jsonMember{key: key, val: el})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return jsonValue{}, syntaxError()
	}
	return v, nil
}

// member returns the value of key in an object, or nil.
func (v *jsonValue) member(key string) *jsonValue {
	for i := range v.obj {
		if v.obj[i].key == key {
			return &v.obj[i].val
		}
	}
	return nil
}

// stringList reads a value that IAM allows as a string or an array of strings.
func (v *jsonValue) stringList() ([]string, error) {
	switch v.kind {
	case jsonString:
		return []string{v.str}, nil
	case jsonArray:
		out := make([]string, 0, len(v.arr))
		for _, el := range v.arr {
			if el.kind != jsonString {
				return nil, syntaxError()
			}
			out = append(out, el.str)
		}
		return out, nil
	}
	return nil, syntaxError()
}

// scalarList is stringList() for condition values, which may also be JSON numbers
// and booleans ("Bool": {"aws:SecureTransport": true}).
func (v *jsonValue) scalarList() ([]string, error) {
	if v.kind == jsonNumber || v.kind == jsonBool {
		return []string{v.str}, nil
	}
	if v.kind != jsonArray {
		return v.stringList()
	}
	out := make([]string, 0, len(v.arr))
	for _, el := range v.arr {
		if el.kind != jsonString && el.kind != jsonNumber && el.kind != jsonBool {
			return nil, syntaxError()
		}
		out = append(out, el.str)
	}
	return out, nil
}

// writeJSONString appends s as a JSON string literal.
func writeJSONString(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s) // marshalling a string cannot fail
	b.Write(enc)
}
