package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestServeShutsDownCleanlyOnSIGTERM(t *testing.T) {
	p := testenv.StartProcess(t, t.TempDir())
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, p.Stderr())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("shoal did not exit within 30s of SIGTERM")
	}
}

func TestSecondServerOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	testenv.StartProcess(t, dir)
	cmd := exec.Command(testenv.Binary(t), "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0", "--warehouse-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "SHOAL_ROOT_ACCESS_KEY_ID="+testenv.AccessKeyID, "SHOAL_ROOT_SECRET_ACCESS_KEY="+testenv.SecretAccessKey)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another shoal process") {
		t.Fatalf("second server: err=%v output=%s", err, out)
	}
}

func TestGeneratedCredentialsArePrintedOnce(t *testing.T) {
	dir := t.TempDir()
	run := func() string {
		cmd := exec.Command(testenv.Binary(t), "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0", "--warehouse-addr", "127.0.0.1:0")
		cmd.Env = os.Environ()
		for _, k := range []string{"SHOAL_ROOT_ACCESS_KEY_ID", "SHOAL_ROOT_SECRET_ACCESS_KEY"} {
			cmd.Env = append(cmd.Env, k+"=")
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 4096)
		for !strings.Contains(b.String(), "ready\n") {
			n, err := out.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		return b.String()
	}
	first, second := run(), run()
	if !strings.Contains(first, "secret key:") || !strings.Contains(first, "generated now") {
		t.Errorf("first start does not print the new secret:\n%s", first)
	}
	if strings.Contains(second, "generated now") {
		t.Errorf("second start prints the secret again:\n%s", second)
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(testenv.Binary(t), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "shoal ") {
		t.Fatalf("version: %q %v", out, err)
	}
}
