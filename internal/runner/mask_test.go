package runner

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/quick"
)

// The cases of issue 14 and their neighbours: each tool's own grammar.
func TestMaskFollowsEachToolsGrammar(t *testing.T) {
	cases := []struct {
		tool string
		args []string
		want string
	}{
		// helm --set: values split on unescaped commas; \, is a comma.
		// tok2 has no '=': helm would refuse it as a key; it is the rest of
		// a token the user forgot to escape.
		{"helm", []string{"--set", "harbor_token=tok1,tok2"}, "helm --set harbor_token=***"},
		{"helm", []string{"--set", "harbor_token=tok1,tok2,tok3,user=bob"}, "helm --set harbor_token=***,user=bob"},
		{"helm", []string{"--set-string", `SECRET=pa55\,word`}, "helm --set-string SECRET=***"},
		{"helm", []string{"--set-string", `SECRET=pa55\,word,user=bob`}, "helm --set-string SECRET=***,user=bob"},
		{"helm", []string{"--set=a=1,token=x\\\\,b=2"}, "helm --set=a=1,token=***,b=2"},
		{"helm", []string{"--set", "tokens={a,b\\}c},user=bob"}, "helm --set tokens=***,user=bob"},
		{"helm", []string{"--set", `my\,token=x,user=bob`}, `helm --set 'my\,token='***,user=bob`},
		{"helm", []string{"--set", "db.password=x,db.host=h"}, "helm --set db.password=***,db.host=h"},
		{"helm", []string{"--set", "passwords[0]=x,b=1"}, "helm --set 'passwords[0]='***,b=1"},
		{"helm", []string{"--set-json", `a=1,api_key={"k":"v,w"},b=2`}, "helm --set-json a=1,api_key=***,b=2"},
		{"helm", []string{"--set-literal", "token=a,b=c"}, "helm --set-literal token=***"},
		{"helm", []string{"--set", "cluster=test,user=bob"}, "helm --set cluster=test,user=bob"},
		// docker does not split --build-arg or -e values on commas.
		{"docker", []string{"build", "--build-arg", "NPM_TOKEN=ab,cdefgh", "."}, "docker build --build-arg NPM_TOKEN=*** ."},
		{"docker", []string{"build", "--build-arg=NPM_TOKEN=ab,cdefgh"}, "docker build --build-arg=NPM_TOKEN=***"},
		{"docker", []string{"run", "-e", "API_KEY=a,OTHER=b"}, "docker run -e API_KEY=***"},
		{"docker", []string{"login", "-u", "bob", "-p", "-Xy9", "reg"}, "docker login -u bob -p *** reg"},
		{"docker", []string{"login", "--password-stdin", "reg"}, "docker login --password-stdin reg"},
		{"docker", []string{"run", "-p", "8080:80", "img"}, "docker run -p 8080:80 img"},
		// A flag's value may start with '-'.
		{"mysql", []string{"--password", "-Xy9pass", "host"}, "mysql --password *** host"},
		{"mysql", []string{"--password", ""}, "mysql --password ***"},
		{"kubectl", []string{"--token=a,b", "get", "pods"}, "kubectl --token=*** get pods"},
		{"kubectl", []string{"create", "secret", "generic", "x", "--from-literal=password=a,b"}, "kubectl create secret generic x --from-literal=password=***"},
		{"kubectl", []string{"create", "secret", "generic", "x", "--from-literal", "password=a b"}, "kubectl create secret generic x --from-literal password=***"},
		{"helm", []string{"repo", "add", "--pass-credentials", "r", "https://x"}, "helm repo add --pass-credentials r https://x"},
		// Values attached to one-letter flags; HTTP credentials.
		{"docker", []string{"login", "-u", "bob", "-pSEKRIT", "reg"}, "docker login -u bob -p*** reg"},
		{"docker", []string{"run", "-eAPI_TOKEN=a,b", "-eMODE=x", "img"}, "docker run -eAPI_TOKEN=*** -eMODE=x img"},
		{"kubectl", []string{"exec", "p", "--", "curl", "-H", "Authorization: Bearer SEKRIT", "x"}, "kubectl exec p -- curl -H Authorization:*** x"},
		{"kubectl", []string{"exec", "p", "--", "mysql", "-pSEKRIT", "-u", "root"}, "kubectl exec p -- mysql -p*** -u root"},
		{"kubectl", []string{"exec", "-it", "p", "--", "redis-cli", "-a", "SEKRIT", "ping"}, "kubectl exec -it p -- redis-cli -a *** ping"},
		{"kubectl", []string{"exec", "p", "--", "curl", "-u", "bob:SEKRIT", "--user=bob:SEKRIT", "http://x"}, "kubectl exec p -- curl -u *** --user=*** http://x"},
		{"kubectl", []string{"exec", "p", "--", "psql", "--password", "SEKRIT"}, "kubectl exec p -- psql --password ***"},
		{"docker", []string{"run", "--rm", "img", "--", "ls", "-a", "-p"}, "docker run --rm img -- ls -a -p"},
		// A URL's password, whatever key or flag carries it.
		{"helm", []string{"--set", "env.DATABASE_URL=postgres://u:pa55@db/x,b=1"}, "helm --set env.DATABASE_URL=postgres://u:***@db/x,b=1"},
		{"docker", []string{"build", "--build-arg", "REG=https://bob:s3@cr:et@npm.example.com/", "."}, "docker build --build-arg REG=https://bob:***@npm.example.com/ ."},
		{"git", []string{"clone", "https://oauth2:tok@gitlab/x.git", "ssh://git@host/y"}, "git clone https://oauth2:***@gitlab/x.git ssh://git@host/y"},
		{"curl", []string{"http://a:1@h?u=ftp://b:2@i#x"}, `curl http://a:***'@h?u=ftp://b:'***'@i#x'`},
	}
	for _, c := range cases {
		if got := CommandLine(Masker{}, c.tool, c.args); got != c.want {
			t.Errorf("%s %q:\n got %s\nwant %s", c.tool, c.args, got, c.want)
		}
	}
}

func TestMaskLiteralsOverlappingTheTextAround(t *testing.T) {
	// The first "2:2" starts inside "oauth2:": masking only it would print
	// the secret's last two bytes.
	got := CommandLine(Masker{Values: []string{"2:2"}}, "git", []string{"https://oauth2:2:2@host"})
	if got != "git https://oauth***@host" {
		t.Error(got)
	}
}

// form is one way a secret reaches a command line: the arguments it makes
// of secret s, and where s (as the tool receives it, escaped) sits in them.
type form struct {
	name string
	make func(s string) (tool string, m Masker, args []string, at int, from, to int)
}

// formOnly limits a form to the secrets it can carry.
var formOnly = map[string]func(s string) bool{
	// helm reads an '=' after a comma as another setting, a '[' as an index, a '\' as an
	// escape and a leading '{' as a list: such a secret must be escaped.
	"helm --set, a comma left unescaped": func(s string) bool {
		return !strings.ContainsAny(s, "=\\[") && !strings.HasPrefix(s, "{")
	},
}

func helmEscape(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `,`, `\,`).Replace(s)
	if strings.HasPrefix(s, "{") {
		s = `\` + s
	}
	return s
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// planted builds args where one argument is prefix + value + suffix.
func planted(tool string, m Masker, before []string, prefix, value, suffix string, after ...string) (string, Masker, []string, int, int, int) {
	args := append(append(append([]string{}, before...), prefix+value+suffix), after...)
	return tool, m, args, len(before), len(prefix), len(prefix) + len(value)
}

var forms = []form{
	{"helm --set", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"upgrade", "--set"}, "a=1,harbor_token=", helmEscape(s), ",b=2", "./chart")
	}},
	{"helm --set, a comma left unescaped", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"--set"}, "a=1,harbor_token=", s, ",user=bob")
	}},
	{"helm --set-string=", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"upgrade"}, "--set-string=SECRET=", helmEscape(s), "")
	}},
	{"helm --set list", func(s string) (string, Masker, []string, int, int, int) {
		item := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `}`, `\}`).Replace(s)
		return planted("helm", Masker{}, []string{"--set"}, "tokens={x,", item, "},b=2")
	}},
	{"helm --set-json", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"--set-json"}, "a=1,api_key=", jsonString(s), ",b=2")
	}},
	{"helm --set-literal", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"--set-literal"}, "db.password=", s, "")
	}},
	{"helm --set with Keys", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{Keys: []string{"webhook.url"}}, []string{"--set"}, "webhook.url=", helmEscape(s), ",b=2")
	}},
	{"helm registry login --password", func(s string) (string, Masker, []string, int, int, int) {
		return planted("helm", Masker{}, []string{"registry", "login", "--password"}, "", s, "", "reg")
	}},
	{"docker --build-arg", func(s string) (string, Masker, []string, int, int, int) {
		return planted("docker", Masker{}, []string{"build", "--build-arg"}, "NPM_TOKEN=", s, "", ".")
	}},
	{"docker --build-arg=", func(s string) (string, Masker, []string, int, int, int) {
		return planted("docker", Masker{}, []string{"build"}, "--build-arg=NPM_TOKEN=", s, "", ".")
	}},
	{"docker -e", func(s string) (string, Masker, []string, int, int, int) {
		return planted("docker", Masker{}, []string{"run", "-e"}, "API_KEY=", s, "", "img")
	}},
	{"docker login -p", func(s string) (string, Masker, []string, int, int, int) {
		return planted("docker", Masker{}, []string{"login", "-u", "bob", "-p"}, "", s, "", "reg")
	}},
	{"kubectl --from-literal=", func(s string) (string, Masker, []string, int, int, int) {
		return planted("kubectl", Masker{}, []string{"create", "secret", "generic", "x"}, "--from-literal=password=", s, "")
	}},
	{"kubectl --token", func(s string) (string, Masker, []string, int, int, int) {
		return planted("kubectl", Masker{}, []string{"--token"}, "", s, "", "get", "pods")
	}},
	{"--password VALUE", func(s string) (string, Masker, []string, int, int, int) {
		return planted("mysql", Masker{}, []string{"--password"}, "", s, "", "host")
	}},
	{"--password=VALUE", func(s string) (string, Masker, []string, int, int, int) {
		return planted("mysql", Masker{}, nil, "--password=", s, "", "host")
	}},
	{"literal in a URL", func(s string) (string, Masker, []string, int, int, int) {
		return planted("git", Masker{Values: []string{s}}, []string{"clone"}, "https://oauth2:", s, "@git.example.com/a.git", "dir")
	}},
	{"literal argument", func(s string) (string, Masker, []string, int, int, int) {
		return planted("curl", Masker{Values: []string{s}}, []string{"-H"}, "", s, "", "https://x")
	}},
}

// checkNoLeak is the property: for secret s in every form,
//  1. every byte of s as the tool receives it lies in a masked part (so
//     nothing of it is printed but ***: no substring at all, n = 1);
//  2. the printed line is the same as for another secret: the line does not
//     depend on s. (For a literal from Values this holds when s occurs only
//     where it was put: elsewhere it is masked too, which changes the line
//     but hides more, and 1 still holds.)
//  3. said as a user would check it: no substring of s of 3 bytes or more
//     that the line for the other secret lacks is in the printed line.
//     (Shorter ones occur in any line: "he" of "helm".)
func checkNoLeak(t *testing.T, s string) {
	t.Helper()
	const other = "\x00other\x00"
	for _, f := range forms {
		if only := formOnly[f.name]; only != nil && !only(s) {
			continue
		}
		tool, m, args, at, from, to := f.make(s)
		if s == "" && len(m.Values) > 0 {
			continue // an empty literal hides nothing and is nothing
		}
		spans := m.spans(tool, args)
		if !covered(spans[at], from, to) {
			t.Fatalf("%s: secret %q at bytes [%d,%d) of %q not masked: %v", f.name, s, from, to, args[at], spans[at])
		}
		line := CommandLine(m, tool, args)
		otherTool, om, otherArgs, _, _, _ := f.make(other)
		otherLine := CommandLine(om, otherTool, otherArgs)
		onlyWherePut := occurrences(strings.Join(args, "\x00"), s) == 1
		if (len(m.Values) == 0 || onlyWherePut) && line != otherLine {
			t.Fatalf("%s: the printed line depends on the secret %q:\n%s\n%s", f.name, s, line, otherLine)
		}
		if line == otherLine {
			continue // 3 follows from 2; its loop is costly under fuzz instrumentation
		}
		for i := 0; i+3 <= len(s) && i < 64; i++ {
			for j := i + 3; j <= len(s) && j <= i+64; j++ {
				if w := s[i:j]; strings.Contains(line, w) && !strings.Contains(otherLine, w) {
					t.Fatalf("%s: %q of secret %q printed: %s", f.name, w, s, line)
				}
			}
		}
	}
}

// occurrences counts s in text, overlapping ones too.
func occurrences(text, s string) int {
	n := 0
	for i := 0; i+len(s) <= len(text); i++ {
		if strings.HasPrefix(text[i:], s) {
			n++
		}
	}
	return n
}

func covered(spans []span, from, to int) bool {
	for i := from; i < to; i++ {
		in := false
		for _, sp := range spans {
			if sp.from <= i && i < sp.to {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// maskSeeds are the secrets of issue 14 and the characters each grammar
// treats specially.
var maskSeeds = []string{
	"tok1,tok2", `pa55\,word`, "ab,cdefgh", "-Xy9pass", "", "x", "a=b", "{a,b}", "}", "\\", `\`, "a\\", ",", "=", "\"", "'",
	"--set", "a b", "\n", "\xff\xfe", "null", "{", "[0]", "***", "2:2", "oauth2:", "*'", "$(rm -rf /)", "🔑,🔑",
}

func TestMaskNeverPrintsASecret(t *testing.T) {
	for _, s := range maskSeeds {
		checkNoLeak(t, s)
	}
	prop := func(s string) bool { checkNoLeak(t, s); return !t.Failed() }
	if err := quick.Check(prop, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range maskSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNoLeak(t, s) })
}

// helm refuses an item without '=' and quotes it: lain refuses it first.
func TestSetItemWithoutValue(t *testing.T) {
	for s, want := range map[string]bool{
		"token=tok1,tok2": true, "a": true, "a=1,b": true, `a=1\,b`: false, "a=1,b=2": false,
		"a=1,": false, "a=1,,b=2": false, "a=": false, "l={x,y},b=2": false, "l={x,y": false,
		`a\,b=1`: false, "a[0]=x,y=1": false, "": false,
	} {
		if got := SetItemWithoutValue(s); got != want {
			t.Errorf("%q: got %v, want %v", s, got, want)
		}
	}
}

// Abbreviated secret names are masked as whole words only: PAT is a
// token, PATH is not.
func TestSecretNameAbbreviations(t *testing.T) {
	for k, want := range map[string]bool{
		"GITLAB_PAT": true, "pat": true, "db.pwd": true, "PWD": true, "X-Auth-Key": true,
		"SESSION_COOKIE": true, "SIM_PIN": true, "X-Auth-Token": true,
		"PATH": false, "PATTERN": false, "SPINNER": false, "PIN_COUNT_X": true, "HOME": false, "COMPATIBLE": false,
	} {
		if got := SecretName(k); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", k, got, want)
		}
	}
}
