package runner

import (
	"strings"

	"github.com/lain-cli/lain/internal/lazy"
)

// secretKey matches key names whose values must never be printed.
var secretKey = lazy.Regexp(`(?i)(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|authorization|auth[_-]?token)`)

// Masker decides which parts of a command line are shown as ***.
//
// It masks the value of any KEY=VALUE argument, or any comma-separated pair
// of a --set style argument, whose key looks secret or is in Keys; the
// argument following a flag whose name looks secret (--password VALUE);
// and every occurrence of a literal in Values (tokens passed positionally).
type Masker struct {
	// Keys are extra --set keys to mask, matched exactly (e.g. "webhook.url").
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

// mask splits each argument into segments, marking the secret ones.
func (m Masker) mask(args []string) [][]segment {
	out := make([][]segment, len(args))
	maskNext := false
	for i, a := range args {
		switch {
		case maskNext:
			out[i] = []segment{{text: a, masked: true}}
			maskNext = false
		case strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && m.isSecretKey(a) && a != "-":
			// --password VALUE: the flag stays, its value goes.
			out[i] = m.literals(a)
			maskNext = i+1 < len(args) && !strings.HasPrefix(args[i+1], "-")
		default:
			out[i] = m.pairs(a)
		}
	}
	return out
}

// pairs masks the values of secret keys in "k=v" or "k1=v1,k2=v2".
func (m Masker) pairs(a string) []segment {
	if !strings.Contains(a, "=") {
		return m.literals(a)
	}
	var segs []segment
	items := strings.Split(a, ",")
	for i, item := range items {
		sep := ""
		if i < len(items)-1 {
			sep = ","
		}
		k, _, found := strings.Cut(item, "=")
		if found && m.isSecretKey(k) {
			segs = append(segs, segment{text: k + "="}, segment{masked: true}, segment{text: sep})
			continue
		}
		segs = append(segs, m.literals(item+sep)...)
	}
	return merge(segs)
}

// literals masks every occurrence of a known secret value inside a.
func (m Masker) literals(a string) []segment {
	segs := []segment{{text: a}}
	for _, v := range m.Values {
		if v == "" {
			continue
		}
		var next []segment
		for _, s := range segs {
			if s.masked || !strings.Contains(s.text, v) {
				next = append(next, s)
				continue
			}
			parts := strings.Split(s.text, v)
			for j, p := range parts {
				if j > 0 {
					next = append(next, segment{masked: true})
				}
				next = append(next, segment{text: p})
			}
		}
		segs = next
	}
	return segs
}

// merge joins neighbouring text segments so quoting happens once per run.
func merge(segs []segment) []segment {
	var out []segment
	for _, s := range segs {
		if n := len(out); n > 0 && !s.masked && !out[n-1].masked {
			out[n-1].text += s.text
			continue
		}
		out = append(out, s)
	}
	return out
}
