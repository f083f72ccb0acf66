package delivery

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestConverterWritesGlueTypes(t *testing.T) {
	types := map[string]string{"s": "string", "i": "int", "b": "bigint", "d": "double", "f": "float", "ok": "boolean",
		"ts": "timestamp", "dt": "date", "dec": "decimal(10,2)", "arr": "array<int>", "m": "map<string,string>", "st": "struct<a:int,b:string>", "v": "varchar(10)"}
	var cols []column
	for name, ty := range types {
		gt, err := parseGlueType(ty)
		if err != nil {
			t.Fatal(err)
		}
		cols = append(cols, column{name: name, key: name, typ: gt})
	}
	c := newConverter(&convertOptions{caseInsensitive: true, codec: &parquet.Snappy, pageVersion: 1}, cols, "db.t", "0")
	doc, err := decodeJSON([]byte(`{"S":"x","i":"42","b":1752724231,"d":1.5,"f":2,"ok":"true","ts":1752724231,"dt":"2025-07-17","dec":"12.34","arr":[1,2],"m":{"k":"v"},"st":{"a":1,"b":"y"},"v":7}`))
	if err != nil {
		t.Fatal(err)
	}
	row, err := c.row(doc)
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := c.row(map[string]any{})
	var buf bytes.Buffer
	if err := c.writeParquet(&buf, []map[string]any{row, empty}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 2 {
		t.Fatalf("rows %d", f.NumRows())
	}
	rows := []map[string]any{{}, {}}
	r := parquet.NewGenericReader[map[string]any](f, f.Schema())
	if n, err := r.Read(rows); n != 2 {
		t.Fatal(n, err)
	}
	t.Logf("%v\n%v\n%s", rows[0], rows[1], f.Schema())
	if rows[0]["s"] != "x" || rows[0]["i"] != int32(42) || rows[0]["b"] != int64(1752724231) || rows[0]["ok"] != true || rows[0]["v"] != "7" {
		t.Fatalf("row %v", rows[0])
	}
	if _, err := c.row(map[string]any{"i": "abc"}); err == nil {
		t.Fatal("want a conversion error")
	}
}
