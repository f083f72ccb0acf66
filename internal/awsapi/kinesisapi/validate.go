package kinesisapi

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// violations collects field constraint failures and reports them all at once,
// worded as Kinesis does ("2 validation errors detected: ...; ...").
type violations []string

func (v *violations) add(value any, field, constraint string) {
	if value == nil {
		*v = append(*v, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", field, constraint))
		return
	}
	*v = append(*v, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint))
}

func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return awsapi.ValidationError("1 validation error detected: %s", v[0])
	}
	return awsapi.ValidationError("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

const (
	mustNotBeNull = "Member must not be null"
	namePattern   = "[a-zA-Z0-9_.-]+"
	arnPattern    = `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`
	seqPattern    = `0|([1-9]\d{0,128})`
	hashPattern   = `0|([1-9]\d{0,38})`
)

var (
	nameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	arnRE  = regexp.MustCompile(`^arn:aws.*:kinesis:.*:\d{12}:stream/\S+$`)
	seqRE  = regexp.MustCompile(`^(0|([1-9]\d{0,128}))$`)
	hashRE = regexp.MustCompile(`^(0|([1-9]\d{0,38}))$`)
)

func lenMin(n int) string {
	return fmt.Sprintf("Member must have length greater than or equal to %d", n)
}
func lenMax(n int) string { return fmt.Sprintf("Member must have length less than or equal to %d", n) }
func valMin(n int) string {
	return fmt.Sprintf("Member must have value greater than or equal to %d", n)
}
func valMax(n int) string { return fmt.Sprintf("Member must have value less than or equal to %d", n) }
func pattern(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// str checks an optional string member: its length (in characters) and pattern.
func (v *violations) str(value, field string, minLen, maxLen int, re *regexp.Regexp, pat string) {
	if value == "" {
		return
	}
	n := utf8.RuneCountInString(value)
	if n < minLen {
		v.add(value, field, lenMin(minLen))
	}
	if n > maxLen {
		v.add(value, field, lenMax(maxLen))
	}
	if re != nil && !re.MatchString(value) {
		v.add(value, field, pattern(pat))
	}
}

func (v *violations) streamName(name, field string) {
	v.str(name, field, 1, 128, nameRE, namePattern)
}

func (v *violations) target(t target) {
	v.streamName(t.StreamName, "streamName")
	v.str(t.StreamARN, "streamARN", 1, 2048, arnRE, arnPattern)
}

func (v *violations) intRange(p *int32, field string, lo, hi int) {
	if p == nil {
		return
	}
	if int(*p) < lo {
		v.add(*p, field, valMin(lo))
	}
	if int(*p) > hi {
		v.add(*p, field, valMax(hi))
	}
}

func (v *violations) tagMap(tags map[string]string, field string) {
	for k, val := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			v.add(k, field+".key", lenMax(128))
		}
		if utf8.RuneCountInString(val) > 256 {
			v.add(val, field+".value", lenMax(256))
		}
	}
}

// blobValue renders a blob as the Java service does in validation messages.
func blobValue(b []byte) string {
	return fmt.Sprintf("java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]", len(b), len(b))
}

// record validates one record's members; prefix is "" for PutRecord and
// "records.N.member." for PutRecords.
func (v *violations) record(prefix string, data []byte, pk, ehk string) {
	if data == nil {
		v.add(nil, prefix+"data", mustNotBeNull)
	} else if len(data) > 1<<20 {
		v.add(blobValue(data), prefix+"data", lenMax(1<<20))
	}
	if pk == "" {
		v.add(pk, prefix+"partitionKey", lenMin(1))
	} else if utf8.RuneCountInString(pk) > 256 {
		v.add(pk, prefix+"partitionKey", lenMax(256))
	}
	if ehk != "" && !hashRE.MatchString(ehk) {
		v.add(ehk, prefix+"explicitHashKey", pattern(hashPattern))
	}
}

// unsupported rejects a member Shoal models but does not implement.
func unsupported(member, why string) error {
	return awsapi.Errorf(400, "InvalidArgumentException", "%s is not supported by Shoal: %s", member, why)
}

func checkCommon(t target, dryRun *bool) error {
	if t.StreamId != "" {
		return unsupported("StreamId", "address streams by StreamName or StreamARN")
	}
	if dryRun != nil && *dryRun {
		return unsupported("DryRun", "send the request without DryRun")
	}
	return nil
}
