package runner

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// A tool that repeats a secret argument on stderr (helm quoting a bad --set
// item, net/http quoting a URL) must not show it: not while it streams,
// and not in lain's error that quotes the tool's last lines.
func TestToolsEchoOfASecretIsScrubbed(t *testing.T) {
	for _, capture := range []bool{false, true} {
		var out, errOut bytes.Buffer
		r := NewExec(Options{Out: &out, ErrOut: &errOut, Mask: Masker{Values: []string{"LITERALSECRET"}}})
		script := `printf 'Error: failed parsing --set data: key "%s" has no value\n' "${1#*=}" >&2
printf 'partial %s' "$2" >&2; printf ' line\n' >&2; printf 'no newline %s' LITERALSECRET >&2; exit 3`
		_, err := r.Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", script, "sh", "api_token=tok1,tok2", "https://oauth2:glpat-XYZW@gitlab.example.com/x"}, Capture: capture})
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != 3 {
			t.Fatalf("capture=%v: %v", capture, err)
		}
		printed := errOut.String() + err.Error()
		for _, secret := range []string{"tok1,tok2", "glpat-XYZW", "LITERALSECRET"} {
			if strings.Contains(printed, secret) {
				t.Errorf("capture=%v: %q printed:\n%s", capture, secret, printed)
			}
		}
		if !strings.Contains(printed, `key "***" has no value`) || !strings.Contains(printed, "no newline ***") {
			t.Errorf("capture=%v: the tool's message is lost:\n%s", capture, printed)
		}
	}
}

// Secrets are found per line, however the tool splits its writes.
func TestScrubWriterAcrossWrites(t *testing.T) {
	var b bytes.Buffer
	w := &scrubWriter{w: &b, secrets: []string{"hunter22"}}
	for _, p := range []string{"pass: hun", "ter22\nnext hunt", "er22"} {
		w.Write([]byte(p))
	}
	w.Flush()
	if got := b.String(); got != "pass: ***\nnext ***" {
		t.Fatalf("%q", got)
	}
}

// A token given as the user name of an HTTP URL is a secret too; an ssh
// user name is not.
func TestURLUserTokenIsMasked(t *testing.T) {
	for in, want := range map[string]string{
		"https://ghp_abcdef123@github.com/x.git": "https://***@github.com/x.git",
		"ssh://git@gitlab.example.com/x.git":     "ssh://git@gitlab.example.com/x.git",
		"https://u:pw12345@host/x":               "https://u:***@host/x",
	} {
		if got := CommandLine(Masker{}, "git", []string{"clone", in}); got != "git clone "+want && got != "git clone '"+want+"'" {
			t.Errorf("%s: %s", in, got)
		}
	}
}
