package secretedit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Encode renders data as the text an edit shows: one `key: value` per
// entry, keys sorted, each key and value in the most readable YAML form
// that reads back as exactly the same bytes (Decode(Encode(x)) == x for any
// map, FuzzEditRoundTrip):
//
//	plain          FOO: bar              when YAML reads it back as that text
//	literal block  config.json: |        multi-line text that survives an
//	                 {"a": 1}            editor (no trailing spaces, no tabs
//	                                     starting a line, at most one final
//	                                     newline)
//	double-quoted  PORT: "8080"          any other text, with YAML escapes
//	               MSG: "a\n\nb\t"       (\n, \t, \", \\, \x7f, \u2028...)
//	binary         key.bin: !!binary /wAB   bytes that are not UTF-8, as base64
//
// yaml.v3's own encoder is not used: it writes forms it cannot read back
// ("\n" as an empty block, "\t\n" as an unparsable one, "<<" as a merge
// key).
func Encode(data map[string][]byte) []byte {
	if len(data) == 0 {
		return []byte("{}\n")
	}
	var b bytes.Buffer
	for _, k := range sortedKeys(data) {
		key := encodeKey(k)
		if len(key) > maxImplicitKey {
			key = "? " + key + "\n" // an explicit key: YAML caps implicit ones at 1024 characters
		}
		b.WriteString(key)
		b.WriteString(":")
		b.WriteString(encodeValue(data[k]))
	}
	return b.Bytes()
}

// maxImplicitKey is the longest key written as `key: value`; YAML allows
// 1024 characters, and a longer key needs the explicit `? key` form.
const maxImplicitKey = 1000

// encodeKey is a key as written before its colon.
func encodeKey(k string) string {
	switch {
	case !utf8.ValidString(k):
		return "!!binary " + base64.StdEncoding.EncodeToString([]byte(k))
	case plainKey(k):
		return k
	}
	return doubleQuoted(k)
}

// encodeValue is a value as written after its key's colon, with its line
// break(s).
func encodeValue(v []byte) string {
	s := string(v)
	switch {
	case !utf8.Valid(v):
		return " !!binary " + base64.StdEncoding.EncodeToString(v) + "\n"
	case plainValue(s):
		return " " + s + "\n"
	}
	if block, ok := literalBlock(s); ok {
		return block
	}
	return " " + doubleQuoted(s) + "\n"
}

// plainKey reports whether k reads back as the string k when written bare.
func plainKey(k string) bool {
	if !plainCandidate(k) {
		return false
	}
	n := parseOnePair(k + ": x\n")
	return n != nil && n.Content[0].Tag == "!!str" && n.Content[0].Value == k
}

// plainValue reports whether s reads back as the string s when written bare.
func plainValue(s string) bool {
	if !plainCandidate(s) {
		return false
	}
	n := parseOnePair("k: " + s + "\n")
	return n != nil && n.Content[1].Tag == "!!str" && n.Content[1].Value == s
}

// plainCandidate rules out, cheaply, what is never written bare: text that
// is empty, has spaces at either end, a character other than printable
// ASCII, or starts with a YAML indicator. yaml.v3 then has the last word.
func plainCandidate(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`~", s[0]) >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseOnePair parses a one-entry map; nil unless it is exactly that.
func parseOnePair(text string) *yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(text), &doc) != nil || len(doc.Content) != 1 {
		return nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 || m.Content[0].Kind != yaml.ScalarNode || m.Content[1].Kind != yaml.ScalarNode {
		return nil
	}
	return m
}

// literalBlock writes multi-line text as a | block when the text keeps
// every byte through YAML and through an editor: no line ends in a space or
// tab (editors strip them), none starts with a tab (yaml.v3 refuses it),
// the first line does not start with a space (it would set the
// indentation), and at most one newline ends it (editors drop blank lines
// at the end of a file). It is then checked by reading it back.
func literalBlock(s string) (string, bool) {
	if !strings.Contains(s, "\n") || strings.HasSuffix(s, "\n\n") || strings.HasPrefix(strings.TrimLeft(s, "\n"), " ") {
		return "", false
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return "", false
		}
	}
	body, chomp := strings.TrimSuffix(s, "\n"), "-"
	if body != s {
		chomp = ""
	}
	var b strings.Builder
	b.WriteString(" |" + chomp + "\n")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t") || strings.HasPrefix(line, "\t") {
			return "", false
		}
		if line != "" {
			b.WriteString("  " + line)
		}
		b.WriteString("\n")
	}
	n := parseOnePair("k:" + b.String())
	if n == nil || n.Content[1].Tag != "!!str" || n.Content[1].Value != s {
		return "", false
	}
	return b.String(), true
}

// doubleQuoted writes UTF-8 text s as one double-quoted YAML scalar:
// printable characters as they are, everything else escaped.
func doubleQuoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == 0:
			b.WriteString(`\0`)
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r >= 0x80 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
