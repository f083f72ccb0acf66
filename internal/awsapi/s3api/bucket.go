package s3api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// ownerOf returns the canonical owner of the caller's account: a stable
// 64-hex-digit id, as S3 shows.
func ownerOf(rq *req) owner {
	account := "000000000000"
	if a := awsapi.AuthFrom(rq.r.Context()); a != nil {
		// arn:aws:iam::ACCOUNT:...
		if parts := strings.Split(a.Identity.ARN, ":"); len(parts) > 4 && parts[4] != "" {
			account = parts[4]
		}
	}
	sum := sha256.Sum256([]byte("shoal-account:" + account))
	return owner{ID: hex.EncodeToString(sum[:]), DisplayName: account}
}

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

type listBucketsResult struct {
	XMLName           xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             owner         `xml:"Owner"`
	Buckets           []bucketEntry `xml:"Buckets>Bucket"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
	Prefix            string        `xml:"Prefix,omitempty"`
}

func (h *handler) listBuckets(rq *req) error {
	buckets, err := h.store.ListBuckets(rq.r.Context())
	if err != nil {
		return err
	}
	if region := rq.q.Get("bucket-region"); region != "" && region != h.region {
		buckets = nil // every bucket lives in the server's region
	}
	max := 10000
	if v := rq.q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return invalidArgument("max-buckets must be an integer between 1 and 10000")
		}
		max = n
	}
	after := ""
	if tok := rq.q.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return invalidArgument("The continuation token provided is incorrect")
		}
		after = string(b)
	}
	out := listBucketsResult{Owner: ownerOf(rq), Prefix: rq.q.Get("prefix")}
	for _, b := range buckets {
		if b.Name <= after || !strings.HasPrefix(b.Name, out.Prefix) {
			continue
		}
		if len(out.Buckets) == max {
			out.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[max-1].Name))
			break
		}
		out.Buckets = append(out.Buckets, bucketEntry{Name: b.Name, CreationDate: isoTime(b.Created), BucketRegion: h.region})
	}
	return writeXML(rq.w, out)
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
	Bucket             *struct {
		Type string `xml:"Type"`
	} `xml:"Bucket"`
	Location *struct {
		Name string `xml:"Name"`
	} `xml:"Location"`
}

func (h *handler) createBucket(rq *req) error {
	if rq.r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled") == "true" {
		return notImplemented("object lock")
	}
	if acl := rq.r.Header.Get("X-Amz-Acl"); acl != "" && acl != "private" {
		return notImplemented("canned ACL " + acl)
	}
	var cfg createBucketConfiguration
	if _, err := readXML(rq.r, &cfg); err != nil {
		return err
	}
	if cfg.Bucket != nil || cfg.Location != nil {
		return notImplemented("directory buckets")
	}
	// Buckets live where the server runs; a different region cannot be
	// honoured, and silently ignoring it would mislead the caller.
	if lc := cfg.LocationConstraint; lc != "" && lc != h.region {
		return awsapi.Errorf(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to (this server's region is %s).", lc, h.region)
	}
	if err := h.store.CreateBucket(rq.r.Context(), rq.bucket); err != nil {
		return err
	}
	rq.w.Header().Set("Location", "/"+rq.bucket)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func (h *handler) headBucket(rq *req) error {
	if _, err := h.store.HeadBucket(rq.r.Context(), rq.bucket); err != nil {
		return err
	}
	rq.w.Header().Set("X-Amz-Bucket-Region", h.region)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func (h *handler) deleteBucket(rq *req) error {
	if err := h.store.DeleteBucket(rq.r.Context(), rq.bucket); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

func (h *handler) getBucketLocation(rq *req) error {
	if _, err := h.store.HeadBucket(rq.r.Context(), rq.bucket); err != nil {
		return err
	}
	region := h.region
	if region == "us-east-1" {
		region = "" // S3's historic answer for us-east-1
	}
	return writeXML(rq.w, locationConstraint{Region: region})
}
