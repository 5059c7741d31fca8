package render

import (
	"bytes"
	"strings"
)

// volatileFuncs are the template functions whose result is new on each
// helm template (the clock, chance, a DNS lookup): a render that calls one
// is never the same twice, so none is cached. The rand* functions
// (randAlphaNum...) and sprig's certificate and key generators count too.
var volatileFuncs = map[string]bool{"now": true, "ago": true, "uuidv4": true, "shuffle": true, "htpasswd": true,
	"bcrypt": true, "encryptAES": true, "getHostByName": true}

// callsVolatile is whether a template action ({{ ... }}) in b names a
// volatile function. Only actions are read, so a word like "now" in a
// comment or a value does not turn the cache off.
func callsVolatile(b []byte) bool {
	for {
		start := bytes.Index(b, []byte("{{"))
		if start < 0 {
			return false
		}
		b = b[start+2:]
		end := bytes.Index(b, []byte("}}"))
		if end < 0 {
			end = len(b)
		}
		if actionCallsVolatile(b[:end]) {
			return true
		}
		b = b[end:]
	}
}

// actionCallsVolatile looks at each identifier of one action.
func actionCallsVolatile(action []byte) bool {
	for i := 0; i < len(action); {
		if q := action[i]; q == '"' || q == '`' { // a string names no function
			i++
			for i < len(action) && action[i] != q {
				if q == '"' && action[i] == '\\' {
					i++
				}
				i++
			}
			i++
			continue
		}
		if !identStart(action[i]) || (i > 0 && (identPart(action[i-1]) || action[i-1] == '.' || action[i-1] == '$')) {
			i++
			continue
		}
		j := i
		for j < len(action) && identPart(action[j]) {
			j++
		}
		word := string(action[i:j])
		if volatileFuncs[word] || strings.HasPrefix(word, "rand") || strings.HasPrefix(word, "genCA") ||
			strings.HasPrefix(word, "genPrivateKey") || strings.HasPrefix(word, "genSelfSigned") || strings.HasPrefix(word, "genSigned") {
			return true
		}
		i = j
	}
	return false
}

func identStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func identPart(c byte) bool { return identStart(c) || (c >= '0' && c <= '9') }
