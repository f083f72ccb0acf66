package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Child is a `shoal serve` process started for a benchmark.
type Child struct {
	cmd      *exec.Cmd
	Endpoint string
}

// StartChild runs binary as `serve` on dataDir and a free port, with the given
// root keys, and waits until it prints "ready".
func StartChild(ctx context.Context, binary, dataDir, keyID, secret string) (*Child, error) {
	cmd := exec.CommandContext(ctx, binary, "serve", "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "SHOAL_ROOT_ACCESS_KEY_ID="+keyID, "SHOAL_ROOT_SECRET_ACCESS_KEY="+secret)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	c := &Child{cmd: cmd}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
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
	}()
	select {
	case c.Endpoint = <-ready:
		return c, nil
	case <-time.After(60 * time.Second):
		c.Stop()
		return nil, fmt.Errorf("server did not become ready within 60s")
	}
}

// PID is the server's process id.
func (c *Child) PID() int { return c.cmd.Process.Pid }

// Stop terminates the server gracefully (SIGTERM), then waits.
func (c *Child) Stop() {
	_ = c.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// memory returns a process's current and peak resident set size in bytes.
func memory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			rss = kb << 10
		}
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
			peak = kb << 10
		}
	}
	return rss, peak, nil
}
