package delivery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/itchyny/gojq"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// plan is a destination compiled for delivery.
type plan struct {
	dest      *S3Destination
	sizeBytes int
	interval  time.Duration
	zone      *time.Location
	prefix    *template
	errPrefix *template

	dynamic      bool
	jq           *gojq.Code
	jqKeys       []string   // keys of an object-literal query, when known
	fastJQ       *fastQuery // the query compiled to Go, when its shape allows
	appendDelim  bool
	deaggregate  string // "", "JSON" or "DELIMITED"
	subDelimiter []byte
	convert      *convertOptions
}

func processorParams(p Processor) map[string]string {
	m := make(map[string]string, len(p.Parameters))
	for _, kv := range p.Parameters {
		m[kv.ParameterName] = kv.ParameterValue
	}
	return m
}

// compileProcessing validates processors and dynamic partitioning.
func (p *plan) compileProcessing(created bool) error {
	d := p.dest
	if dp := d.DynamicPartitioningConfiguration; dp != nil && boolVal(dp.Enabled, false) {
		p.dynamic = true
		if ro := dp.RetryOptions; ro != nil && ro.DurationInSeconds != nil && (*ro.DurationInSeconds < 0 || *ro.DurationInSeconds > 7200) {
			return awserr.New(awserr.Validation, "1 validation error detected: Value '%d' at 'dynamicPartitioningConfiguration.retryOptions.durationInSeconds' failed to satisfy constraint: Member must have value between 0 and 7200", *ro.DurationInSeconds)
		}
	}
	if pc := d.ProcessingConfiguration; pc != nil && boolVal(pc.Enabled, false) {
		for _, proc := range pc.Processors {
			params := processorParams(proc)
			switch proc.Type {
			case "MetadataExtraction":
				if err := p.compileJQ(params); err != nil {
					return err
				}
			case "AppendDelimiterToRecord":
				p.appendDelim = true
			case "RecordDeAggregation":
				switch t := params["SubRecordType"]; t {
				case "JSON":
				case "DELIMITED":
					delim, err := base64.StdEncoding.DecodeString(params["Delimiter"])
					if err != nil || len(delim) == 0 {
						return invalidArg("RecordDeAggregation with SubRecordType DELIMITED needs a base64-encoded Delimiter parameter.")
					}
					p.subDelimiter = delim
				default:
					return invalidArg("RecordDeAggregation SubRecordType %q is not supported: use JSON or DELIMITED.", t)
				}
				p.deaggregate = params["SubRecordType"]
			case "Lambda":
				return invalidArg("Processor type Lambda is not supported by Shoal (there is no Lambda); use MetadataExtraction for dynamic partitioning keys.")
			case "Decompression", "CloudWatchLogProcessing":
				return invalidArg("Processor type %s is not supported by Shoal.", proc.Type)
			default:
				return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'processingConfiguration.processors.member.type' failed to satisfy constraint: Member must satisfy enum value set: [RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction, AppendDelimiterToRecord]", proc.Type)
			}
		}
	}
	if p.jq != nil && !p.dynamic {
		return invalidArg("MetadataExtraction processor requires DynamicPartitioningConfiguration to be enabled.")
	}
	prefixKeys := p.prefix.keys()
	if p.dynamic {
		if len(prefixKeys) == 0 {
			return invalidArg("Prefix must contain at least one dynamic partitioning key expression (!{partitionKeyFromQuery:key}) when dynamic partitioning is enabled.")
		}
		if p.jq == nil {
			return invalidArg("Dynamic partitioning keys are used in the Prefix, but no MetadataExtraction processor defines them.")
		}
		if p.jqKeys != nil {
			for _, k := range prefixKeys {
				if !slices.Contains(p.jqKeys, k) {
					return invalidArg("Partition key %q used in the Prefix is not defined by the MetadataExtractionQuery (it defines %s).", k, fmtKeys(p.jqKeys))
				}
			}
		}
	} else if len(prefixKeys) > 0 {
		return invalidArg("Prefix uses !{partitionKeyFromQuery:%s} but dynamic partitioning is not enabled.", prefixKeys[0])
	}
	return nil
}

func (p *plan) compileJQ(params map[string]string) error {
	if eng := params["JsonParsingEngine"]; eng != "" && eng != "JQ-1.6" {
		return invalidArg("JsonParsingEngine %q is not supported: use JQ-1.6.", eng)
	}
	src := params["MetadataExtractionQuery"]
	if src == "" {
		return invalidArg("MetadataExtraction processor needs a MetadataExtractionQuery parameter.")
	}
	q, err := gojq.Parse(src)
	if err != nil {
		return invalidArg("MetadataExtractionQuery %q is not a valid JQ expression: %v", src, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return invalidArg("MetadataExtractionQuery %q cannot be compiled: %v", src, err)
	}
	p.jq = code
	p.fastJQ = compileFastQuery(q)
	// An object literal names its keys statically, so the prefix can be checked.
	if q.Term != nil && q.Term.Object != nil && q.Left == nil {
		keys := []string{}
		for _, kv := range q.Term.Object.KeyVals {
			switch {
			case kv.Key != "":
				keys = append(keys, kv.Key)
			case kv.KeyString != nil && kv.KeyString.Str != "":
				keys = append(keys, kv.KeyString.Str)
			default:
				keys = nil
			}
			if keys == nil {
				break
			}
		}
		p.jqKeys = keys
	}
	return nil
}

// splitRecord applies RecordDeAggregation.
func (p *plan) splitRecord(data []byte) ([][]byte, error) {
	switch p.deaggregate {
	case "JSON":
		var out [][]byte
		dec := json.NewDecoder(bytes.NewReader(data))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err == io.EOF {
				return out, nil
			} else if err != nil {
				return nil, fmt.Errorf("de-aggregate JSON records: %w", err)
			}
			out = append(out, raw)
		}
	case "DELIMITED":
		parts := bytes.Split(data, p.subDelimiter)
		if len(parts) > 0 && len(parts[len(parts)-1]) == 0 {
			parts = parts[:len(parts)-1]
		}
		return parts, nil
	}
	return [][]byte{data}, nil
}

// partitionKeys runs the MetadataExtractionQuery over a parsed record.
func (p *plan) partitionKeys(doc any) (map[string]string, error) {
	iter := p.jq.Run(doc)
	v, ok := iter.Next()
	if !ok {
		return nil, fmt.Errorf("the query produced no output")
	}
	if err, isErr := v.(error); isErr {
		return nil, fmt.Errorf("the query failed: %w", err)
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return nil, fmt.Errorf("the query must produce a JSON object, got %T", v)
	}
	keys := make(map[string]string, len(obj))
	// In key order, so that of several bad keys the same one is reported.
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		val := obj[k]
		switch x := val.(type) {
		case string:
			keys[k] = x
		case float64:
			keys[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case int:
			keys[k] = strconv.Itoa(x)
		case bool:
			keys[k] = strconv.FormatBool(x)
		case json.Number:
			keys[k] = x.String()
		case nil:
			return nil, fmt.Errorf("partition key %q is null", k)
		default:
			return nil, fmt.Errorf("partition key %q must be a string or number, got %T", k, val)
		}
	}
	for _, k := range p.prefix.keys() {
		if _, ok := keys[k]; !ok {
			return nil, fmt.Errorf("partition key %q is missing from the query result", k)
		}
	}
	return keys, nil
}

// decodeJSON parses a record the way gojq expects its input (numbers as
// float64, or int when integral, so strftime and arithmetic behave).
func decodeJSON(data []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return normalizeNumbers(v), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil && i >= -1<<53 && i <= 1<<53 {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}
