package main

// These tests build the real lain binary and run it as a user would.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"
)

var lainBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lain-bin-")
	if err != nil {
		panic(err)
	}
	lainBin = filepath.Join(dir, "lain")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3 -X main.commit=abc1234", "-o", lainBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building lain: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func runLain(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(lainBin, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "LAIN_NO_UPDATE=1"}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

func TestVersionFromLdflags(t *testing.T) {
	r := runLain(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "lain 1.2.3\ncommit: abc1234\ngo: go1.") {
		t.Fatalf("%+v", r)
	}
}

func TestUnknownCommandSuggestsNearest(t *testing.T) {
	r := runLain(t, nil, "completoin")
	if r.code != 2 || r.stderr != "lain: unknown command \"completoin\"; did you mean \"completion\"?\n  next: lain completion\n" {
		t.Fatalf("%+v", r)
	}
}

func TestBadFlagIsOneLineAndUsageExit(t *testing.T) {
	r := runLain(t, nil, "--no-such-flag")
	if r.code != 2 || r.stderr != "lain: unknown flag: --no-such-flag\n  next: lain --help\n" {
		t.Fatalf("%+v", r)
	}
	r = runLain(t, nil, "completion", "tcsh")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown shell "tcsh"`) || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("%+v", r)
	}
}

func TestHelpListsCommandsWithExamples(t *testing.T) {
	r := runLain(t, nil, "--help")
	// The padding follows the longest command name (set-canary-group).
	if r.code != 0 || !regexp.MustCompile(`\n  completion +Print the Tab-completion script`).MatchString(r.stdout) {
		t.Fatalf("%+v", r)
	}
	for _, flag := range []string{"--silent", "--verbose", "--ignore-lint", "--remote-docker", "--values FILE", "--use CLUSTER", "--auto-pilot", "--dry-run"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("help lacks %s", flag)
		}
	}
	r = runLain(t, nil, "completion", "--help")
	for _, want := range []string{"Examples:", "~/.bashrc", "~/.zshrc", "fish/completions", "Invoke-Expression"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("completion help lacks %q", want)
		}
	}
}

func TestCompleteProtocol(t *testing.T) {
	r := runLain(t, nil, "__complete", "completion", "")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "bash\nzsh\nfish\npowershell\n:4\n") {
		t.Fatalf("%+v", r)
	}
	r = runLain(t, nil, "__complete", "compl")
	if !strings.HasPrefix(r.stdout, "completion\tPrint the Tab-completion script for your shell\n") {
		t.Fatalf("%+v", r)
	}
}

// TestBashCompletionScript proves the generated script in a real bash with
// bash-completion loaded: it sources the script, simulates Tab on a line
// and prints what bash would offer.
func TestBashCompletionScript(t *testing.T) {
	const bc = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(bc); err != nil {
		testenv.Missing(t, "bash-completion is not installed (apt-get install bash-completion): "+err.Error())
	}
	script := filepath.Join(t.TempDir(), "lain.bash")
	r := runLain(t, nil, "completion", "bash")
	if err := os.WriteFile(script, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) string {
		sh := `source ` + bc + `; source ` + script + `
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<"$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_TYPE=9
$(complete -p lain | sed -E 's/.*-F ([^ ]+) .*/\1/') lain "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", sh, "bash", line)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(lainBin)+":"+os.Getenv("PATH"), "LAIN_NO_UPDATE=1")
		// compopt complains on stderr outside a real Tab press; only what
		// bash would offer (COMPREPLY, on stdout) matters.
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("bash: %v\n%s%s", err, out, stderr.String())
		}
		return string(out)
	}
	if got := complete("lain completion "); got != "bash\nzsh\nfish\npowershell\n" {
		t.Errorf("lain completion <Tab> offered %q", got)
	}
	if got := complete("lain compl"); got != "completion\n" {
		t.Errorf("lain compl<Tab> offered %q", got)
	}
}
