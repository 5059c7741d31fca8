package yamldoc

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseValues(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       map[string]any
	}{
		{"types as helm reads them", "s: x\ni: 3\nf: 1.5\nb: true\nn: ~\nq: '3'\nl: [a, 1]\n",
			map[string]any{"s": "x", "i": 3, "f": 1.5, "b": true, "n": nil, "q": "3", "l": []any{"a", 1}}},
		{"alias", "base: &r r.io/x\ninternalRegistry: *r\n", map[string]any{"base": "r.io/x", "internalRegistry": "r.io/x"}},
		{"merge key: own keys win", "a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n",
			map[string]any{"a": map[string]any{"x": 1, "y": 2}, "b": map[string]any{"x": 1, "y": 3}}},
		{"merge list: earlier wins", "a: &a {x: 1}\nb: &b {x: 2, z: 2}\nc: {<<: [*a, *b]}\n",
			map[string]any{"a": map[string]any{"x": 1}, "b": map[string]any{"x": 2, "z": 2}, "c": map[string]any{"x": 1, "z": 2}}},
		{"quoted << is a plain key", "'<<': x\n", map[string]any{"<<": "x"}},
		{"CRLF", "a: 1\r\nb: x\r\n", map[string]any{"a": 1, "b": "x"}},
		{"what yaml.v3 gives helm's way", "t: 2001-12-14\nb: !!binary aGk=\nc: !custom x\nbig: 12345678901234567890\nh: 0x10\n",
			map[string]any{"t": "2001-12-14", "b": "hi", "c": "x", "big": uint64(12345678901234567890), "h": 16}},
		{"BOM", "\ufeffa: 1\n", map[string]any{"a": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("v.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Map(), c.want) {
				t.Fatalf("got %#v", d.Map())
			}
		})
	}
}

// TestBadFiles: every problem says file:line:col and what it is.
func TestBadFiles(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"duplicate key", "a: 1\nb: 2\na: 3\n", "v.yaml:3:1: a: defined twice (first on line 1): keep one"},
		{"tab in indentation", "a:\n\tb: 1\n", "v.yaml:2:1: a tab in the indentation: YAML indents with spaces only"},
		{"tab after spaces", "a:\n  b: 1\n  \tc: 2\n", "v.yaml:3:3: a tab in the indentation"},
		{"tab in a list", "a:\n  - x\n\t- y\n", "v.yaml:3:1: a tab in the indentation"},
		{"tab inside text is not the problem", "s: |\n  x\n  \ty\nq: [\n", "v.yaml:4:1: not valid YAML: did not find expected node content"},
		{"invalid UTF-8", "a: 1\nb: \xff\n", "v.yaml:2:4: byte 0xFF is not UTF-8: save the file as UTF-8"},
		{"NUL byte", "a: 1\nb: x\x00y\n", "v.yaml:2:5: a NUL byte"},
		{"control character", "a: \x07\n", "v.yaml:1:4: control character U+0007"},
		{"UTF-16", "\xff\xfea\x00:\x00", "v.yaml:1:1: the file is UTF-16 text: save it as UTF-8"},
		{"syntax error", "a: [unclosed\n", "v.yaml:1:4: not valid YAML: did not find expected ',' or ']'"},
		{"syntax error, indented", "a:\n  b: c: d\n", "v.yaml:2:7: not valid YAML: mapping values are not allowed in this context"},
		{"unclosed flow map, third line", "appname: shop\ndeployments:\n  web: {containerPort: 8080\n", "v.yaml:3:8: not valid YAML: did not find expected ',' or '}'"},
		{"missing key in a block map", "a:\n  b: 1\n c: 2\n", "v.yaml:3:2: not valid YAML: did not find expected key"},
		{"unknown anchor", "a: 1\nb: *nope\n", "v.yaml:2:4: *nope refers to no &nope above it"},
		{"alias cycle", "a: &a\n  b: *a\n", "v.yaml:2:6: *a refers to a value that contains it"},
		{"merge cycle", "a: &a\n  <<: *a\n", "refers to a value that contains it"},
		{"merge of a scalar", "a: &a 1\nb:\n  <<: *a\n", "v.yaml:3:7: <<: merges a map, or a list of maps"},
		{"map as key", "? {a: 1}\n: x\n", "v.yaml:1:3: a key must be a single value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	for _, s := range []string{"", "# only a comment\n", "\n\n"} {
		d, err := Parse("v.yaml", []byte(s))
		if err != nil || d.Root != nil || d.Map() != nil {
			t.Errorf("%q: %+v %v", s, d, err)
		}
	}
}

// TestAliasBombIsRefusedQuickly: nine levels of ten aliases would be a
// billion values.
func TestAliasBombIsRefusedQuickly(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	start := time.Now()
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "aliases (*name) expand to far more values than the file holds") {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestSizeCap(t *testing.T) {
	big := bytes.Repeat([]byte("# padding\n"), MaxSize/10+1)
	if _, err := Parse("big.yaml", big); err == nil || !strings.Contains(err.Error(), "big.yaml: the file is over 4 MiB") {
		t.Fatal(err)
	}
	if _, err := ReadAll(bytes.NewReader(big), "big.yaml"); err == nil {
		t.Fatal("ReadAll took it")
	}
}

func TestPairsExpandsMergeKeys(t *testing.T) {
	d, err := Parse("v.yaml", []byte("a: &a {x: 1, y: 2}\nb:\n  y: 3\n  <<: *a\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Pairs(Pairs(d.Root)[1].V) {
		got = append(got, p.K.Value+"="+Deref(p.V).Value)
	}
	if strings.Join(got, " ") != "y=3 x=1" {
		t.Fatal(got)
	}
}

// FuzzParse: no input panics or hangs; whatever parses converts to values
// consistent with its nodes, and every error is located in the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "a: &a [x]\nb: [*a, *a]\n", "a: &a {x: 1}\nb: {<<: *a}\n", "a: &a\n  b: *a\n",
		"a:\n\tb: 1\n", "\xff", "a: \x00", "a: 1\na: 2\n", "? [a]\n: b\n", "a: [unclosed\n",
		"\ufeffa: 1\r\n", "<<: {a: 1}\n", "a: !!binary aGk=\n", "a: 2001-12-14\n", "--- a\n--- b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// A hang must crash the worker, so the fuzzer keeps the input.
		watchdog := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("Parse hangs on %q", raw)) })
		d, err := Parse("f.yaml", raw)
		watchdog.Stop()
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.File != "f.yaml" || e.Line > len(splitLines(raw)) || e.Line < 0 {
				t.Fatalf("error %q outside the file's %d lines", err, len(splitLines(raw)))
			}
			return
		}
		if (d.Root == nil) != (d.Value == nil) && d.Root.Tag != "!!null" {
			t.Fatalf("root %v, value %v", d.Root, d.Value)
		}
		// The checkers walk nodes with Pairs, helm gets Value: both must
		// see the same keys.
		if m := d.Map(); m != nil {
			ps := Pairs(d.Root)
			for _, p := range ps {
				if _, ok := m[p.K.Value]; !ok {
					t.Fatalf("Pairs has %q, the map does not", p.K.Value)
				}
			}
			if len(ps) != len(m) {
				t.Fatalf("%d pairs, %d keys", len(ps), len(m))
			}
		}
	})
}
