package s3api

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/lake"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// lakeErrors maps the lake's errors to S3's codes.
var lakeErrors = []struct {
	err     error
	status  int
	code    string
	message string
}{
	{lake.ErrNoSuchBucket, 404, "NoSuchBucket", "The specified bucket does not exist"},
	{lake.ErrNoSuchKey, 404, "NoSuchKey", "The specified key does not exist."},
	{lake.ErrBucketNotEmpty, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty"},
	{lake.ErrBucketExists, 409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it."},
	{lake.ErrInvalidBucketName, 400, "InvalidBucketName", "The specified bucket is not valid."},
	{lake.ErrKeyTooLong, 400, "KeyTooLongError", "Your key is too long"},
	{lake.ErrInvalidKey, 400, "InvalidArgument", "Object key is not valid"},
	{lake.ErrInvalidRange, 416, "InvalidRange", "The requested range is not satisfiable"},
	{lake.ErrNoSuchUpload, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."},
	{lake.ErrInvalidPartOrder, 400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number."},
	{lake.ErrInvalidPart, 400, "InvalidPart", "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."},
	{lake.ErrEntityTooSmall, 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."},
	{lake.ErrKeyConflict, 409, "KeyConflict", "The key cannot be stored: Shoal's file lake cannot hold both an object and other objects below it as a prefix (e.g. \"a\" and \"a/b\")."},
}

// s3Error converts err to what the client should see. Errors from the
// verifying body reader (*awsapi.Error, auth failures) pass through to
// awsapi.WriteXMLError, which knows them.
func s3Error(err error, resource string) error {
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return ae
	}
	for _, le := range lakeErrors {
		if errors.Is(err, le.err) {
			msg := le.message
			if le.err == lake.ErrKeyTooLong || le.err == lake.ErrInvalidKey || le.err == lake.ErrInvalidBucketName {
				msg += " (" + err.Error() + ")"
			}
			return &awsapi.Error{Status: le.status, Code: le.code, Message: msg, Resource: resource}
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return awsapi.Errorf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	return err
}

func (h *handler) fail(rq *req, opName string, err error) {
	resource := "/" + rq.bucket
	if rq.key != "" {
		resource += "/" + rq.key
	}
	err = s3Error(err, resource)
	if ae := awsapi.AsError(err); ae.Status >= 500 && ae.Code != "NotImplemented" {
		h.log.Error("s3 request failed", "request_id", awsapi.RequestIDFrom(rq.r.Context()), "op", opName, "resource", resource, "err", err)
	}
	awsapi.WriteXMLError(rq.w, rq.r, err)
}

func invalidArgument(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "InvalidArgument", format, args...)
}

func malformedXML() error {
	return awsapi.Errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

// writeXML writes a 200 response with an XML body.
func writeXML(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, xml.Header)
	return xml.NewEncoder(w).Encode(v)
}

// readXML decodes a small request body (CreateBucket, DeleteObjects,
// CompleteMultipartUpload). The body may be the verifying reader, so a read
// error (bad signature or checksum) is returned as is.
func readXML(r *http.Request, v any) (empty bool, err error) {
	const maxXMLBody = 16 << 20 // 10,000 parts or 1,000 long keys fit easily
	b, err := io.ReadAll(io.LimitReader(r.Body, maxXMLBody+1))
	if err != nil {
		return false, err
	}
	if len(b) > maxXMLBody {
		return false, malformedXML()
	}
	if len(b) == 0 {
		return true, nil
	}
	if err := checkContentMD5(r, b); err != nil {
		return false, err
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return false, malformedXML()
	}
	return false, nil
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// owner is the bucket and object owner S3 reports; Shoal has one account,
// so the owner is derived from the caller's account.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}
