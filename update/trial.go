package update

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// TrialTimeout bounds the trial run of a new binary: `lain --version`
// answers in milliseconds; one that hangs is as broken as one that fails.
const TrialTimeout = 5 * time.Second

// trialRun runs `<path> --version` and returns the version it prints
// ("lain 1.2.3" on the first line). A correctly signed release can still
// be a binary that does not run here (built for another CPU under this
// platform's name, a broken build): it must never replace a lain that
// works.
func trialRun(ctx context.Context, path string) (string, error) {
	// Not the launch budget: this is no network, and a trial cut short
	// would refuse a good binary.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), TrialTimeout)
	defer cancel()
	var out []byte
	var err error
	// A file just written may be "busy" for a moment: a process forked
	// concurrently still holds its descriptor until it execs
	// (golang.org/issue/22315).
	for i := 0; i < 20; i++ {
		cmd := exec.CommandContext(ctx, path, "--version")
		cmd.Env = append(os.Environ(), EnvNoUpdate+"=1")
		cmd.WaitDelay = time.Second
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &limitedBuffer{b: &stdout, n: 4 << 10}, &limitedBuffer{b: &stderr, n: 4 << 10}
		err = cmd.Run()
		out = stdout.Bytes()
		if !errors.Is(err, syscall.ETXTBSY) {
			if err != nil && stderr.Len() > 0 {
				err = fmt.Errorf("%w: %s", err, firstLine(stderr.Bytes()))
			}
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if ctx.Err() != nil {
		return "", fmt.Errorf("`%s --version` did not answer within %s", path, TrialTimeout)
	}
	if err != nil {
		return "", fmt.Errorf("`%s --version` failed: %v", path, err)
	}
	v, ok := strings.CutPrefix(firstLine(out), "lain ")
	if !ok {
		return "", fmt.Errorf("`%s --version` printed %q, not \"lain <version>\"", path, firstLine(out))
	}
	return v, nil
}

// checkRuns trial-runs the staged binary of release want.
func checkRuns(ctx context.Context, path string, rel *Release, source string) error {
	want := rel.Version.Original()
	got, err := trialRun(ctx, path)
	if err == nil && got != want {
		err = fmt.Errorf("it says it is lain %s", got)
	}
	if err != nil {
		return &RefusedError{Version: want, Source: source, Reason: fmt.Sprintf("the binary %s does not run here as lain %s: %v", rel.Asset, want, err)}
	}
	return nil
}

func firstLine(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	if sc.Scan() {
		return strings.TrimSpace(sc.Text())
	}
	return ""
}

// limitedBuffer keeps the first n bytes a child writes and drops the rest.
type limitedBuffer struct {
	b *bytes.Buffer
	n int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
