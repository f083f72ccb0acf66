// Package testenv starts real Shoal servers for tests: in-process on port 0
// with a temporary data dir, or the built binary as a child process.
package testenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/shoal-dev/shoal/internal/sdkhttp"
	"github.com/shoal-dev/shoal/internal/serveproc"
	"github.com/shoal-dev/shoal/internal/server"
)

// Test root credentials, fixed so that failures can be reproduced by hand.
const (
	AccessKeyID     = "AKIATESTSHOAL0000001"
	SecretAccessKey = "testsecretkeytestsecretkeytestsecret0000"
)

// Env is a running in-process server.
type Env struct {
	Server  *server.Server
	DataDir string
}

// Start runs a server on a temp data dir and port 0; it is closed when t ends.
// mutate, if given, adjusts the config first.
func Start(t testing.TB, mutate ...func(*server.Config)) *Env {
	t.Helper()
	cfg := server.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.ConsoleAddr = "127.0.0.1:0"
	cfg.WarehouseAddr = "127.0.0.1:0"
	cfg.RootAccessKeyID, cfg.RootSecretAccessKey = AccessKeyID, SecretAccessKey
	// Most tests name placeholder role ARNs; tests of service roles turn
	// enforcement back on.
	cfg.EnforceServiceRoles = false
	for _, m := range mutate {
		m(&cfg)
	}
	return StartConfig(t, cfg)
}

// StartConfig runs a server with exactly cfg.
func StartConfig(t testing.TB, cfg server.Config) *Env {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return &Env{Server: srv, DataDir: cfg.DataDir}
}

// AWSConfig returns an SDK config pointed at the server with its root keys.
func (e *Env) AWSConfig() aws.Config {
	id, secret := e.Server.RootCredentials()
	return AWSConfig(e.Server.Endpoint(), id, secret)
}

// AWSConfig returns an SDK config for endpoint with static keys.
func AWSConfig(endpoint, id, secret string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(endpoint),
		// Tests assert on the first answer; retries would hide errors.
		RetryMaxAttempts: 1,
		HTTPClient:       sdkhttp.Client(),
		// What config.LoadDefaultConfig sets: S3 clients send and check checksums.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds cmd/shoal once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shoal-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "shoal")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/shoal")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Process is the shoal binary running as a child.
type Process struct {
	*serveproc.Process
	DataDir string
}

// StartProcess runs `shoal serve` on dataDir and port 0 with the test root
// keys and waits until it is ready; it is killed when t ends. Extra
// environment entries (KEY=VALUE) are appended.
func StartProcess(t testing.TB, dataDir string, env ...string) *Process {
	t.Helper()
	// As in Start, placeholder role ARNs are trusted unless env says otherwise
	// (the last value of a variable wins).
	env = append([]string{"SHOAL_ROOT_ACCESS_KEY_ID=" + AccessKeyID, "SHOAL_ROOT_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"SHOAL_ENFORCE_SERVICE_ROLES=false"}, env...)
	p, err := serveproc.Start(context.Background(), Binary(t), dataDir, env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return &Process{Process: p, DataDir: dataDir}
}

// Eventually polls cond until it holds or the deadline passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
