package delivery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/shoal-dev/shoal/internal/lake"
)

var nameLayout = mustLayout("yyyy-MM-dd-HH-mm-ss")

// objectID derives the uuid-like suffix and the random-string from the
// partition and its first record, so a replay names the object the same.
func (w *worker) objectID(b *pbuf) (uuid, random string) {
	h := sha256.New()
	h.Write([]byte(w.cfg.ID))
	h.Write([]byte{0})
	h.Write([]byte(b.id))
	h.Write([]byte{0})
	h.Write([]byte(b.errType))
	var n [16]byte
	binary.BigEndian.PutUint64(n[:8], b.first.Seq)
	binary.BigEndian.PutUint64(n[8:], b.first.Ord)
	h.Write(n[:])
	sum := h.Sum(nil)
	x := hex.EncodeToString(sum[:16])
	uuid = x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	rb := make([]byte, 11)
	for i := range rb {
		rb[i] = alphabet[int(sum[16+i])%len(alphabet)]
	}
	return uuid, string(rb)
}

// objectKey is <prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><ext>.
func (w *worker) objectKey(b *pbuf) string {
	at := time.UnixMilli(b.firstArrival).In(w.plan.zone)
	uuid, random := w.objectID(b)
	args := &expandArgs{at: at, keys: b.keys, random: random, errType: b.errType}
	var key []byte
	if b.errType != "" {
		key = w.plan.errPrefix.expand(key, args, true)
	} else {
		key = w.plan.prefix.expand(key, args, false)
	}
	key = append(key, w.cfg.Name...)
	key = append(key, '-')
	key = strconv.AppendInt(key, int64(w.cfg.Version), 10)
	key = append(key, '-')
	key = appendDateTime(key, at, nameLayout)
	key = append(key, '-')
	key = append(key, uuid...)
	if b.errType == "" {
		key = append(key, w.extension()...)
	}
	return string(key)
}

func (w *worker) extension() string {
	if e := w.cfg.Destination.FileExtension; e != nil {
		return *e
	}
	if w.plan.convert != nil {
		return ".parquet"
	}
	return compressionExt(w.cfg.Destination.CompressionFormat)
}

// writeObject puts one partition's buffer into the lake; the lake makes the
// object appear atomically, and a rewrite under the same key replaces it.
func (w *worker) writeObject(ctx context.Context, b *pbuf) error {
	var body bytes.Buffer
	switch {
	case b.errType != "":
		body.Write(b.data)
	case w.plan.convert != nil && w.conv.flat != nil:
		if err := w.conv.writeFlatParquet(&body, &b.flat); err != nil {
			return err
		}
	case w.plan.convert != nil:
		if err := w.conv.writeParquet(&body, b.rows); err != nil {
			return err
		}
	default:
		if err := compressData(&body, w.cfg.Destination.CompressionFormat, b.data, w.cfg.Name); err != nil {
			return err
		}
	}
	size, key := body.Len(), w.objectKey(b)
	if err := w.authorizePut(ctx, key); err != nil {
		return err
	}
	if _, err := w.svc.opts.Lake.PutObject(ctx, w.bucket, key, &body, lake.PutOptions{}); err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", w.bucket, key, err)
	}
	w.noteWritten(b, size)
	w.stats.clearFailure(areaS3)
	return nil
}

// converter resolves the catalog schema once it can.
func (w *worker) converter(ctx context.Context) (*converter, error) {
	if w.conv != nil {
		return w.conv, nil
	}
	o := w.plan.convert
	sc := o.schemaCfg
	version := sc.VersionId
	if version == "LATEST" {
		version = ""
	}
	if err := w.authorizeSchema(ctx, &sc, version); err != nil {
		return nil, err
	}
	t, err := w.svc.opts.Catalog.GetTableVersion(ctx, sc.DatabaseName, sc.TableName, version)
	if err != nil {
		return nil, fmt.Errorf("The schema for table %s.%s could not be read from the catalog: %v", sc.DatabaseName, sc.TableName, err)
	}
	var cols []column
	for _, c := range t.Columns() {
		ty := "string"
		if c.Type != nil {
			ty = *c.Type
		}
		gt, err := parseGlueType(ty)
		if err != nil {
			return nil, fmt.Errorf("column %s of table %s.%s: %v", c.Name, sc.DatabaseName, sc.TableName, err)
		}
		key := c.Name
		if k, ok := o.mappings[c.Name]; ok {
			key = k
		}
		if o.caseInsensitive {
			key = lower(key)
		}
		cols = append(cols, column{name: c.Name, key: key, typ: gt})
	}
	w.conv = newConverter(o, cols, sc.DatabaseName+"."+sc.TableName, t.VersionID)
	w.stats.clearFailure(areaGlue)
	return w.conv, nil
}

// errorBuffer returns the buffer of an error-output type.
func (w *worker) errorBuffer(p pos, arrival int64, errType string) *pbuf {
	pid := "\x00error:" + errType
	if w.skip(pid, p) {
		return nil
	}
	b := w.bufs[pid]
	if b == nil {
		b = &pbuf{id: pid, errType: errType, first: p, firstArrival: arrival}
		w.bufs[pid] = b
	}
	b.last = p
	return b
}

// addError writes a record to the error output as Firehose does for
// processing and dynamic-partitioning failures.
func (w *worker) addError(p pos, arrival int64, data []byte, errType, code, msg string) {
	b := w.errorBuffer(p, arrival, errType)
	if b == nil {
		return
	}
	defer w.grewError(b, b.size, code, msg)
	line, _ := json.Marshal(struct {
		AttemptsMade           int    `json:"attemptsMade"`
		ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
		ErrorCode              string `json:"errorCode"`
		ErrorMessage           string `json:"errorMessage"`
		AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
		RawData                string `json:"rawData"`
	}{1, arrival, code, msg, time.Now().UnixMilli(), base64.StdEncoding.EncodeToString(data)})
	b.data = append(append(b.data, line...), '\n')
	b.size = len(b.data)
}

type catalogTableRef struct {
	CatalogID    *string `json:"catalogId"`
	DatabaseName string  `json:"databaseName"`
	TableName    string  `json:"tableName"`
	Region       *string `json:"region"`
	VersionID    string  `json:"versionId"`
	RoleArn      string  `json:"roleArn"`
}

// addConversionError writes a record that failed format conversion, in the
// shape Firehose uses for them (lastErrorCode, dataCatalogTable).
func (w *worker) addConversionError(p pos, arrival int64, data []byte, cause error) {
	b := w.errorBuffer(p, arrival, "format-conversion-failed")
	if b == nil {
		return
	}
	defer w.grewError(b, b.size, "DataFormatConversion.MalformedData", cause.Error())
	sc := w.plan.convert.schemaCfg
	ref := catalogTableRef{DatabaseName: sc.DatabaseName, TableName: sc.TableName, VersionID: sc.VersionId, RoleArn: sc.RoleARN}
	if ref.VersionID == "" {
		ref.VersionID = "LATEST"
	}
	if sc.CatalogId != "" {
		ref.CatalogID = &sc.CatalogId
	}
	if sc.Region != "" {
		ref.Region = &sc.Region
	}
	line, _ := json.Marshal(struct {
		AttemptsMade           int             `json:"attemptsMade"`
		ArrivalTimestamp       int64           `json:"arrivalTimestamp"`
		LastErrorCode          string          `json:"lastErrorCode"`
		LastErrorMessage       string          `json:"lastErrorMessage"`
		AttemptEndingTimestamp int64           `json:"attemptEndingTimestamp"`
		RawData                string          `json:"rawData"`
		SequenceNumber         *string         `json:"sequenceNumber"`
		SubSequenceNumber      *int            `json:"subSequenceNumber"`
		DataCatalogTable       catalogTableRef `json:"dataCatalogTable"`
	}{1, arrival, "DataFormatConversion.MalformedData", cause.Error(), time.Now().UnixMilli(), base64.StdEncoding.EncodeToString(data), nil, nil, ref})
	b.data = append(append(b.data, line...), '\n')
	b.size = len(b.data)
}
