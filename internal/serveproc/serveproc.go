// Package serveproc runs `shoal serve` as a child process, for tests that kill
// it and for benchmarks that measure it from outside.
package serveproc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Process is a running `shoal serve`.
type Process struct {
	Cmd      *exec.Cmd
	Endpoint string
	stderr   lockedBuffer
	waitOnce sync.Once
	waitErr  error
}

// Start runs binary as `serve` on dataDir and a free port, with extra
// environment entries (KEY=VALUE), and waits until it prints "ready".
func Start(ctx context.Context, binary, dataDir string, env ...string) (*Process, error) {
	cmd := exec.CommandContext(ctx, binary, "serve", "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0", "--warehouse-addr", "127.0.0.1:0", "--log-level", "warn")
	cmd.Env = append(os.Environ(), env...)
	p := &Process{Cmd: cmd}
	cmd.Stderr = &p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		endpoint := ""
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if rest, ok := strings.CutPrefix(line, "AWS endpoint:"); ok {
				endpoint = strings.Fields(rest)[0]
			}
			if line == "ready" {
				ready <- endpoint
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case p.Endpoint = <-ready:
		return p, nil
	case <-time.After(60 * time.Second):
		p.Kill()
		return nil, fmt.Errorf("shoal did not become ready within 60s; stderr:\n%s", p.Stderr())
	}
}

// PID is the process id.
func (p *Process) PID() int { return p.Cmd.Process.Pid }

// Wait waits for the process to exit; safe to call more than once.
func (p *Process) Wait() error {
	p.waitOnce.Do(func() { p.waitErr = p.Cmd.Wait() })
	return p.waitErr
}

// Kill sends SIGKILL and waits for the exit.
func (p *Process) Kill() {
	_ = p.Cmd.Process.Kill()
	_ = p.Wait()
}

// Stop asks for a graceful shutdown (SIGTERM), killing after 30 s.
func (p *Process) Stop() error {
	_ = p.Cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- p.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		p.Kill()
		return fmt.Errorf("shoal did not stop within 30s")
	}
}

// Stderr returns what the process has logged so far.
func (p *Process) Stderr() string { return p.stderr.String() }

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
