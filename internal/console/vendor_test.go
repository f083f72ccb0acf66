package console

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// TestVendoredFilesMatchRecord checks every vendored file is byte for byte
// the one vendor.json says came from the npm registry.
func TestVendoredFilesMatchRecord(t *testing.T) {
	raw, err := webFS.ReadFile("web/vendor/vendor.json")
	if err != nil {
		t.Fatal(err)
	}
	var record map[string]struct {
		Package, Version, SHA256 string
	}
	if err := json.Unmarshal(raw, &record); err != nil {
		t.Fatal(err)
	}
	for name, r := range record {
		body, err := webFS.ReadFile("web/vendor/" + name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sum := sha256.Sum256(body)
		if got := hex.EncodeToString(sum[:]); got != r.SHA256 {
			t.Errorf("%s is not %s@%s as recorded: sha256 %s, want %s (run web/vendor/update.sh)", name, r.Package, r.Version, got, r.SHA256)
		}
	}
}
