package s3api

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/lake"
)

func (h *handler) putObject(rq *req) error {
	if err := checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	opts, err := putOptions(rq.r.Header)
	if err != nil {
		return err
	}
	body, cs, err := bodyReader(rq.r)
	if err != nil {
		return err
	}
	if cs != nil {
		// The checksum is verified by the time the store commits; computing
		// it ourselves lets us echo it, and return it on GET, without
		// trusting the header.
		body = &checksumRecorder{r: body, cs: cs, opts: &opts}
	}
	info, err := h.store.PutObject(rq.r.Context(), rq.bucket, rq.key, body, opts)
	if err != nil {
		return err
	}
	rq.w.Header().Set("ETag", info.ETag)
	if cs != nil {
		rq.w.Header().Set(cs.header, cs.value())
	}
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// checksumRecorder stores the computed checksum in the object's headers
// when the body ends, before the store attaches them to the object.
type checksumRecorder struct {
	r    io.Reader
	cs   *checksum
	opts *lake.PutOptions
}

func (c *checksumRecorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		c.opts.Headers[c.cs.header] = c.cs.value()
	}
	return n, err
}

func (h *handler) getObject(rq *req) error  { return h.serveObject(rq, false) }
func (h *handler) headObject(rq *req) error { return h.serveObject(rq, true) }

// serveObject answers GET and HEAD: preconditions, then range, then the
// body streamed from the store.
func (h *handler) serveObject(rq *req, head bool) error {
	ctx := rq.r.Context()
	rng := parseRange(rq.r.Header.Get("Range"))
	var (
		body io.ReadCloser
		info lake.ObjectInfo
		err  error
	)
	if head {
		info, err = h.store.HeadObject(ctx, rq.bucket, rq.key)
	} else {
		body, info, err = h.store.GetObject(ctx, rq.bucket, rq.key, rng)
		if errors.Is(err, lake.ErrInvalidRange) {
			// Preconditions take precedence over an unsatisfiable range.
			if info, err = h.store.HeadObject(ctx, rq.bucket, rq.key); err == nil {
				err = lake.ErrInvalidRange
			}
		}
	}
	if body != nil {
		defer body.Close()
	}
	if err != nil && !errors.Is(err, lake.ErrInvalidRange) {
		return err
	}
	hdr := rq.w.Header()
	switch precondition(rq.r.Header, "", info) {
	case http.StatusNotModified:
		hdr.Set("ETag", info.ETag)
		hdr.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
		rq.w.WriteHeader(http.StatusNotModified)
		return nil
	case http.StatusPreconditionFailed:
		return preconditionFailed()
	}
	start, end := int64(0), info.Size-1
	if rng != nil {
		if start, end, err = rng.Resolve(info.Size); err != nil {
			hdr.Set("Content-Range", "bytes */"+strconv.FormatInt(info.Size, 10))
			return lake.ErrInvalidRange
		}
	}
	setObjectHeaders(hdr, info, rq.q)
	hdr.Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	status := http.StatusOK
	if rng != nil {
		status = http.StatusPartialContent
		hdr.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(info.Size, 10))
	} else if strings.EqualFold(rq.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		for k, v := range info.Headers {
			if strings.HasPrefix(k, "x-amz-checksum-") {
				hdr.Set(k, v)
				hdr.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
			}
		}
	}
	rq.w.WriteHeader(status)
	if head {
		return nil
	}
	if _, err := io.Copy(rq.w, body); err != nil {
		// Headers are gone: abort the connection so the client sees a
		// truncated body rather than a short object.
		h.log.Warn("s3 GetObject: body copy failed", "bucket", rq.bucket, "key", rq.key, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func setObjectHeaders(hdr http.Header, info lake.ObjectInfo, q url.Values) {
	ct := info.ContentType
	if ct == "" {
		ct = "binary/octet-stream" // what S3 stores when none was given
	}
	hdr.Set("Content-Type", ct)
	hdr.Set("ETag", info.ETag)
	hdr.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	hdr.Set("Accept-Ranges", "bytes")
	for _, name := range storedHeaders {
		if v := info.Headers[name]; v != "" {
			hdr.Set(name, v)
		}
	}
	for k, v := range info.Metadata {
		hdr.Set("X-Amz-Meta-"+k, v)
	}
	for _, p := range getObjectParams {
		if v := q.Get(p); v != "" {
			hdr.Set(strings.TrimPrefix(p, "response-"), v)
		}
	}
}

func (h *handler) deleteObject(rq *req) error {
	if err := h.store.DeleteObject(rq.r.Context(), rq.bucket, rq.key); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

type deleteRequest struct {
	Quiet   bool `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deletedEntry struct {
	Key string `xml:"Key"`
}

type deleteErrorEntry struct {
	Key     string `xml:"Key"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type deleteResult struct {
	XMLName xml.Name           `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedEntry     `xml:"Deleted"`
	Errors  []deleteErrorEntry `xml:"Error"`
}

func (h *handler) deleteObjects(rq *req) error {
	var in deleteRequest
	empty, err := readXML(rq.r, &in)
	if err != nil {
		return err
	}
	if empty || len(in.Objects) == 0 || len(in.Objects) > 1000 {
		return malformedXML()
	}
	if _, err := h.store.HeadBucket(rq.r.Context(), rq.bucket); err != nil {
		return err
	}
	var out deleteResult
	for _, o := range in.Objects {
		if err := h.deleteEntry(rq, o.Key, o.VersionID); err != nil {
			ae := awsapi.AsError(s3Error(err, o.Key))
			out.Errors = append(out.Errors, deleteErrorEntry{Key: o.Key, Code: ae.Code, Message: ae.Message})
			continue
		}
		if !in.Quiet {
			out.Deleted = append(out.Deleted, deletedEntry{Key: o.Key})
		}
	}
	return writeXML(rq.w, out)
}

// deleteEntry deletes one key of a DeleteObjects request, which S3
// authorizes key by key (s3:DeleteObject on each object).
func (h *handler) deleteEntry(rq *req, key, versionID string) error {
	if versionID != "" && versionID != "null" {
		return notImplemented("object versions")
	}
	if err := awsapi.Authorize(rq.r.Context(), "s3:DeleteObject", objectARN(rq.bucket, key), nil); err != nil {
		return err
	}
	return h.store.DeleteObject(rq.r.Context(), rq.bucket, key)
}

// parseCopySource reads x-amz-copy-source: "[/]bucket/key[?versionId=v]"
// with the key URL-encoded.
func parseCopySource(v string) (bucket, key string, err error) {
	v, version, _ := strings.Cut(v, "?versionId=")
	if version != "" && version != "null" {
		return "", "", notImplemented("copying an object version")
	}
	s, err := url.PathUnescape(v)
	if err != nil {
		return "", "", invalidArgument("Invalid copy source encoding")
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(s, "/"), "/")
	if bucket == "" || key == "" {
		return "", "", invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	}
	return bucket, key, nil
}

// copySource resolves the copy source and checks x-amz-copy-source-if-*.
func (h *handler) copySource(rq *req) (bucket, key string, info lake.ObjectInfo, err error) {
	bucket, key, err = parseCopySource(rq.r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return "", "", info, err
	}
	info, err = h.store.HeadObject(rq.r.Context(), bucket, key)
	if err != nil {
		return "", "", info, err
	}
	if precondition(rq.r.Header, "X-Amz-Copy-Source-", info) != 0 {
		return "", "", info, preconditionFailed() // S3 answers 412 for all four
	}
	return bucket, key, info, nil
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
}

func (h *handler) copyObject(rq *req) error {
	if err := checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	if rq.r.Header.Get("X-Amz-Tagging-Directive") != "" {
		return notImplemented("header X-Amz-Tagging-Directive")
	}
	srcBucket, srcKey, _, err := h.copySource(rq)
	if err != nil {
		return err
	}
	var opts *lake.PutOptions
	switch d := rq.r.Header.Get("X-Amz-Metadata-Directive"); d {
	case "", "COPY":
		if srcBucket == rq.bucket && srcKey == rq.key {
			return awsapi.Errorf(http.StatusBadRequest, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
		}
	case "REPLACE":
		o, err := putOptions(rq.r.Header)
		if err != nil {
			return err
		}
		opts = &o
	default:
		return invalidArgument("Unknown metadata directive %q", d)
	}
	info, err := h.store.CopyObject(rq.r.Context(), srcBucket, srcKey, rq.bucket, rq.key, opts)
	if err != nil {
		return err
	}
	return writeXML(rq.w, copyObjectResult{ETag: info.ETag, LastModified: isoTime(info.LastModified)})
}
