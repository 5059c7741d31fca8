// Package yamldoc reads the YAML files people write (an app's values files,
// the team's cluster values) without trusting them: a size cap, time linear
// in the file (yaml.v3's Decode checks duplicate keys pairwise, quadratic in
// the keys of one map), alias expansion bounded (no "billion laughs"), and
// every problem located as file:line:col.
package yamldoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest file lain reads. Real values files are a few KB;
// helm stores a release's values in one Kubernetes Secret (1 MiB at most),
// so a file past this could never be deployed anyway.
const MaxSize = 4 << 20

// Error is one problem in a file: file:line:col: message. Line and Col
// are 1-based; Col is 0 when only the line is known.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return e.File + ": " + e.Msg
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Doc is one parsed file.
type Doc struct {
	Name string // as messages show it
	Raw  []byte
	// Root is the top-level node; nil for a file with no content.
	Root *yaml.Node
	// Value is Root as Go values (map[string]any, []any, string, int,
	// float64, bool, nil), with aliases and merge keys resolved.
	Value any
}

// Map is the top-level mapping as Go values; nil when the file is empty or
// its top level is not a mapping.
func (d *Doc) Map() map[string]any {
	m, _ := d.Value.(map[string]any)
	return m
}

// ReadAll reads r, refusing more than MaxSize bytes before holding them.
func ReadAll(r io.Reader, name string) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxSize {
		return nil, tooBig(name)
	}
	return raw, nil
}

func tooBig(name string) *Error {
	return &Error{File: name, Msg: fmt.Sprintf("the file is over %d MiB: lain reads values files up to %d MiB (helm keeps a release's values in a 1 MiB Kubernetes Secret, so a file this big cannot be deployed)", MaxSize>>20, MaxSize>>20)}
}

// Parse parses raw (the file name is for messages). The error, if any, is
// an *Error.
func Parse(name string, raw []byte) (*Doc, error) {
	if len(raw) > MaxSize {
		return nil, tooBig(name)
	}
	if e := checkText(name, raw); e != nil {
		return nil, e
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, syntaxError(name, raw, err)
	}
	d := &Doc{Name: name, Raw: raw}
	if len(doc.Content) == 0 {
		return d, nil
	}
	d.Root = doc.Content[0]
	v, err := toValue(name, d.Root)
	if err != nil {
		return nil, err
	}
	d.Value = v
	return d, nil
}

// syntaxError turns yaml.v3's "yaml: line N: msg" into file:line:col: msg.
// yaml.v3 reports no column, so the column is where the reported line's
// content starts; a tab in the indentation, YAML's most common trap, is
// named as such with its exact column.
func syntaxError(name string, raw []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, scanErr := fmt.Sscan(n, &line); scanErr == nil {
				msg = after
			}
		}
	}
	lines := splitLines(raw)
	if line == 0 && !strings.HasPrefix(msg, "exceeded max depth") {
		line = 1 // yaml.v3 leaves out "line 0" (both marks on the first line)
	} else if line > 0 && parserError(msg) {
		// yaml.v3 counts lines from 0 for these (from 1 for the scanner's),
		// and may name the end of the file: say the last line with text.
		line++
		for line > 1 && (line > len(lines) || strings.TrimSpace(lines[line-1]) == "") {
			line--
		}
	}
	// yaml.v3 reports a tab on its line or the line before, as "found a
	// tab character that violates indentation" or "found character that
	// cannot start any token". Tabs elsewhere (inside a block of text) are
	// fine and not the problem.
	if strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token") {
		for i := max(line-1, 1); i <= min(line+1, len(lines)); i++ {
			if col := tabInIndent(lines[i-1]); col > 0 {
				return &Error{File: name, Line: i, Col: col, Msg: "a tab in the indentation: YAML indents with spaces only"}
			}
		}
	}
	if strings.HasPrefix(msg, "unknown anchor '") {
		anchor := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		if l, c := find(lines, "*"+anchor); l > 0 {
			return &Error{File: name, Line: l, Col: c, Msg: fmt.Sprintf("*%s refers to no &%s above it", anchor, anchor)}
		}
	}
	col := 0
	if line > 0 && line <= len(lines) {
		col = column(msg, lines[line-1])
	}
	return &Error{File: name, Line: line, Col: col, Msg: "not valid YAML: " + msg}
}

// column guesses where on its line yaml.v3's error is (it reports no
// column): the bracket left open, the second colon of "a: b: c", else
// where the line's text starts.
func column(msg, line string) int {
	start := len(line) - len(strings.TrimLeft(line, " ")) + 1
	at := -1
	switch {
	case strings.HasSuffix(msg, "',' or ']'"):
		at = strings.LastIndexByte(line, '[')
	case strings.HasSuffix(msg, "',' or '}'"):
		at = strings.LastIndexByte(line, '{')
	case strings.HasPrefix(msg, "mapping values are not allowed"):
		if first := strings.Index(line, ": "); first >= 0 {
			if second := strings.Index(line[first+2:], ":"); second >= 0 {
				at = first + 2 + second
			}
		}
	}
	if at < 0 {
		return start
	}
	return utf8.RuneCountInString(line[:at]) + 1
}

// parserError tells yaml.v3's parser errors from its scanner's by their
// messages (libyaml's parserc.go).
func parserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// splitLines splits text into lines as the YAML parser counts them: at
// \r\n, \n, a lone \r, and NEL, LS and PS.
func splitLines(raw []byte) []string {
	var lines []string
	start := 0
	for i := 0; i < len(raw); {
		if n := lineBreak(raw[i:]); n > 0 {
			lines = append(lines, string(raw[start:i]))
			i += n
			start = i
			continue
		}
		i++
	}
	return append(lines, string(raw[start:]))
}

// lineBreak is the length of the line break b starts with, 0 for none.
func lineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case b[0] == '\n' || b[0] == '\r':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")) || bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// tabInIndent is the 1-based column of a tab before a line's first
// non-blank character, 0 when there is none.
func tabInIndent(line string) int {
	for i, r := range line {
		switch r {
		case ' ':
		case '\t':
			if strings.TrimSpace(line) == "" {
				return 0 // a blank line: harmless
			}
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func find(lines []string, s string) (line, col int) {
	for i, l := range lines {
		if j := strings.Index(l, s); j >= 0 {
			return i + 1, j + 1
		}
	}
	return 0, 0
}
