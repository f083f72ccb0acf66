package server

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is everything `shoal serve` can be told. Precedence: flags, then
// environment (SHOAL_*), then the YAML file, then defaults.
type Config struct {
	DataDir   string `yaml:"data_dir"`
	Addr      string `yaml:"addr"`
	AccountID string `yaml:"account_id"`
	Region    string `yaml:"region"`
	// ConsoleAddr is the web console's listener ("off" disables it).
	ConsoleAddr string `yaml:"console_addr"`
	// WarehouseAddr is the Postgres-wire (Redshift) listener ("off"
	// disables it); WarehouseTLSCert/Key enable TLS on it.
	WarehouseAddr    string `yaml:"warehouse_addr"`
	WarehouseTLSCert string `yaml:"warehouse_tls_cert"`
	WarehouseTLSKey  string `yaml:"warehouse_tls_key"`

	// Fsync is "interval" (default: acknowledged writes reach the OS before the
	// ack, so they survive kill -9; fsync every FsyncInterval) or "always"
	// (fsync before every ack; survives power loss, slower).
	Fsync         string        `yaml:"fsync"`
	FsyncInterval time.Duration `yaml:"fsync_interval"`

	// NATSURL points at an external NATS JetStream cluster instead of the
	// embedded server. NATSListen exposes the embedded server (host:port).
	NATSURL    string `yaml:"nats_url"`
	NATSListen string `yaml:"nats_listen"`

	// Query engine (Athena): DuckDB's memory_limit (e.g. "1GB"), its worker
	// threads (0: one per CPU) and how many queries run at once (more wait
	// in QUEUED).
	QueryMemoryLimit   string `yaml:"query_memory_limit"`
	QueryThreads       int    `yaml:"query_threads"`
	QueryMaxConcurrent int    `yaml:"query_max_concurrent"`

	// EnforceServiceRoles makes delivery streams, crawlers and Spectrum
	// schemas act as their IAM roles (trust and permissions checked), as on
	// AWS; false trusts every role ARN, for pipelines written against
	// placeholder roles.
	// DeliveryRetryBackoff is the first wait before a failed delivery is
	// retried (default 1s, doubling).
	EnforceServiceRoles  bool          `yaml:"enforce_service_roles"`
	DeliveryRetryBackoff time.Duration `yaml:"delivery_retry_backoff"`

	// Root credentials; when empty they are loaded from (or generated into)
	// the data dir. Not read from the YAML file, so secrets stay out of it.
	RootAccessKeyID     string `yaml:"-"`
	RootSecretAccessKey string `yaml:"-"`
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		DataDir:             "./shoal-data",
		Addr:                "127.0.0.1:4566",
		ConsoleAddr:         "127.0.0.1:4580",
		WarehouseAddr:       "127.0.0.1:5439",
		AccountID:           "000000000000",
		Region:              "us-east-1",
		Fsync:               "interval",
		FsyncInterval:       time.Second,
		QueryMemoryLimit:    "1GB",
		QueryMaxConcurrent:  4,
		EnforceServiceRoles: true,
	}
}

// LoadFile merges a YAML config file into c; unknown keys are an error.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// envVars maps SHOAL_* variables to the fields they set.
func (c *Config) envVars() map[string]*string {
	return map[string]*string{
		"SHOAL_DATA_DIR":               &c.DataDir,
		"SHOAL_ADDR":                   &c.Addr,
		"SHOAL_CONSOLE_ADDR":           &c.ConsoleAddr,
		"SHOAL_WAREHOUSE_ADDR":         &c.WarehouseAddr,
		"SHOAL_WAREHOUSE_TLS_CERT":     &c.WarehouseTLSCert,
		"SHOAL_WAREHOUSE_TLS_KEY":      &c.WarehouseTLSKey,
		"SHOAL_ACCOUNT_ID":             &c.AccountID,
		"SHOAL_REGION":                 &c.Region,
		"SHOAL_FSYNC":                  &c.Fsync,
		"SHOAL_NATS_URL":               &c.NATSURL,
		"SHOAL_NATS_LISTEN":            &c.NATSListen,
		"SHOAL_QUERY_MEMORY_LIMIT":     &c.QueryMemoryLimit,
		"SHOAL_ROOT_ACCESS_KEY_ID":     &c.RootAccessKeyID,
		"SHOAL_ROOT_SECRET_ACCESS_KEY": &c.RootSecretAccessKey,
	}
}

// ApplyEnv overrides c from the environment (lookup is os.LookupEnv in main).
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	for name, field := range c.envVars() {
		if v, ok := lookup(name); ok && v != "" {
			*field = v
		}
	}
	for name, field := range map[string]*int{"SHOAL_QUERY_THREADS": &c.QueryThreads, "SHOAL_QUERY_MAX_CONCURRENT": &c.QueryMaxConcurrent} {
		if v, ok := lookup(name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			*field = n
		}
	}
	if v, ok := lookup("SHOAL_ENFORCE_SERVICE_ROLES"); ok && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("SHOAL_ENFORCE_SERVICE_ROLES: %w", err)
		}
		c.EnforceServiceRoles = b
	}
	if v, ok := lookup("SHOAL_FSYNC_INTERVAL"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("SHOAL_FSYNC_INTERVAL: %w", err)
		}
		c.FsyncInterval = d
	}
	return nil
}

// Validate checks the settings that would otherwise fail late.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("data dir must be set")
	}
	if c.Fsync != "interval" && c.Fsync != "always" {
		return fmt.Errorf("fsync must be \"interval\" or \"always\", not %q", c.Fsync)
	}
	if len(c.AccountID) != 12 || strings.Trim(c.AccountID, "0123456789") != "" {
		return fmt.Errorf("account id must be 12 digits, not %q", c.AccountID)
	}
	if c.QueryThreads < 0 || c.QueryMaxConcurrent < 1 {
		return fmt.Errorf("query_threads must be >= 0 and query_max_concurrent >= 1")
	}
	if (c.RootAccessKeyID == "") != (c.RootSecretAccessKey == "") {
		return fmt.Errorf("set both SHOAL_ROOT_ACCESS_KEY_ID and SHOAL_ROOT_SECRET_ACCESS_KEY, or neither")
	}
	return nil
}
