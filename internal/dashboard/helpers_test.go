package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const principal = "arn:aws:iam::000000000000:root"

// record is one stock check of the workshop's schema.
type record struct {
	Store     string `json:"store_id"`
	Product   string `json:"product_id"`
	Name      string `json:"product_name"`
	Stock     int    `json:"current_stock"`
	Threshold int    `json:"threshold_level"`
	Low       bool   `json:"is_stock_low"`
	TS        int64  `json:"check_timestamp"`
	Sent      bool   `json:"notification_sent"`
	Status    string `json:"restock_status"`
}

// baseTS is 2025-07-17T03:00:00Z.
const baseTS = 1752721200

// records are 3 stores x 2 products x 4 hourly checks with known values.
func records() []record {
	var out []record
	names := map[string]string{"PRD_1": "Sữa tươi", "PRD_2": "Bánh mì 'đặc biệt'"}
	for s := 1; s <= 3; s++ {
		for p := 1; p <= 2; p++ {
			for h := 0; h < 4; h++ {
				stock := (s*5 + p*3 + h*7) % 13
				prd := fmt.Sprintf("PRD_%d", p)
				status := "chưa xử lý"
				if h%2 == 1 {
					status = "đã xử lý"
				}
				out = append(out, record{
					Store: fmt.Sprintf("STORE_%d", s), Product: prd, Name: names[prd],
					Stock: stock, Threshold: 6, Low: stock < 6, TS: baseTS + int64(h)*3600 + int64(s*60+p),
					Sent: h == 3, Status: status,
				})
			}
		}
	}
	return out
}

// fixture is a running Shoal with the inventory table and a dashboard
// service on it.
type fixture struct {
	env   *testenv.Env
	s3    *s3.Client
	svc   *dashboard.Service
	data  *counter
	files int
}

// counter is the lake's change counter as the test drives it.
type counter struct{ n atomic.Uint64 }

func (c *counter) Version() uint64 { return c.n.Load() }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	// The server's own dashboard service (with the console) is off: this
	// fixture runs one with a data version it controls.
	env := testenv.Start(t, func(c *server.Config) { c.ConsoleAddr = "off" })
	cfg := env.AWSConfig()
	f := &fixture{env: env, s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), data: &counter{}}
	if _, err := f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inventory")}); err != nil {
		t.Fatal(err)
	}
	gc := glue.NewFromConfig(cfg)
	if _, err := gc.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("conversion_db")}}); err != nil {
		t.Fatal(err)
	}
	var cols []gluetypes.Column
	for _, c := range [][2]string{{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"}, {"current_stock", "int"},
		{"threshold_level", "int"}, {"is_stock_low", "boolean"}, {"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"}} {
		cols = append(cols, gluetypes.Column{Name: aws.String(c[0]), Type: aws.String(c[1])})
	}
	_, err := gc.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gluetypes.TableInput{
		Name: aws.String("conversion_table"), TableType: aws.String("EXTERNAL_TABLE"),
		Parameters: map[string]string{"classification": "json"},
		StorageDescriptor: &gluetypes.StorageDescriptor{
			Columns: cols, Location: aws.String("s3://inventory/store-data/"),
			InputFormat: aws.String("org.apache.hadoop.mapred.TextInputFormat"),
			SerdeInfo:   &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	f.put(t, records())
	f.svc, err = dashboard.New(dashboard.Options{
		Store: env.Server.MetaStore(), Query: env.Server.QueryService(),
		SnapshotDir: filepath.Join(env.DataDir, "console-snapshots"), Data: f.data,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.svc.Close(cctx); err != nil {
			t.Error(err)
		}
	})
	return f
}

// put writes records as one more JSON-lines object and bumps the lake version.
func (f *fixture) put(t testing.TB, recs []record) {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		line, _ := json.Marshal(r)
		b.Write(line)
		b.WriteByte('\n')
	}
	f.files++
	key := fmt.Sprintf("store-data/part-%d.json", f.files)
	if _, err := f.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("inventory"), Key: aws.String(key), Body: bytes.NewReader(b.Bytes())}); err != nil {
		t.Fatal(err)
	}
	f.data.n.Add(1)
}

// call sends a request to the handler as the root principal and decodes
// the answer into out (if not nil), returning the status.
func (f *fixture) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req = req.WithContext(awsapi.WithAuth(req.Context(), &awsapi.AuthInfo{Identity: awsapi.Identity{ARN: principal, Root: true}}))
	rec := httptest.NewRecorder()
	f.svc.Handler().ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: content type %q: %s", method, path, ct, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, rec.Body)
		}
	}
	return rec.Code
}

// must is call expecting 200.
func (f *fixture) must(t *testing.T, method, path string, body any, out any) {
	t.Helper()
	var raw json.RawMessage
	if code := f.call(t, method, path, body, &raw); code != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", method, path, code, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

type apiError struct {
	Error struct{ Code, Message string } `json:"error"`
}

// fail is call expecting an error status; it returns the error.
func (f *fixture) fail(t *testing.T, method, path string, body any, status int) apiError {
	t.Helper()
	var e apiError
	if code := f.call(t, method, path, body, &e); code != status || e.Error.Code == "" {
		t.Fatalf("%s %s: status %d %+v, want %d with an error", method, path, code, e, status)
	}
	return e
}

// visualData fetches a dashboard visual with filter values.
func (f *fixture) visualData(t *testing.T, dash, vid string, filters map[string]any) dashboard.VisualData {
	t.Helper()
	var out dashboard.VisualData
	f.must(t, "POST", "/api/dashboards/"+dash+"/visuals/"+vid+"/data", map[string]any{"filters": filters}, &out)
	return out
}

// rowStrings renders rows for comparison.
func rowStrings(rows [][]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			parts[j] = fmt.Sprint(v)
		}
		out[i] = strings.Join(parts, "|")
	}
	return out
}
