// Package s3api serves the S3 REST API over a lake.Store: path-style
// requests (/BUCKET/KEY) and virtual-host style ones (BUCKET.localhost,
// BUCKET.s3.localhost). Requests arrive authenticated by the awsapi Router.
// Operations and sub-resources it does not implement are refused with
// NotImplemented rather than answered as something else.
package s3api

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/lake"
)

// Options configures the handler.
type Options struct {
	Region string
	Logger *slog.Logger
}

type handler struct {
	store  lake.Store
	region string
	log    *slog.Logger
}

// New returns the S3 REST handler.
func New(store lake.Store, o Options) http.Handler {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &handler{store: store, region: o.Region, log: o.Logger}
}

// req is one request with its bucket and key resolved.
type req struct {
	w      http.ResponseWriter
	r      *http.Request
	q      url.Values
	bucket string
	key    string
}

type opFunc func(h *handler, rq *req) error

// op is an operation and the query parameters it understands; any other
// parameter is a sub-resource we do not implement.
type op struct {
	name   string
	fn     opFunc
	params []string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq := &req{w: w, r: r, q: r.URL.Query()}
	rq.bucket, rq.key = bucketAndKey(r)
	o, err := route(r.Method, rq)
	if err == nil {
		err = checkParams(o, rq.q)
	}
	if err == nil {
		err = authorize(rq, o)
	}
	if err == nil {
		// Verify x-amz-checksum-* headers and aws-chunked trailers on every
		// body we read, not just object data.
		err = awsapi.WrapChecksums(r)
	}
	if err == nil {
		err = hideMissingKey(rq, o, o.fn(h, rq))
	}
	if err != nil {
		h.fail(rq, o.name, err)
	}
}

// bucketAndKey reads the bucket from a virtual host name, or else from the
// first path segment. The key is the rest of the decoded path, verbatim:
// "a/../b" is a key, not a path to clean.
func bucketAndKey(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	path := strings.TrimPrefix(r.URL.Path, "/")
	for _, suffix := range []string{".s3.localhost", ".localhost"} {
		if b, ok := strings.CutSuffix(host, suffix); ok && b != "" && host != "s3.localhost" {
			return b, path
		}
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

var (
	getObjectParams = []string{"response-content-type", "response-content-language", "response-expires",
		"response-cache-control", "response-content-disposition", "response-content-encoding"}
	opListBuckets   = op{"ListBuckets", (*handler).listBuckets, []string{"prefix", "max-buckets", "continuation-token", "bucket-region"}}
	opLocation      = op{"GetBucketLocation", (*handler).getBucketLocation, []string{"location"}}
	opListUploads   = op{"ListMultipartUploads", (*handler).listUploads, []string{"uploads", "prefix", "delimiter", "key-marker", "upload-id-marker", "max-uploads", "encoding-type"}}
	opListV2        = op{"ListObjectsV2", (*handler).listObjectsV2, []string{"list-type", "prefix", "delimiter", "continuation-token", "max-keys", "start-after", "fetch-owner", "encoding-type"}}
	opListV1        = op{"ListObjects", (*handler).listObjectsV1, []string{"prefix", "delimiter", "marker", "max-keys", "encoding-type"}}
	opCreateBucket  = op{"CreateBucket", (*handler).createBucket, nil}
	opHeadBucket    = op{"HeadBucket", (*handler).headBucket, nil}
	opDeleteBucket  = op{"DeleteBucket", (*handler).deleteBucket, nil}
	opDeleteObjects = op{"DeleteObjects", (*handler).deleteObjects, []string{"delete"}}
	opListParts     = op{"ListParts", (*handler).listParts, []string{"uploadId", "max-parts", "part-number-marker", "encoding-type"}}
	opGetObject     = op{"GetObject", (*handler).getObject, getObjectParams}
	opHeadObject    = op{"HeadObject", (*handler).headObject, getObjectParams}
	opUploadPart    = op{"UploadPart", (*handler).uploadPart, []string{"uploadId", "partNumber"}}
	opCopyObject    = op{"CopyObject", (*handler).copyObject, nil}
	opPutObject     = op{"PutObject", (*handler).putObject, nil}
	opAbort         = op{"AbortMultipartUpload", (*handler).abortUpload, []string{"uploadId"}}
	opDeleteObject  = op{"DeleteObject", (*handler).deleteObject, nil}
	opCreateUpload  = op{"CreateMultipartUpload", (*handler).createUpload, []string{"uploads"}}
	opComplete      = op{"CompleteMultipartUpload", (*handler).completeUpload, []string{"uploadId"}}
)

// route picks the operation from the method, what the path names and the
// query's sub-resource.
func route(method string, rq *req) (op, error) {
	has := func(k string) bool { _, ok := rq.q[k]; return ok }
	notAllowed := awsapi.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	switch {
	case rq.bucket == "":
		if method == http.MethodGet {
			return opListBuckets, nil
		}
	case rq.key == "":
		switch method {
		case http.MethodGet:
			switch {
			case has("location"):
				return opLocation, nil
			case has("uploads"):
				return opListUploads, nil
			case has("list-type"):
				return opListV2, nil
			}
			return opListV1, nil
		case http.MethodPut:
			return opCreateBucket, nil
		case http.MethodHead:
			return opHeadBucket, nil
		case http.MethodDelete:
			return opDeleteBucket, nil
		case http.MethodPost:
			if has("delete") {
				return opDeleteObjects, nil
			}
			return op{name: "PostBucket"}, notImplemented("POST on a bucket without ?delete (browser form uploads)")
		}
	default:
		switch method {
		case http.MethodGet:
			if has("uploadId") {
				return opListParts, nil
			}
			return opGetObject, nil
		case http.MethodHead:
			return opHeadObject, nil
		case http.MethodPut:
			if has("uploadId") || has("partNumber") {
				return opUploadPart, nil
			}
			if rq.r.Header.Get("X-Amz-Copy-Source") != "" {
				return opCopyObject, nil
			}
			return opPutObject, nil
		case http.MethodDelete:
			if has("uploadId") {
				return opAbort, nil
			}
			return opDeleteObject, nil
		case http.MethodPost:
			if has("uploads") {
				return opCreateUpload, nil
			}
			if has("uploadId") {
				return opComplete, nil
			}
			return op{name: "PostObject"}, notImplemented("POST on an object without ?uploads or ?uploadId (restore, select)")
		}
	}
	return op{name: method}, notAllowed
}

// checkParams refuses sub-resources and parameters o does not understand,
// ignoring the SDK's x-id and presigned-URL authentication parameters.
func checkParams(o op, q url.Values) error {
	var unknown []string
	for k := range q {
		if k == "x-id" || strings.HasPrefix(strings.ToLower(k), "x-amz-") {
			continue
		}
		known := false
		for _, p := range o.params {
			known = known || p == k
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return notImplemented("?" + strings.Join(unknown, ", ?"))
}

func notImplemented(what string) error {
	return awsapi.Errorf(http.StatusNotImplemented, "NotImplemented", "A header or query you provided implies functionality that is not implemented: %s.", what)
}
