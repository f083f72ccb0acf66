package glueapi

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/crawler"
)

type crawlsFilter struct {
	FieldName      string
	FilterOperator string
	FieldValue     *string
}

type listCrawlsRequest struct {
	CrawlerName *string
	Filters     []crawlsFilter
	MaxResults  *int32
	NextToken   *string
}

type crawlerHistory struct {
	CrawlId       string
	State         string
	StartTime     awsapi.Timestamp
	EndTime       *awsapi.Timestamp `json:",omitempty"`
	Summary       string
	ErrorMessage  string `json:",omitempty"`
	LogGroup      string
	LogStream     string
	MessagePrefix string
	DPUHour       float64
}

func (a *api) listCrawls(ctx context.Context, in *listCrawlsRequest) (any, error) {
	if in.CrawlerName == nil {
		return nil, missing("crawlerName")
	}
	max, err := checkMax(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	if max == 0 {
		max = 20
	}
	for _, f := range in.Filters {
		if err := f.check(); err != nil {
			return nil, err
		}
	}
	runs, err := a.opts.Crawlers.Crawls(ctx, *in.CrawlerName)
	if err != nil {
		return nil, err
	}
	var kept []crawlerHistory
	for _, r := range runs {
		if matchAll(in.Filters, r) {
			kept = append(kept, historyShape(r))
		}
	}
	start := 0
	if in.NextToken != nil {
		if start, err = strconv.Atoi(*in.NextToken); err != nil || start < 0 || start > len(kept) {
			return nil, awsapi.Errorf(400, "InvalidInputException", "Invalid NextToken.")
		}
	}
	end := min(start+max, len(kept))
	resp := struct {
		Crawls    []crawlerHistory
		NextToken string `json:",omitempty"`
	}{Crawls: append([]crawlerHistory{}, kept[start:end]...)}
	if end < len(kept) {
		resp.NextToken = strconv.Itoa(end)
	}
	return resp, nil
}

func historyShape(r crawler.CrawlRun) crawlerHistory {
	h := crawlerHistory{CrawlId: r.ID, State: r.State, StartTime: awsapi.Timestamp{Time: r.StartTime}, Summary: r.Summary,
		ErrorMessage: r.ErrorMessage, LogGroup: r.LogGroup, LogStream: r.LogStream, MessagePrefix: r.ID}
	if !r.EndTime.IsZero() {
		h.EndTime = &awsapi.Timestamp{Time: r.EndTime}
	}
	return h
}

func (f crawlsFilter) check() error {
	switch f.FieldName {
	case "CRAWL_ID", "STATE", "START_TIME", "END_TIME", "DPU_HOUR":
	default:
		return awsapi.ConstraintViolation(f.FieldName, "filters.member.fieldName", "Member must satisfy enum value set: [CRAWL_ID, STATE, START_TIME, END_TIME, DPU_HOUR]")
	}
	switch f.FilterOperator {
	case "GT", "GE", "LT", "LE", "EQ", "NE":
	default:
		return awsapi.ConstraintViolation(f.FilterOperator, "filters.member.filterOperator", "Member must satisfy enum value set: [GT, GE, LT, LE, EQ, NE]")
	}
	if f.FieldName == "START_TIME" || f.FieldName == "END_TIME" {
		if _, err := parseFilterTime(deref(f.FieldValue)); err != nil {
			return err
		}
	}
	return nil
}

// parseFilterTime reads a time filter value: Unix milliseconds or RFC 3339.
func parseFilterTime(v string) (time.Time, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, awsapi.Errorf(400, "InvalidInputException", "Invalid time %q in crawls filter: use Unix milliseconds or RFC 3339.", v)
	}
	return t, nil
}

func matchAll(filters []crawlsFilter, r crawler.CrawlRun) bool {
	for _, f := range filters {
		if !f.match(r) {
			return false
		}
	}
	return true
}

func (f crawlsFilter) match(r crawler.CrawlRun) bool {
	v := deref(f.FieldValue)
	var c int
	switch f.FieldName {
	case "CRAWL_ID":
		c = strings.Compare(r.ID, v)
	case "STATE":
		c = strings.Compare(r.State, strings.ToUpper(v))
	case "START_TIME", "END_TIME":
		t, _ := parseFilterTime(v) // checked before
		at := r.StartTime
		if f.FieldName == "END_TIME" {
			if r.EndTime.IsZero() {
				return false
			}
			at = r.EndTime
		}
		c = at.Compare(t)
	case "DPU_HOUR":
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		c = cmp.Compare(0, x) // crawls here use no DPUs
	}
	return compareOp(f.FilterOperator, c)
}

func compareOp(op string, c int) bool {
	switch op {
	case "GT":
		return c > 0
	case "GE":
		return c >= 0
	case "LT":
		return c < 0
	case "LE":
		return c <= 0
	case "EQ":
		return c == 0
	case "NE":
		return c != 0
	}
	panic(fmt.Sprintf("glueapi: unchecked filter operator %q", op))
}
