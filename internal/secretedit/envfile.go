package secretedit

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParseEnvFile reads the variables of `lain env addfile`: a flat map in a
// .yaml, .yml or .json file, else a .env file (KEY=VALUE lines, # comments
// on their own line or after a value, optional export and quotes). Numbers and booleans of a map are taken as
// written ("8080"), with a warning each (that never repeats the value). A variable without a value (null,
// ~) and a variable given twice are refused, with their lines: storing
// "null", or silently keeping the last of two, would not be what the file
// meant.
func ParseEnvFile(name string, text []byte) (map[string][]byte, []string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return parseEnvMap(name, text)
	}
	return parseDotenv(name, text)
}

func parseEnvMap(name string, text []byte) (map[string][]byte, []string, error) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, nil, errors.New(problem)
	}
	if root == nil {
		return map[string][]byte{}, nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s:%d: must be a map of NAME: value", name, root.Line)
	}
	data := map[string][]byte{}
	var warnings, problems []string
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		key := kn.Value
		if first, dup := seen[key]; dup {
			problems = append(problems, twice(name, key, first, kn.Line))
			continue
		}
		seen[key] = kn.Line
		switch {
		case vn.Kind != yaml.ScalarNode:
			problems = append(problems, fmt.Sprintf("%s:%d: %s: must be a single value, not a map, list or alias", name, vn.Line, key))
			continue
		case vn.Tag == "!!null":
			problems = append(problems, fmt.Sprintf(`%s:%d: %s: has no value (%s): write %q: "" for an empty variable, or remove the line`, name, vn.Line, key, orNothing(vn.Value), key))
			continue
		case vn.Tag == "!!binary":
			v, why := stringValue(vn, key)
			if why != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", name, vn.Line, key, why))
				continue
			}
			data[key] = v
			continue
		case vn.Tag != "!!str":
			warnings = append(warnings, fmt.Sprintf("%s:%d: %s: is %s in the file; stored as the text written there", name, vn.Line, key, yamlType(vn)))
		}
		data[key] = []byte(vn.Value)
	}
	if len(problems) > 0 {
		return nil, nil, errors.New(strings.Join(problems, "\n"))
	}
	return data, warnings, nil
}

func orNothing(v string) string {
	if v == "" {
		return "nothing after the colon"
	}
	return v
}

func twice(name, key string, first, again int) string {
	return fmt.Sprintf("%s:%d: %s: given twice, on lines %d and %d: keep one", name, again, key, first, again)
}

func parseDotenv(name string, text []byte) (map[string][]byte, []string, error) {
	data := map[string][]byte{}
	seen := map[string]int{}
	var problems, warnings []string
	for i, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, nil, fmt.Errorf("%s:%d: not a KEY=VALUE line (for a YAML or JSON map, name the file .yaml or .json)", name, i+1)
		}
		key = strings.TrimSpace(key)
		if first, dup := seen[key]; dup {
			problems = append(problems, twice(name, key, first, i+1))
			continue
		}
		seen[key] = i + 1
		value, comment := dotenvValue(strings.TrimSpace(value))
		if comment {
			warnings = append(warnings, fmt.Sprintf("%s:%d: %s: what follows \" #\" is taken as a comment, not part of the value (quote the value to keep it)", name, i+1, key))
		}
		data[key] = []byte(value)
	}
	if len(problems) > 0 {
		return nil, nil, errors.New(strings.Join(problems, "\n"))
	}
	return data, warnings, nil
}

// dotenvValue is the value of a .env line after its =: the text inside
// quotes ("a b" or 'a b'), else the text before " #" (a comment, as
// dotenv tools read it). A quoted value followed by a comment is its quoted
// text: storing `"pw" # prod` with its quotes would be a wrong value.
// comment reports an unquoted value cut at " #", for a warning.
func dotenvValue(v string) (value string, comment bool) {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		if end := strings.LastIndexByte(v, v[0]); end > 0 {
			rest := strings.TrimSpace(v[end+1:])
			if rest == "" || strings.HasPrefix(rest, "#") {
				return v[1:end], false
			}
		}
	}
	for _, sep := range []string{" #", "\t#"} {
		if i := strings.Index(v, sep); i >= 0 {
			return strings.TrimSpace(v[:i]), true
		}
	}
	return v, false
}

// ParsePairs reads the NAME=VALUE arguments of `lain env add`. An argument
// that is not NAME=VALUE is named by its position, never quoted: it may be
// a value typed without its name (env add DB_PASSWORD hunter2), and lain
// never prints a value. A name given twice is refused, as in a .env file:
// keeping the last one silently would drop the first.
func ParsePairs(args []string) (map[string][]byte, error) {
	values := map[string][]byte{}
	at := map[string]int{}
	var problems []string
	for i, a := range args {
		k, v, ok := strings.Cut(a, "=")
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("argument %d is not NAME=VALUE: it has no =", i+1))
		case k == "":
			problems = append(problems, fmt.Sprintf("argument %d is not NAME=VALUE: nothing before the =", i+1))
		case at[k] != 0:
			problems = append(problems, fmt.Sprintf("%s: given twice, as arguments %d and %d: keep one", k, at[k], i+1))
		default:
			at[k] = i + 1
			values[k] = []byte(v)
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n  "))
	}
	return values, nil
}
