package update

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
)

func TestPackageManagersAreHandedOff(t *testing.T) {
	for path, next := range map[string]string{
		"/opt/homebrew/Cellar/lain/1.2.3/bin/lain":              "brew upgrade lain",
		"/home/linuxbrew/.linuxbrew/Cellar/lain/1.2.3/bin/lain": "brew upgrade lain",
		"/nix/store/abc-lain-1.2.3/bin/lain":                    "upgrade lain with Nix (e.g. nix profile upgrade lain, or your NixOS/home-manager config)",
		"/snap/lain/12/bin/lain":                                "sudo snap refresh lain",
		"/usr/local/bin/lain":                                   "",
		"/home/me/.local/bin/lain":                              "",
	} {
		err := managed(path)
		var ce *clierr.Error
		if next == "" {
			if err != nil {
				t.Errorf("%s: %v", path, err)
			}
			continue
		}
		if !errors.As(err, &ce) || ce.Next != next || !strings.Contains(ce.Msg, path) {
			t.Errorf("%s: %+v", path, err)
		}
	}
}

// script is a runnable "binary" of about size bytes that prints name.
func script(name string, size int) []byte {
	b := []byte("#!/bin/sh\necho " + name + "\nexit 0\n")
	return append(b, bytes.Repeat([]byte("#"+name+"\n"), size/(len(name)+2))...)
}

// TestCrashMidSwapLeavesAWholeBinary kills a process that swaps binaries
// in a loop at random moments (SIGKILL: no cleanup runs) and checks every
// time that the path holds a whole old or whole new binary that runs.
func TestCrashMidSwapLeavesAWholeBinary(t *testing.T) {
	if target := os.Getenv("LAIN_TEST_SWAP_LOOP"); target != "" {
		swapForever(target)
		return
	}
	if runtime.GOOS == "windows" {
		t.Skip("Unix swap")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "lain")
	old, new := script("old", 4<<20), script("new", 4<<20)
	os.WriteFile(filepath.Join(dir, "payload-0"), old, 0o644)
	os.WriteFile(filepath.Join(dir, "payload-1"), new, 0o644)
	os.WriteFile(target, old, 0o755)
	killed := 0
	for i := range 15 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidSwapLeavesAWholeBinary$")
		cmd.Env = append(os.Environ(), "LAIN_TEST_SWAP_LOOP="+target)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
		if cmd.Process.Kill() == nil {
			killed++
		}
		_ = cmd.Wait()
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("kill %d: the binary is gone: %v", i, err)
		}
		if !bytes.Equal(got, old) && !bytes.Equal(got, new) {
			t.Fatalf("kill %d: the binary is neither old nor new (%d bytes)", i, len(got))
		}
		out, err := exec.Command(target).Output()
		if err != nil || (string(out) != "old\n" && string(out) != "new\n") {
			t.Fatalf("kill %d: the binary does not run: %q %v", i, out, err)
		}
	}
	if killed == 0 {
		t.Fatal("no swap was interrupted")
	}
}

func swapForever(target string) {
	dir := filepath.Dir(target)
	var payloads [2][]byte
	for i := range payloads {
		payloads[i], _ = os.ReadFile(filepath.Join(dir, fmt.Sprintf("payload-%d", i)))
	}
	tg := &Target{Path: target, Mode: 0o755}
	stage := filepath.Join(dir, ".lain-test.part")
	for i := 0; ; i++ {
		if err := os.WriteFile(stage, payloads[i%2], 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := tg.Install(stage); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
}

func TestInstallKeepsThePreviousBinary(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "lain")
	os.WriteFile(target, []byte("old"), 0o755)
	stage := filepath.Join(dir, ".lain-1.0.0-00.part")
	os.WriteFile(stage, []byte("new"), 0o600)
	tg := &Target{Path: target, Mode: 0o755}
	if err := tg.Install(stage); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("installed %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v", fi.Mode())
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "lain.old")); string(b) != "old" {
		t.Errorf("lain.old is %q", b)
	}
	if err := tg.swapBack(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Errorf("after swapBack: %q", b)
	}
	if b, _ := os.ReadFile(tg.OldPath()); string(b) != "new" {
		t.Errorf("after swapBack lain.old is %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestFindTargetResolvesSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "lain")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("x"), 0o751)
	link := filepath.Join(dir, "lain")
	os.Symlink("real/lain", link)
	tg, err := FindTarget(link)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(real)
	if tg.Path != want || tg.Mode != 0o751 {
		t.Errorf("FindTarget = %+v, want %s mode 0751", tg, want)
	}
}
