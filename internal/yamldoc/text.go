package yamldoc

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// checkText finds what YAML cannot hold before the parser does, because
// the parser says "invalid leading UTF-8 octet" or "control characters are
// not allowed" without a line.
func checkText(name string, raw []byte) *Error {
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return &Error{File: name, Line: 1, Col: 1, Msg: "the file is UTF-16 text: save it as UTF-8"}
	}
	line, col := 1, 0
	for i := 0; i < len(raw); {
		if n := lineBreak(raw[i:]); n > 0 {
			line, col = line+1, 0
			i += n
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		col++
		at := func(msg string) *Error { return &Error{File: name, Line: line, Col: col, Msg: msg} }
		switch {
		case r == utf8.RuneError && size <= 1:
			return at(fmt.Sprintf("byte 0x%02X is not UTF-8: save the file as UTF-8", raw[i]))
		case r == 0:
			return at("a NUL byte: this does not look like a text file")
		case !allowed(r):
			return at(fmt.Sprintf("control character %U: YAML cannot hold it as it is (in double quotes, write \"\\u%04X\")", r, r))
		}
		i += size
	}
	return nil
}

// allowed are the characters YAML 1.2 lets a stream contain (section 5.1).
func allowed(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7F:
		return false
	case r >= 0x80 && r <= 0x9F:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return true
}
