package s3api

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/lake"
)

type objectEntry struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Owner        *owner `xml:"Owner,omitempty"`
	StorageClass string `xml:"StorageClass"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listV2Result struct {
	XMLName               xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	Contents              []objectEntry  `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listV1Result struct {
	XMLName        xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	IsTruncated    bool           `xml:"IsTruncated"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	Contents       []objectEntry  `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

// listing is what both list versions share: the parsed parameters and the
// page, with names encoded as the client asked.
type listing struct {
	prefix, delimiter string
	maxKeys           int
	encode            func(string) string
	encodingType      string
	res               lake.ListResult
}

func (h *handler) list(rq *req, startAfter string) (*listing, error) {
	l := &listing{prefix: rq.q.Get("prefix"), delimiter: rq.q.Get("delimiter"), maxKeys: lake.MaxListKeys, encode: func(s string) string { return s }}
	if v := rq.q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, invalidArgument("Provided max-keys not an integer or within integer range")
		}
		l.maxKeys = min(n, lake.MaxListKeys)
	}
	switch et := rq.q.Get("encoding-type"); et {
	case "":
	case "url":
		l.encodingType, l.encode = et, urlEncode
	default:
		return nil, invalidArgument("Invalid Encoding Method specified in Request")
	}
	if l.maxKeys == 0 {
		// S3 answers max-keys=0 with an empty page; checking the bucket
		// keeps NoSuchBucket working.
		_, err := h.store.HeadBucket(rq.r.Context(), rq.bucket)
		return l, err
	}
	var err error
	l.res, err = h.store.ListObjects(rq.r.Context(), rq.bucket, lake.ListOptions{
		Prefix: l.prefix, Delimiter: l.delimiter, StartAfter: startAfter, MaxKeys: l.maxKeys,
	})
	return l, err
}

func (l *listing) contents(o *owner) []objectEntry {
	out := make([]objectEntry, 0, len(l.res.Objects))
	for _, obj := range l.res.Objects {
		out = append(out, objectEntry{Key: l.encode(obj.Key), LastModified: isoTime(obj.LastModified), ETag: obj.ETag, Size: obj.Size, Owner: o, StorageClass: "STANDARD"})
	}
	return out
}

func (l *listing) prefixes() []commonPrefix {
	var out []commonPrefix
	for _, p := range l.res.CommonPrefixes {
		out = append(out, commonPrefix{Prefix: l.encode(p)})
	}
	return out
}

// urlEncode is encoding-type=url: keys may hold characters XML 1.0 cannot.
func urlEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

// Continuation tokens are opaque to clients; they carry the last key or
// common prefix returned.
func encodeToken(after string) string { return base64.RawURLEncoding.EncodeToString([]byte(after)) }

func (h *handler) listObjectsV2(rq *req) error {
	if rq.q.Get("list-type") != "2" {
		return invalidArgument("Invalid list-type %q", rq.q.Get("list-type"))
	}
	startAfter := rq.q.Get("start-after")
	token, hasToken := rq.q["continuation-token"]
	if hasToken {
		b, err := base64.RawURLEncoding.DecodeString(token[0])
		if err != nil || token[0] == "" {
			return invalidArgument("The continuation token provided is incorrect")
		}
		startAfter = string(b)
	}
	l, err := h.list(rq, startAfter)
	if err != nil {
		return err
	}
	var o *owner
	if rq.q.Get("fetch-owner") == "true" {
		own := ownerOf(rq)
		o = &own
	}
	out := listV2Result{
		Name: rq.bucket, Prefix: l.encode(l.prefix), Delimiter: l.encode(l.delimiter), MaxKeys: l.maxKeys,
		KeyCount: len(l.res.Objects) + len(l.res.CommonPrefixes), IsTruncated: l.res.IsTruncated,
		StartAfter: l.encode(rq.q.Get("start-after")), EncodingType: l.encodingType,
		Contents: l.contents(o), CommonPrefixes: l.prefixes(),
	}
	if hasToken {
		out.ContinuationToken = token[0]
	}
	if l.res.IsTruncated {
		out.NextContinuationToken = encodeToken(l.res.NextStartAfter)
	}
	return writeXML(rq.w, out)
}

func (h *handler) listObjectsV1(rq *req) error {
	marker := rq.q.Get("marker")
	l, err := h.list(rq, marker)
	if err != nil {
		return err
	}
	own := ownerOf(rq)
	out := listV1Result{
		Name: rq.bucket, Prefix: l.encode(l.prefix), Marker: l.encode(marker), Delimiter: l.encode(l.delimiter),
		MaxKeys: l.maxKeys, IsTruncated: l.res.IsTruncated, EncodingType: l.encodingType,
		Contents: l.contents(&own), CommonPrefixes: l.prefixes(),
	}
	if l.res.IsTruncated {
		// S3 sends NextMarker only with a delimiter; sending it always is
		// harmless and saves clients from deriving it.
		out.NextMarker = l.encode(l.res.NextStartAfter)
	}
	return writeXML(rq.w, out)
}
