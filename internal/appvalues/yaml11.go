package appvalues

import (
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"

	"gopkg.in/yaml.v3"
)

// helm reads values files as YAML 1.1 and turns numbers into float64, so an
// unquoted `DEBUG: yes` becomes "true" and `MODE: 0755` becomes "493" by the
// time it reaches the pod. helmReads returns the text helm ends up with for
// an unquoted scalar, and whether it differs from what was written.
func helmReads(v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Style != 0 {
		return v.Value, false // quoted: a string, as written
	}
	text := v.Value
	if b, ok := yaml11Bools[text]; ok {
		return b, b != text
	}
	plain := strings.ReplaceAll(text, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil && yaml11Int().MatchString(text) {
		out := formatNumber(float64(i))
		return out, out != text
	}
	if yaml11Float().MatchString(text) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			out := formatNumber(f)
			return out, out != text
		}
	}
	return text, false
}

var (
	yaml11Int   = lazy.Regexp(`^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*)$`)
	yaml11Float = lazy.Regexp(`^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$`)
	// yaml11Bools are YAML 1.1's spellings of true and false (a table, never written).
	yaml11Bools = map[string]string{
		"y": "true", "Y": "true", "yes": "true", "Yes": "true", "YES": "true",
		"true": "true", "True": "true", "TRUE": "true", "on": "true", "On": "true", "ON": "true",
		"n": "false", "N": "false", "no": "false", "No": "false", "NO": "false",
		"false": "false", "False": "false", "FALSE": "false", "off": "false", "Off": "false", "OFF": "false",
	}
)

// formatNumber prints a float64 the way the chart does (toJson).
func formatNumber(f float64) string {
	if f >= 1e21 || f <= -1e21 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
