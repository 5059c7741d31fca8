package runner

import "strings"

// segment is a piece of one argument as shown to the user: either text to be
// shell-quoted, or a masked secret shown as ***.
type segment struct {
	text   string
	masked bool
}

// safeByte reports whether b can appear unquoted in a POSIX shell word.
func safeByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("_-./:=,@%+^", b) >= 0
}

// Quote returns s as one POSIX shell word: unchanged when it is made of safe
// characters only, otherwise in single quotes (a quote inside becomes '\”).
// Anything outside ASCII is quoted too, so the line survives any locale.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		if !safeByte(s[i]) {
			safe = false
			break
		}
	}
	// A leading ~ or = would still be special to some shells.
	if safe && s[0] != '=' {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// render joins segments: quoted text, and *** for masked parts. Adjacent
// shell words concatenate, so 'a b'=*** stays one argument when pasted.
func render(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.masked {
			b.WriteString("***")
			continue
		}
		if s.text != "" {
			b.WriteString(Quote(s.text))
		}
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

// CommandLine renders name and args as one line a user can paste into a
// shell, with secrets masked as described in Masker.
func CommandLine(m Masker, name string, args []string) string {
	parts := make([]string, 0, len(args)+1)
	parts = append(parts, Quote(name))
	for _, segs := range m.mask(name, args) {
		parts = append(parts, render(segs))
	}
	return strings.Join(parts, " ")
}
