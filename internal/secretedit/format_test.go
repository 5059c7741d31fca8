package secretedit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseReportsEveryProblemWithItsLine(t *testing.T) {
	text := "# header\nGOOD: \"1\"\n9BAD: x\nPORT: 8080\nDEBUG: true\nEMPTY:\nLIST: [a]\nGOOD: again\n"
	_, problems := Env.Parse("edit.yaml", []byte(text), nil)
	want := []string{
		"edit.yaml:3: 9BAD: not a valid environment variable name (letters, digits and _, not starting with a digit)",
		`edit.yaml:4: PORT: must be a string, got a number (int): put the value in quotes (PORT: "...")`,
		`edit.yaml:5: DEBUG: must be a string, got true/false (bool): put the value in quotes (DEBUG: "...")`,
		`edit.yaml:6: EMPTY: has no value: write EMPTY: "" for an empty one`,
		"edit.yaml:7: LIST: must be a string, got a list",
		"edit.yaml:8: GOOD: appears twice (first on line 2)",
	}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("got\n%s", strings.Join(problems, "\n"))
	}
	for _, bad := range []string{"a: [unclosed\n", "{}\nFOO: bar\n", "A: b\n---\nC: d\n", "- a\n"} {
		if _, p := Env.Parse("e.yaml", []byte(bad), nil); len(p) != 1 {
			t.Errorf("%q: %v", bad, p)
		}
	}
	if d, p := Env.Parse("e.yaml", []byte("# only comments\n"), nil); len(p) != 0 || len(d) != 0 {
		t.Error("an empty edit is an empty Secret")
	}
	if _, p := Files.Parse("s.yaml", []byte("a/b.txt: x\nok.txt: y\n"), nil); len(p) != 1 || !strings.Contains(p[0], "a/b.txt: not a valid file name") {
		t.Error(p)
	}
}

func TestEncodeRoundTrips(t *testing.T) {
	data := map[string][]byte{"config.json": []byte("{\n  \"a\": 1\n}\n"), "PORT": []byte("8080"), "key.bin": {0xff, 0, 1}, "EMPTY": {}}
	text := Encode(data)
	if !strings.Contains(string(text), "config.json: |\n  {\n") || !strings.Contains(string(text), `PORT: "8080"`) || !strings.Contains(string(text), "key.bin: !!binary") {
		t.Errorf("%s", text)
	}
	back, problems := Files.Parse("x", text, nil)
	if len(problems) > 0 || !reflect.DeepEqual(back, data) {
		t.Fatalf("%v %q", problems, back)
	}
	if string(Encode(nil)) != "{}\n" {
		t.Error("empty")
	}
}

func TestDiffNamesKeysOnly(t *testing.T) {
	d := Diff(map[string][]byte{"A": []byte("1"), "B": []byte("2"), "C": []byte("3")}, map[string][]byte{"A": []byte("1"), "B": []byte("changed"), "D": []byte("4")})
	if d.String() != "added D; changed B; removed C" {
		t.Error(d.String())
	}
}

func TestEnvFiles(t *testing.T) {
	d, warnings, err := ParseEnvFile("prod.yaml", []byte("A: x\nPORT: 8080\n"))
	if err != nil || string(d["PORT"]) != "8080" || len(warnings) != 1 || !strings.Contains(warnings[0], `prod.yaml:2: PORT: is a number (int) in the file; stored as the text written there`) {
		t.Fatal(d, warnings, err)
	}
	d, _, err = ParseEnvFile("prod.env", []byte("# c\nexport A=1\nB=\"two words\"\nC='x=y'\nMSG=hello: world\n"))
	if err != nil || !reflect.DeepEqual(d, map[string][]byte{"A": []byte("1"), "B": []byte("two words"), "C": []byte("x=y"), "MSG": []byte("hello: world")}) {
		t.Fatal(d, err)
	}
	if _, _, err := ParseEnvFile("bad.env", []byte("A=1\nnonsense\n")); err == nil || !strings.Contains(err.Error(), "bad.env:2:") {
		t.Fatal(err)
	}
}

func TestSecretFileAcceptsAManifest(t *testing.T) {
	d, p := Files.ParseSecretFile("s.yaml", []byte("apiVersion: v1\nkind: Secret\nmetadata: {name: hello-secret}\ndata:\n  a.txt: plain text\nstringData:\n  b.txt: more\n"))
	if len(p) > 0 || !reflect.DeepEqual(d, map[string][]byte{"a.txt": []byte("plain text"), "b.txt": []byte("more")}) {
		t.Fatal(d, p)
	}
}

func TestKeptFiles(t *testing.T) {
	dir := t.TempDir()
	k := KeptFor(dir, "prod", "hello-secret", "config.json")
	if k.Path != filepath.Join(dir, "prod", "hello-secret--config.json") {
		t.Fatal(k.Path)
	}
	if b, err := k.Load(); b != nil || err != nil {
		t.Fatal(b, err)
	}
	if err := k.Save([]byte("x")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(k.Path)
	dst, _ := os.Stat(filepath.Dir(k.Path))
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v", st.Mode(), dst.Mode())
	}
	if b, _ := k.Load(); string(b) != "x" {
		t.Fatal(string(b))
	}
	if err := k.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(k.Path); !os.IsNotExist(err) {
		t.Fatalf("kept edit still there after Remove: %v", err)
	}
	// Removing an edit that is already gone is not an error.
	if err := k.Remove(); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_STATE_HOME": "/state"}
	if got := KeptDir(func(k string) string { return env[k] }, "/home/u", "linux"); got != "/state/lain/edits" {
		t.Error(got)
	}
	if got := KeptDir(func(string) string { return "" }, "/home/u", "linux"); got != "/home/u/.local/state/lain/edits" {
		t.Error(got)
	}
}

func TestEditorCommand(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if got, _ := EditorCommand(get, "linux"); !reflect.DeepEqual(got, []string{"vi"}) {
		t.Error(got)
	}
	if got, _ := EditorCommand(get, "windows"); !reflect.DeepEqual(got, []string{"notepad"}) {
		t.Error(got)
	}
	env["VISUAL"] = "nano"
	env["EDITOR"] = "code --wait"
	if got, _ := EditorCommand(get, "linux"); !reflect.DeepEqual(got, []string{"code", "--wait"}) {
		t.Error("EDITOR first, then VISUAL:", got)
	}
	env["EDITOR"] = "'unclosed"
	if _, err := EditorCommand(get, "linux"); err == nil {
		t.Error("bad EDITOR")
	}
}

// Issue 14, point 7: a value of null and a key given twice are refused
// with their lines, never stored as "null" or silently overwritten.
func TestEnvFileRefusesNullAndDuplicates(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"env.json", "{\n  \"A\": \"x\",\n  \"B\": null\n}\n", `env.json:3: B: has no value (null): write "B": "" for an empty variable, or remove the line`},
		{"env.yaml", "A: x\nB: ~\n", `env.yaml:2: B: has no value (~)`},
		{"env.yaml", "A: x\nB:\n", `env.yaml:2: B: has no value (nothing after the colon)`},
		{"env.yaml", "A: x\nB: y\nA: z\n", "env.yaml:3: A: given twice, on lines 1 and 3: keep one"},
		{"env.json", "{\"A\": \"x\",\n\"A\": \"y\"}\n", "env.json:2: A: given twice, on lines 1 and 2: keep one"},
		{"prod.env", "A=1\n# c\nA=2\n", "prod.env:3: A: given twice, on lines 1 and 3: keep one"},
	}
	for _, c := range cases {
		d, _, err := ParseEnvFile(c.name, []byte(c.text))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || d != nil {
			t.Errorf("%s %q: %v %q, want %s", c.name, c.text, err, d, c.want)
		}
	}
	// Empty values written as such are fine.
	d, _, err := ParseEnvFile("env.yaml", []byte("A: \"\"\nB: ''\n"))
	if err != nil || len(d) != 2 || len(d["A"]) != 0 {
		t.Fatal(d, err)
	}
}

// FuzzParseEnvFile: any file, of any kind, is read or refused with a
// message; never a panic, and never a variable given twice kept silently.
func FuzzParseEnvFile(f *testing.F) {
	for _, seed := range []string{"A=1\nA=2\n", "{\"A\": null}", "A: ~\n", "A: x\nA: y\n", "export A='x'\n", "A: !!binary /w==\n", "- a\n", "A: *x\n"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, text string, asYAML bool) {
		name := "f.env"
		if asYAML {
			name = "f.yaml"
		}
		d, _, err := ParseEnvFile(name, []byte(text))
		if err == nil && d == nil {
			t.Fatal("no error and no data")
		}
	})
}
