package runner

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"
)

// secretKey matches key names whose values must never be printed.
// Short abbreviations (PAT: personal access token, PWD, the cookie of a
// session) only count as a whole word of the name (GITLAB_PAT, db.pwd,
// X-Auth-Key), so PATH and PATTERN stay visible.
var secretKey = lazy.Regexp(`(?i)(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|authorization|auth[_-]?(token|key)|cookie|(^|[_.\-])(pat|pwd|pin)($|[_.\-]))`)

// Masker decides which parts of a command line are shown as ***.
//
// It reads each argument the way the tool being run reads it (see
// grammarFor), and masks:
//   - the value of a flag whose name looks secret: --password VALUE (even
//     when VALUE starts with '-') and --password=VALUE;
//   - the value of a KEY=VALUE argument whose key looks secret or is in
//     Keys: everything after the first '=' (docker --build-arg, -e, kubectl
//     --from-literal do not split values on commas);
//   - for helm's --set, --set-string, --set-file, --set-json and
//     --set-literal, the value of each secret key, found with helm's own
//     escaping (\, is a literal comma, {a,b} is one list value);
//   - the password of a URL's user:password@ in any argument
//     (postgres://bob:PASS@db, https://oauth2:TOKEN@gitlab), whatever the
//     key or flag around it;
//   - every occurrence of a literal in Values, wherever it appears.
type Masker struct {
	// Keys are extra keys to mask, matched exactly (e.g. "webhook.url").
	Keys []string
	// Values are literal secrets to hide wherever they appear.
	Values []string
}

func (m Masker) isSecretKey(k string) bool {
	k = strings.TrimLeft(k, "-")
	for _, want := range m.Keys {
		if k == want {
			return true
		}
	}
	return secretKey().MatchString(k)
}

// SecretName reports whether a key or variable name looks secret (its
// value is masked when printed): NPM_TOKEN, db.password, API_KEY...
func SecretName(k string) bool { return Masker{}.isSecretKey(k) }

// Hides reports whether the printed line of tool args masks anything: the
// arguments hold a secret.
func (m Masker) Hides(tool string, args []string) bool {
	for _, sp := range m.spans(tool, args) {
		if len(sp) > 0 {
			return true
		}
	}
	return false
}

// span is a masked part of one argument: bytes [from, to). An empty span
// still prints *** (an empty password is shown as hidden, not as absent).
type span struct{ from, to int }

// mask splits each argument of tool into segments, marking the secret ones.
func (m Masker) mask(tool string, args []string) [][]segment {
	spans := m.spans(tool, args)
	out := make([][]segment, len(args))
	for i, a := range args {
		out[i] = segments(a, spans[i])
	}
	return out
}

// spans finds the masked parts of every argument.
func (m Masker) spans(tool string, args []string) [][]span {
	g := grammarFor(tool, args)
	out := make([][]span, len(args))
	next := valuePlain // how the next argument is read
	for i, a := range args {
		read := next
		next = valuePlain
		if m.isValue(a) {
			// A whole argument that is a known secret is data, not a flag
			// or a "--": reading it as one would mask (or not) the next
			// argument by what the secret looks like.
			out[i] = []span{{0, len(a)}}
			continue
		}
		if a == "--" && read == valuePlain && i+1 < len(args) {
			// kubectl exec POD -- mysql -pSECRET: what follows is another
			// program's command line, read with that program's grammar.
			g = grammarFor(args[i+1], args[i+2:])
		}
		var sp []span
		switch {
		case read == valueSecret:
			sp = []span{{0, len(a)}}
		case read != valuePlain:
			sp = m.setSpans(read, a, 0)
		case len(a) > 2 && a[0] == '-' && a[1] != '-' && g.short[a[:2]]:
			sp = []span{{2, len(a)}} // docker login -pVALUE: the value is attached
		case len(a) > 2 && a[0] == '-' && a[1] != '-' && g.shortPair[a[:2]]:
			sp = m.pairSpan(a, 2) // docker run -eKEY=VALUE
		case authHeader(a) > 0:
			sp = []span{{authHeader(a), len(a)}}
		case len(a) > 1 && a[0] == '-':
			name, _, hasValue := strings.Cut(a, "=")
			at := len(name) + 1
			switch {
			case !hasValue && g.secretFlag(m, name):
				next = valueSecret
			case !hasValue:
				next = g.setFlags[name]
			case g.secretFlag(m, name):
				sp = []span{{at, len(a)}}
			case g.setFlags[name] != valuePlain:
				sp = m.setSpans(g.setFlags[name], a, at)
			default:
				sp = m.pairSpan(a, at) // --from-literal=KEY=VALUE, --build-arg=KEY=VALUE
			}
		default:
			sp = m.pairSpan(a, 0)
		}
		sp = append(sp, urlPasswordSpans(a)...)
		out[i] = append(sp, m.literalSpans(a)...)
	}
	return out
}

// pairSpan masks VALUE in a[at:] = "KEY=VALUE" when KEY is secret: all of
// it, commas included, as docker, kubectl and the shell read it.
func (m Masker) pairSpan(a string, at int) []span {
	k, _, ok := strings.Cut(a[at:], "=")
	if !ok || !m.isSecretKey(k) {
		return nil
	}
	return []span{{at + len(k) + 1, len(a)}}
}

// urlPasswordSpans masks PASS in every scheme://USER:PASS@HOST of a: the
// userinfo ends at the last '@' before the authority's end ('/', '?', '#'
// or the end), as URL parsers read it, so a password holding '@' or ':' is
// hidden whole.
func urlPasswordSpans(a string) []span {
	var out []span
	for from := 0; ; {
		i := strings.Index(a[from:], "://")
		if i < 0 {
			return out
		}
		auth := from + i + len("://")
		end := len(a)
		if j := strings.IndexAny(a[auth:], "/?#"); j >= 0 {
			end = auth + j
		}
		if at := strings.LastIndexByte(a[auth:end], '@'); at >= 0 {
			if colon := strings.IndexByte(a[auth:auth+at], ':'); colon >= 0 {
				out = append(out, span{auth + colon + 1, auth + at})
			} else if httpScheme(a[:from+i]) {
				// https://TOKEN@host: over HTTP a lone user name is a token
				// (GitHub, GitLab); ssh://git@host names a user.
				out = append(out, span{auth, auth + at})
			}
		}
		from = auth
	}
}

// isValue reports whether a is exactly one of the literal secrets.
func (m Masker) isValue(a string) bool {
	return a != "" && slices.Contains(m.Values, a)
}

// literalSpans masks every occurrence of each literal secret in a,
// overlapping ones included, so no byte of the real occurrence escapes
// (the first match may start inside the text before it).
func (m Masker) literalSpans(a string) []span {
	var out []span
	for _, v := range m.Values {
		if v == "" {
			continue
		}
		for from := 0; from < len(a); {
			i := strings.Index(a[from:], v)
			if i < 0 {
				break
			}
			out = append(out, span{from + i, from + i + len(v)})
			from += i + 1
		}
	}
	return out
}

// segments cuts a into text and masked parts; overlapping or touching
// spans become one masked part.
func segments(a string, spans []span) []segment {
	if len(spans) == 0 {
		return []segment{{text: a}}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var segs []segment
	at := 0
	for i := 0; i < len(spans); {
		cur := spans[i]
		for i++; i < len(spans) && spans[i].from <= cur.to; i++ {
			cur.to = max(cur.to, spans[i].to)
		}
		if cur.from > at {
			segs = append(segs, segment{text: a[at:cur.from]})
		}
		segs = append(segs, segment{masked: true})
		at = max(at, cur.to)
	}
	if at < len(a) {
		segs = append(segs, segment{text: a[at:]})
	}
	return segs
}

// grammar is what lain knows of one tool's flags.
type grammar struct {
	// setFlags are flags whose value helm parses as KEY=VALUE lists.
	setFlags map[string]valueKind
	// noValue are flags that look secret but take no value.
	noValue map[string]bool
	// short are one-letter flags that take a secret value (docker login -p).
	short map[string]bool
	// long are flags whose value is secret although their name does not
	// say so (curl --user user:password).
	long map[string]bool
	// shortPair are one-letter flags whose value is KEY=VALUE, which may be
	// attached (docker run -eKEY=VALUE).
	shortPair map[string]bool
}

// authHeader is where the credentials start in an HTTP Authorization
// header given as an argument (curl -H 'Authorization: Bearer TOKEN'), or 0.
func authHeader(a string) int {
	for _, h := range []string{"authorization:", "proxy-authorization:"} {
		if len(a) >= len(h) && strings.EqualFold(a[:len(h)], h) {
			return len(h)
		}
	}
	return 0
}

func (g grammar) secretFlag(m Masker, name string) bool {
	if g.noValue[name] {
		return false
	}
	if !strings.HasPrefix(name, "--") {
		return g.short[name]
	}
	return g.long[name] || m.isSecretKey(name)
}

// grammarFor is the grammar of tool ("helm", "/usr/bin/docker", ...).
func grammarFor(tool string, args []string) grammar {
	tool = strings.TrimSuffix(filepath.Base(tool), ".exe")
	g := grammar{noValue: map[string]bool{"--password-stdin": true}}
	switch tool {
	case "helm":
		g.setFlags = map[string]valueKind{
			"--set": valueSet, "--set-string": valueSet, "--set-file": valueSet,
			"--set-json": valueSetJSON, "--set-literal": valueSetLiteral,
		}
		g.noValue["--pass-credentials"] = true
	case "docker":
		g.shortPair = map[string]bool{"-e": true}
		if len(args) > 0 && args[0] == "login" {
			g.short = map[string]bool{"-p": true}
		}
	// Clients people run in a pod (lain x -- ...) whose one-letter flag
	// takes a password: mysql -pSECRET, redis-cli -a SECRET, curl -u
	// user:SECRET (the user is hidden too: better than parsing it).
	case "mysql", "mariadb", "mysqldump", "mysqladmin", "sshpass", "mongo", "mongosh":
		g.short = map[string]bool{"-p": true}
	case "redis-cli", "valkey-cli":
		g.short = map[string]bool{"-a": true}
	case "curl", "wget":
		g.short = map[string]bool{"-u": true}
		g.long = map[string]bool{"--user": true, "--proxy-user": true}
	}
	return g
}

// httpScheme reports whether before ends with the scheme http or https.
func httpScheme(before string) bool {
	b := strings.ToLower(before)
	return strings.HasSuffix(b, "https") || strings.HasSuffix(b, "http")
}
