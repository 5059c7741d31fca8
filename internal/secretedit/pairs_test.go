package secretedit

import (
	"strings"
	"testing"
)

func TestParsePairsNeverQuotesAnArgumentAndRefusesTwice(t *testing.T) {
	v, err := ParsePairs([]string{"A=x=y", "B=", `C=a"b` + "\nc"})
	if err != nil || string(v["A"]) != "x=y" || string(v["B"]) != "" || string(v["C"]) != "a\"b\nc" {
		t.Fatalf("%q %v", v, err)
	}
	// env add DB_PASSWORD hunter2: the value typed without its name.
	_, err = ParsePairs([]string{"DB_PASSWORD", "hunter2", "=x", "A=1", "A=2"})
	want := "argument 1 is not NAME=VALUE: it has no =\n  argument 2 is not NAME=VALUE: it has no =\n  argument 3 is not NAME=VALUE: nothing before the =\n  A: given twice, as arguments 4 and 5: keep one"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatal("a value was printed")
	}
}

func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{"A=1", "=x", "A", "A=1\x00B=2", "A==", "ÄÖ=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		v, err := ParsePairs(args)
		if err != nil {
			return
		}
		for _, a := range args {
			k, val, _ := strings.Cut(a, "=")
			if string(v[k]) != val {
				t.Fatalf("%q: %q", a, v[k])
			}
		}
	})
}

// .env lines with a comment after the value: the value is what is quoted,
// or what comes before " #" (with a warning that names the line only).
func TestDotenvCommentAfterAValue(t *testing.T) {
	text := "A=\"q=x\" # prod\nB='it s' #x\nC=plain # note\nD=a#b\nE=\"a # b\"\nF=\"unclosed # c\nG=\"x\"y\n"
	d, warnings, err := ParseEnvFile("prod.env", []byte(text))
	want := map[string]string{"A": "q=x", "B": "it s", "C": "plain", "D": "a#b", "E": "a # b", "F": `"unclosed`, "G": `"x"y`}
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if string(d[k]) != v {
			t.Errorf("%s = %q, want %q", k, d[k], v)
		}
	}
	if strings.Join(warnings, "|") != `prod.env:3: C: what follows " #" is taken as a comment, not part of the value (quote the value to keep it)|prod.env:6: F: what follows " #" is taken as a comment, not part of the value (quote the value to keep it)` {
		t.Errorf("warnings %q", warnings)
	}
}
