package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shoal.yaml")
	yaml := "data_dir: /from/file\naddr: 127.0.0.1:9999\nregion: eu-west-1\nfsync: always\nfsync_interval: 5s\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	if err := cfg.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SHOAL_ADDR": "127.0.0.1:7777", "SHOAL_FSYNC_INTERVAL": "250ms", "SHOAL_QUERY_THREADS": "3"}
	if err := cfg.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "/from/file" || cfg.Region != "eu-west-1" || cfg.Fsync != "always" {
		t.Errorf("file values not applied: %+v", cfg)
	}
	if cfg.Addr != "127.0.0.1:7777" || cfg.FsyncInterval != 250*time.Millisecond || cfg.QueryThreads != 3 {
		t.Errorf("env did not override the file: %+v", cfg)
	}
	if cfg.AccountID != "000000000000" {
		t.Errorf("default account id lost: %q", cfg.AccountID)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}

func TestConfigRejectsUnknownKeysAndBadValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shoal.yaml")
	if err := os.WriteFile(path, []byte("data_dri: typo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	if err := cfg.LoadFile(path); err == nil || !strings.Contains(err.Error(), "data_dri") {
		t.Errorf("unknown key accepted: %v", err)
	}
	for _, mutate := range []func(*Config){
		func(c *Config) { c.Fsync = "sometimes" },
		func(c *Config) { c.AccountID = "12" },
		func(c *Config) { c.RootAccessKeyID = "only-the-id" },
		func(c *Config) { c.QueryMaxConcurrent = 0 },
	} {
		c := Defaults()
		mutate(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("invalid config accepted: %+v", c)
		}
	}
}

func TestRootCredentialsGeneratedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	first, created, err := loadOrCreateRoot(dir)
	if err != nil || !created {
		t.Fatalf("first start: created=%v err=%v", created, err)
	}
	second, created, err := loadOrCreateRoot(dir)
	if err != nil || created || second != first {
		t.Fatalf("second start: created=%v err=%v same=%v", created, err, second == first)
	}
	st, err := os.Stat(filepath.Join(dir, credentialsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode: %v %v", st.Mode(), err)
	}
}
