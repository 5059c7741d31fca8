package runner

import (
	"bytes"
	"io"
	"sort"
	"strings"
)

// minEchoedSecret is the shortest secret scrubbed from a tool's own
// output: shorter ones would turn ordinary words of helm's or kubectl's
// messages into ***. The command line lain prints masks every length.
const minEchoedSecret = 4

// secretsIn lists the secret values of args as the tool receives them, to
// scrub from what the tool itself prints: helm echoes a bad --set item in
// its error, curl and net/http quote URLs, docker repeats a build arg.
func (m Masker) secretsIn(tool string, args []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= minEchoedSecret && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i, sp := range m.spans(tool, args) {
		for _, s := range sp {
			raw := args[i][s.from:s.to]
			add(raw)
			// helm unescapes --set values before quoting them back.
			add(strings.NewReplacer(`\,`, `,`, `\=`, `=`, `\\`, `\`).Replace(raw))
		}
	}
	for _, v := range m.Values {
		add(v)
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// scrub replaces every secret in b with ***.
func scrub(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		b = bytes.ReplaceAll(b, []byte(s), []byte("***"))
	}
	return b
}

// scrubWriter passes a tool's output on a line at a time with its secrets
// replaced; a line is the unit, so a secret split across two writes is
// still found. Flush writes what is left after the tool ends.
type scrubWriter struct {
	w       io.Writer
	secrets []string
	pending []byte
}

func (s *scrubWriter) Write(p []byte) (int, error) {
	s.pending = append(s.pending, p...)
	if i := bytes.LastIndexByte(s.pending, '\n'); i >= 0 {
		if _, err := s.w.Write(scrub(s.pending[:i+1], s.secrets)); err != nil {
			return 0, err
		}
		s.pending = append(s.pending[:0], s.pending[i+1:]...)
	}
	return len(p), nil
}

func (s *scrubWriter) Flush() {
	if len(s.pending) > 0 {
		_, _ = s.w.Write(scrub(s.pending, s.secrets))
		s.pending = s.pending[:0]
	}
}
