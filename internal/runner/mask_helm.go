package runner

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// valueKind is how an argument is read: on its own, as the value of a
// secret flag, or as the value of one of helm's --set flags.
type valueKind int

const (
	valuePlain      valueKind = iota
	valueSecret               // all of it is secret (after --password)
	valueSet                  // helm --set, --set-string, --set-file
	valueSetJSON              // helm --set-json: values are JSON
	valueSetLiteral           // helm --set-literal: one KEY=VALUE, VALUE verbatim
)

// setSpans masks the values of secret keys in s[at:], read as helm reads
// its --set flags (helm.sh/helm/v3/pkg/strvals): KEY=VALUE pairs split on
// commas; a backslash makes the next character literal, in keys and values;
// a value starting with '{' is a list that ends at '}'. For --set-json each
// value is one JSON value; for --set-literal the value is the rest of s.
func (m Masker) setSpans(kind valueKind, s string, at int) []span {
	var out []span
	for i := at; i < len(s); {
		key, end := setKey(s, i, kind == valueSetLiteral)
		if end >= len(s) || s[end] == ',' {
			i = end + 1 // a key without a value: helm refuses it
			continue
		}
		from := end + 1
		to := setValueEnd(kind, s, from)
		if m.isSecretKey(key) {
			to = valuelessItemsEnd(kind, s, to)
			out = append(out, span{from, to})
		}
		i = to
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
	return out
}

// valuelessItemsEnd extends a secret value that ends at s[to] over the
// items after it that have no '=': in token=tok1,tok2 helm reads tok2 as a
// key without a value (and refuses it), but the user meant one token with
// a comma, so tok2 is as secret as tok1.
func valuelessItemsEnd(kind valueKind, s string, to int) int {
	if kind == valueSetLiteral {
		return to
	}
	for to < len(s) && s[to] == ',' {
		_, end := setKey(s, to+1, false)
		if end < len(s) && s[end] == '=' {
			break
		}
		to = end
	}
	return to
}

// setKey reads a key from s[i:] up to its '=' (or ',', or the end), and
// returns it unescaped with the index of the byte that ended it. An index
// ([0], even [a=b]) is part of the key.
func setKey(s string, i int, literal bool) (string, int) {
	var k strings.Builder
	inIndex := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && !literal && i+1 < len(s):
			i++
			c = s[i]
		case c == '[':
			inIndex = true
		case c == ']':
			inIndex = false
		case inIndex:
		case c == '=', c == ',' && !literal:
			return k.String(), i
		}
		k.WriteByte(c)
	}
	return k.String(), i
}

// setValueEnd is where the value starting at s[from] ends: the index of the
// ',' after it, or len(s).
func setValueEnd(kind valueKind, s string, from int) int {
	switch kind {
	case valueSetLiteral:
		return len(s)
	case valueSetJSON:
		// helm skips spaces; nothing before ',' is null; else one JSON value.
		i := from
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += n
		}
		if i == len(s) || s[i] == ',' {
			return i
		}
		dec := json.NewDecoder(strings.NewReader(s[i:]))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return len(s) // helm refuses it; hide all of it
		}
		return i + int(dec.InputOffset())
	}
	stop := ","
	if from < len(s) && s[from] == '{' {
		stop = "}"
	}
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case strings.IndexByte(stop, s[i]) >= 0:
			if stop == "}" {
				return i + 1
			}
			return i
		}
	}
	return len(s)
}

// SetItemWithoutValue reports whether helm would refuse a --set or
// --set-string value s for an item with no '=' (a ',' left unescaped inside
// a value): helm's message quotes that item, which is often the rest of a
// secret (token=tok1,tok2 prints key "tok2" has no value).
func SetItemWithoutValue(s string) bool {
	for i := 0; i < len(s); {
		key, end := setKey(s, i, false)
		if end >= len(s) || s[end] == ',' {
			if key != "" {
				return true
			}
			i = end + 1
			continue
		}
		i = setValueEnd(valueSet, s, end+1)
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
	return false
}
