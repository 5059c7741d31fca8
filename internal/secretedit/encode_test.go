package secretedit

import (
	"bytes"
	"strings"
	"testing"
	"testing/quick"
)

// awkward are the values of issue 14 that did not survive an unchanged
// edit, and their neighbours.
var awkward = map[string]string{
	"NEWLINE":       "\n",
	"LEADING_BLANK": "\n\nx",
	"INDENTED":      "\n x",
	"TAB_NEWLINE":   "\t\n",
	"0":             "<<",
	"<<":            "x",
	"NOT_UTF8":      "\xff\xfe\x00",
	"TRAILING":      "a \nb\t\n",
	"CRLF":          "a\r\nb\r\n",
	"BLANK_END":     "x\n\n",
	"LINE_SEP":      "a\u2028b\u0085c",
	"NUL":           "a\x00b",
	"EMPTY":         "",
	"SPACES":        "  ",
	"NUMBER":        "8080",
	"BOOL":          "yes",
	"NULL":          "~",
	"COMMENT":       "a #b",
	"COLON":         "a: b",
	"QUOTES":        `"'`,
	"BACKSLASH":     `\x41`,
	"DASH":          "- a",
	"DOC":           "---\n...",
	"TAB_LINE":      "a\n\tb\n",
	"UNICODE":       "héllo 名前 🔑",
	"BOM":           "\ufeffx",
	"CONFIG":        "{\n  \"a\": 1\n}\n",
	"plain.txt":     "hello",
}

func toData(m map[string]string) map[string][]byte {
	d := map[string][]byte{}
	for k, v := range m {
		d[k] = []byte(v)
	}
	return d
}

// checkRoundTrip is the property: the text an edit shows, saved as it is,
// reads back as exactly the data it showed, header included.
func checkRoundTrip(t *testing.T, data map[string][]byte) {
	t.Helper()
	text := append([]byte(Files.Header("app", "prod")), Encode(data)...)
	back, problems := Decode("edit.yaml", text)
	if len(problems) > 0 {
		t.Fatalf("%q encoded as\n%s\ndoes not read back: %v", data, text, problems)
	}
	if len(back) != len(data) {
		t.Fatalf("%q encoded as\n%s\nread back as %q", data, text, back)
	}
	for k, v := range data {
		if got, ok := back[k]; !ok || !bytes.Equal(got, v) {
			t.Fatalf("%q: %q encoded as\n%s\nread back as %q (present: %v)", k, v, text, got, ok)
		}
	}
}

func TestEncodeDecodeRoundTripsAwkwardValues(t *testing.T) {
	checkRoundTrip(t, toData(awkward))
	for k, v := range awkward {
		checkRoundTrip(t, map[string][]byte{k: []byte(v)})
		checkRoundTrip(t, map[string][]byte{v: []byte(k)}) // as a key too
	}
	checkRoundTrip(t, map[string][]byte{})
	prop := func(k1 string, v1 []byte, k2 string, v2 []byte) bool {
		checkRoundTrip(t, map[string][]byte{k1: v1, k2: v2})
		return !t.Failed()
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
}

// What the user sees: readable forms where YAML allows them.
func TestEncodeShowsReadableForms(t *testing.T) {
	got := string(Encode(toData(map[string]string{
		"A": "bar", "PORT": "8080", "0": "<<", "MULTI": "line 1\nline 2\n", "NL": "\n", "BIN": "\xff\x00",
		"TABS": "\t\n", "URL": "https://x.example/a?b=c", "LEAD": "\n\nx",
	})))
	want := `"0": "<<"
A: bar
BIN: !!binary /wA=
LEAD: |-


  x
MULTI: |
  line 1
  line 2
NL: "\n"
PORT: "8080"
TABS: "\t\n"
URL: https://x.example/a?b=c
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// An edit saved unchanged keeps keys and values lain would not let you
// add, because kubectl put them there.
func TestParseTakesWhatTheSecretHeldAsItIs(t *testing.T) {
	before := toData(map[string]string{"0": "<<", "a.b": "x", "BIN": "\xff"})
	text := append([]byte(Env.Header("app", "prod")), Encode(before)...)
	got, problems := Env.Parse("edit.yaml", text, before)
	if len(problems) > 0 || len(Diff(before, got).Added)+len(Diff(before, got).Changed)+len(Diff(before, got).Removed) > 0 {
		t.Fatalf("%v %q", problems, got)
	}
	// New ones are still refused.
	_, problems = Env.Parse("edit.yaml", append(text, "1X: y\nBIN2: !!binary /w==\n"...), before)
	if len(problems) != 2 {
		t.Fatal(problems)
	}
}

func TestParseNamesTheLineOfUnreadableText(t *testing.T) {
	cases := map[string]string{
		"A: x\nB: \xff\n":    "edit.yaml:2: byte 0xff is not UTF-8 text",
		"A: x\n\nB: a\x01\n": `edit.yaml:3: control character U+0001: write it inside double quotes as an escape ("\u0001")`,
		"A: x\nB: [\n":       "edit.yaml:2: not valid YAML: did not find expected node content",
	}
	for text, want := range cases {
		_, problems := Env.Parse("edit.yaml", []byte(text), nil)
		if len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
			t.Errorf("%q: %v, want %s", text, problems, want)
		}
	}
}

func FuzzEditRoundTrip(f *testing.F) {
	for k, v := range awkward {
		f.Add(k, []byte(v), "B", []byte(""))
	}
	f.Add("a", []byte("\n"), "b", []byte("\n\nx"))
	f.Add("0", []byte("<<"), "a", []byte("\n x"))
	f.Fuzz(func(t *testing.T, k1 string, v1 []byte, k2 string, v2 []byte) {
		checkRoundTrip(t, map[string][]byte{k1: v1, k2: v2})
	})
}
