package s3api

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/lake"
)

type initiateResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func (h *handler) createUpload(rq *req) error {
	if err := checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	opts, err := putOptions(rq.r.Header)
	if err != nil {
		return err
	}
	id, err := h.store.CreateMultipartUpload(rq.r.Context(), rq.bucket, rq.key, opts)
	if err != nil {
		return err
	}
	if alg := rq.r.Header.Get("X-Amz-Checksum-Algorithm"); alg != "" {
		// Each part's checksum is verified on upload; the whole object gets
		// no checksum of its own.
		rq.w.Header().Set("X-Amz-Checksum-Algorithm", alg)
	}
	return writeXML(rq.w, initiateResult{Bucket: rq.bucket, Key: rq.key, UploadID: id})
}

func partNumber(q string) (int, error) {
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > lake.MaxPartNumber {
		return 0, invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}

func (h *handler) uploadPart(rq *req) error {
	n, err := partNumber(rq.q.Get("partNumber"))
	if err != nil {
		return err
	}
	uploadID := rq.q.Get("uploadId")
	if rq.r.Header.Get("X-Amz-Copy-Source") != "" {
		return h.uploadPartCopy(rq, n, uploadID)
	}
	body, cs, err := bodyReader(rq.r)
	if err != nil {
		return err
	}
	part, err := h.store.UploadPart(rq.r.Context(), rq.bucket, rq.key, uploadID, n, body)
	if err != nil {
		return err
	}
	rq.w.Header().Set("ETag", part.ETag)
	if cs != nil {
		rq.w.Header().Set(cs.header, cs.value())
	}
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyPartResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
}

// uploadPartCopy streams the source (or x-amz-copy-source-range of it) into
// a part.
func (h *handler) uploadPartCopy(rq *req, n int, uploadID string) error {
	srcBucket, srcKey, _, err := h.copySource(rq)
	if err != nil {
		return err
	}
	var rng *lake.Range
	if v := rq.r.Header.Get("X-Amz-Copy-Source-Range"); v != "" {
		if rng = parseRange(v); rng == nil || rng.Suffix > 0 || rng.End < 0 {
			return invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
		}
	}
	// Check the upload before reading the source.
	if _, err := h.store.ListParts(rq.r.Context(), rq.bucket, rq.key, uploadID); err != nil {
		return err
	}
	src, _, err := h.store.GetObject(rq.r.Context(), srcBucket, srcKey, rng)
	if err != nil {
		return err
	}
	defer src.Close()
	part, err := h.store.UploadPart(rq.r.Context(), rq.bucket, rq.key, uploadID, n, src)
	if err != nil {
		return err
	}
	return writeXML(rq.w, copyPartResult{ETag: part.ETag, LastModified: isoTime(part.LastModified)})
}

type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func (h *handler) completeUpload(rq *req) error {
	if err := checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	var in completeRequest
	empty, err := readXML(rq.r, &in)
	if err != nil {
		return err
	}
	if empty || len(in.Parts) == 0 {
		return malformedXML()
	}
	parts := make([]lake.CompletedPart, len(in.Parts))
	for i, p := range in.Parts {
		parts[i] = lake.CompletedPart{Number: p.PartNumber, ETag: p.ETag}
	}
	info, err := h.store.CompleteMultipartUpload(rq.r.Context(), rq.bucket, rq.key, rq.q.Get("uploadId"), parts)
	if err != nil {
		return err
	}
	loc := "http://" + rq.r.Host + "/" + rq.bucket + "/" + rq.key
	return writeXML(rq.w, completeResult{Location: loc, Bucket: rq.bucket, Key: rq.key, ETag: info.ETag})
}

func (h *handler) abortUpload(rq *req) error {
	if err := h.store.AbortMultipartUpload(rq.r.Context(), rq.bucket, rq.key, rq.q.Get("uploadId")); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

type partEntry struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListPartsResult"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker,omitempty"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
	Initiator            owner       `xml:"Initiator"`
	Owner                owner       `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
}

func intParam(rq *req, name string, def, max int) (int, error) {
	v := rq.q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalidArgument("%s must be a non-negative integer", name)
	}
	return min(n, max), nil
}

func (h *handler) listParts(rq *req) error {
	maxParts, err := intParam(rq, "max-parts", 1000, 1000)
	if err != nil {
		return err
	}
	marker, err := intParam(rq, "part-number-marker", 0, lake.MaxPartNumber)
	if err != nil {
		return err
	}
	id := rq.q.Get("uploadId")
	parts, err := h.store.ListParts(rq.r.Context(), rq.bucket, rq.key, id)
	if err != nil {
		return err
	}
	own := ownerOf(rq)
	out := listPartsResult{Bucket: rq.bucket, Key: rq.key, UploadID: id, PartNumberMarker: marker, MaxParts: maxParts,
		Initiator: own, Owner: own, StorageClass: "STANDARD"}
	for _, p := range parts {
		if p.Number <= marker {
			continue
		}
		if len(out.Parts) == maxParts {
			out.IsTruncated = true
			break
		}
		out.Parts = append(out.Parts, partEntry{PartNumber: p.Number, LastModified: isoTime(p.LastModified), ETag: p.ETag, Size: p.Size})
	}
	if out.IsTruncated && len(out.Parts) > 0 {
		out.NextPartNumberMarker = out.Parts[len(out.Parts)-1].PartNumber
	}
	return writeXML(rq.w, out)
}

type uploadEntry struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    owner  `xml:"Initiator"`
	Owner        owner  `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListMultipartUploadsResult"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker,omitempty"`
	Prefix             string         `xml:"Prefix,omitempty"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	Uploads            []uploadEntry  `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

func (h *handler) listUploads(rq *req) error {
	maxUploads, err := intParam(rq, "max-uploads", 1000, 1000)
	if err != nil {
		return err
	}
	encode := func(s string) string { return s }
	if et := rq.q.Get("encoding-type"); et == "url" {
		encode = urlEncode
	} else if et != "" {
		return invalidArgument("Invalid Encoding Method specified in Request")
	}
	ups, err := h.store.ListMultipartUploads(rq.r.Context(), rq.bucket)
	if err != nil {
		return err
	}
	q := rq.q
	prefix, delim, keyMarker, idMarker := q.Get("prefix"), q.Get("delimiter"), q.Get("key-marker"), q.Get("upload-id-marker")
	out := listUploadsResult{Bucket: rq.bucket, KeyMarker: encode(keyMarker), UploadIDMarker: idMarker, Prefix: encode(prefix),
		Delimiter: encode(delim), MaxUploads: maxUploads, EncodingType: q.Get("encoding-type")}
	own := ownerOf(rq)
	seen := map[string]bool{}
	// Uploads come sorted by key then initiation; the id marker only applies
	// within the marker key.
	sort.SliceStable(ups, func(i, j int) bool { return ups[i].Key < ups[j].Key })
	pastMarker := idMarker == ""
	for _, u := range ups {
		if !strings.HasPrefix(u.Key, prefix) || u.Key < keyMarker || (u.Key == keyMarker && idMarker == "") {
			continue
		}
		if u.Key == keyMarker && !pastMarker {
			pastMarker = u.UploadID == idMarker
			continue
		}
		var cp string
		if delim != "" {
			if i := strings.Index(u.Key[len(prefix):], delim); i >= 0 {
				cp = u.Key[:len(prefix)+i+len(delim)]
				if seen[cp] {
					continue
				}
			}
		}
		if len(out.Uploads)+len(out.CommonPrefixes) == maxUploads {
			out.IsTruncated = true
			break
		}
		if cp != "" {
			seen[cp] = true
			out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{Prefix: encode(cp)})
			continue
		}
		out.Uploads = append(out.Uploads, uploadEntry{Key: encode(u.Key), UploadID: u.UploadID, Initiator: own, Owner: own,
			StorageClass: "STANDARD", Initiated: isoTime(u.Initiated)})
		out.NextKeyMarker, out.NextUploadIDMarker = u.Key, u.UploadID
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = "", ""
	}
	return writeXML(rq.w, out)
}
