package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"github.com/lain-cli/lain/internal/testenv"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestQuoteMakesPasteableWords(t *testing.T) {
	cases := map[string]string{
		"plain":           "plain",
		"a=b,c=d":         "a=b,c=d",
		"./chart":         "./chart",
		"":                "''",
		"two words":       "'two words'",
		"it's":            `'it'\''s'`,
		"$HOME":           "'$HOME'",
		"a\"b":            `'a"b'`,
		"héllo":           "'héllo'",
		"名前":              "'名前'",
		"--set=x y":       "'--set=x y'",
		"semi;colon":      "'semi;colon'",
		"glob*":           "'glob*'",
		"back`tick`":      "'back`tick`'",
		"new\nline":       "'new\nline'",
		"=leading-equals": "'=leading-equals'",
	}
	for in, want := range cases {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// The printed line must give back the same argv when a shell reads it.
func TestCommandLineRoundTripsThroughSh(t *testing.T) {
	args := []string{"two words", "it's", "$HOME", "héllo", "", "a\"b", "x=1,y=2", "back`tick`"}
	line := CommandLine(Masker{}, "printf", append([]string{`[%s]\n`}, args...))
	out, err := exec.Command("sh", "-c", line).Output()
	if err != nil {
		t.Fatalf("sh -c %s: %v", line, err)
	}
	want := ""
	for _, a := range args {
		want += "[" + a + "]\n"
	}
	if string(out) != want {
		t.Fatalf("line %s\n gave %q\nwant %q", line, out, want)
	}
}

func TestMaskHidesSecrets(t *testing.T) {
	m := Masker{Keys: []string{"webhook.url"}, Values: []string{"glpat-abc123"}}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--set", "cluster=test,user=bob,imageTag=1-abc"}, "helm --set cluster=test,user=bob,imageTag=1-abc"},
		{[]string{"--set", "cluster=test,registry_password=hunter2,user=bob"}, "helm --set cluster=test,registry_password=***,user=bob"},
		{[]string{"--set", "webhook.url=https://hook/x"}, "helm --set webhook.url=***"},
		{[]string{"--set", "harbor_token=t o k"}, "helm --set harbor_token=***"},
		{[]string{"--password", "hunter2", "--username", "bob"}, "helm --password *** --username bob"},
		{[]string{"--password=hunter2"}, "helm --password=***"},
		{[]string{"-e", "API_KEY=xyz", "-e", "NAME=x y"}, "helm -e API_KEY=*** -e 'NAME=x y'"},
		{[]string{"https://oauth2:glpat-abc123@git.example.com/a.git"}, "helm https://oauth2:***@git.example.com/a.git"},
		{[]string{"--set", "a b=1,access_key_secret=s"}, "helm --set 'a b=1,access_key_secret='***"},
	}
	for _, c := range cases {
		if got := CommandLine(m, "helm", c.args); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func newTestExec(dry, silent, verbose bool) (*Exec, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return NewExec(Options{Out: &out, ErrOut: &errOut, DryRun: dry, Silent: silent, Verbose: verbose}), &out, &errOut
}

func TestExecPrintsThenRunsAndStreams(t *testing.T) {
	r, out, errOut := newTestExec(false, false, false)
	_, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo hello; echo oops >&2"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\n" {
		t.Errorf("stdout %q", out)
	}
	if errOut.String() != "$ sh -c 'echo hello; echo oops >&2'\noops\n" {
		t.Errorf("stderr %q", errOut)
	}
}

func TestExecCaptureAndExitCode(t *testing.T) {
	r, out, _ := newTestExec(false, false, false)
	res, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo captured; echo bad >&2; exit 3"}, Capture: true})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || res.ExitCode != 3 {
		t.Fatalf("err %v res %+v", err, res)
	}
	if string(res.Stdout) != "captured\n" || out.Len() != 0 {
		t.Errorf("capture leaked: %q / %q", res.Stdout, out)
	}
	if !strings.Contains(err.Error(), "exited with 3: bad") {
		t.Errorf("error %q", err)
	}
}

func TestDryRunPrintsMutatingCommandsWithoutRunning(t *testing.T) {
	r, out, errOut := newTestExec(true, false, false)
	res, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo ran"}, Mutates: true})
	if err != nil || !res.DryRun || out.Len() != 0 {
		t.Fatalf("mutating command ran under dry run: %v %+v %q", err, res, out)
	}
	if errOut.String() != "$ sh -c 'echo ran'  # dry run: not run\n" {
		t.Errorf("stderr %q", errOut)
	}
	// Read-only commands still run: lain needs their answers to plan.
	if _, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo read"}}); err != nil || out.String() != "read\n" {
		t.Fatalf("query did not run: %v %q", err, out)
	}
}

func TestSilentAndVerbose(t *testing.T) {
	r, _, errOut := newTestExec(false, true, false)
	r.Run(context.Background(), Cmd{Name: "true"})
	r.Run(context.Background(), Cmd{Name: "true", Args: []string{"mutating"}, Mutates: true})
	if errOut.String() != "$ true mutating\n" {
		t.Errorf("silent printed %q", errOut)
	}
	r, _, errOut = newTestExec(false, false, true)
	r.Run(context.Background(), Cmd{Name: "true", Quiet: true})
	if !strings.HasPrefix(errOut.String(), "$ true\n# exit 0 after ") {
		t.Errorf("verbose printed %q", errOut)
	}
	r, _, errOut = newTestExec(false, false, false)
	r.Run(context.Background(), Cmd{Name: "true", Quiet: true})
	if errOut.Len() != 0 {
		t.Errorf("quiet query printed %q", errOut)
	}
}

func TestMissingTool(t *testing.T) {
	r, _, _ := newTestExec(false, false, false)
	_, err := r.Run(context.Background(), Cmd{Name: "lain-no-such-tool"})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Name != "lain-no-such-tool" {
		t.Fatalf("err %v", err)
	}
}

// A streamed query hands its output over as it comes, runs under --dry-run
// (it changes nothing), keeps stderr out of the user's sight, and prints
// its line only under --verbose.
func TestStdoutStreamsAsItComes(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		testenv.Missing(t, "sh (a POSIX shell plays the streaming program)")
	}
	r, out, errOut := newTestExec(true, false, false)
	pr, pw := io.Pipe()
	ran := make(chan error, 1)
	go func() {
		_, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo first; echo noise >&2; sleep 1; echo second"}, Capture: true, Quiet: true, Stdout: pw})
		pw.CloseWithError(err)
		ran <- err
	}()
	start := time.Now()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the first line came after %s: not streamed", took)
	}
	pr.Close()
	if err := <-ran; err == nil {
		t.Error("writing to a closed reader did not fail the command")
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("a quiet stream printed %q / %q", out, errOut)
	}
}

// Cancelling a stream's context stops it at once.
func TestStreamStopsWithItsContext(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		testenv.Missing(t, "sh (a POSIX shell plays the streaming program)")
	}
	r, _, _ := newTestExec(false, false, false)
	ctx, cancel := context.WithCancel(context.Background())
	var got bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, Cmd{Name: "sh", Args: []string{"-c", "echo up; exec sleep 30"}, Capture: true, Quiet: true, Stdout: &syncWriter{w: &got}})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream went on after its context was cancelled")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("stopping took %s", took)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
