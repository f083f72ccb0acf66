package warehouse_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Statements cannot reach files outside the data dir: not by DuckDB's
// table functions, not by COPY TO, not by ATTACH, not by changing settings.
func TestNoFileAccessOutsideDataDir(t *testing.T) {
	e := start(t)
	conn := e.connect(t)
	secret := filepath.Join(t.TempDir(), "secret.csv")
	if err := os.WriteFile(secret, []byte("a\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	for _, sql := range []string{
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM '" + secret + "'",
		"COPY (SELECT 1) TO '" + out + "'",
		"ATTACH '" + filepath.Join(t.TempDir(), "x.duckdb") + "' AS x",
		"SET enable_external_access = true",
		"INSTALL httpfs",
	} {
		if _, err := conn.Exec(context.Background(), sql); err == nil {
			t.Errorf("%s: succeeded", sql)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("COPY TO wrote %s", out)
	}
}
