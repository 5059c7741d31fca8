package secretedit

import (
	"strings"
	"testing"
)

// brokenEdits are edits a user makes by accident, each holding the value
// s3cr3tValue; the problems lain prints must name lines and keys, never it.
var brokenEdits = []string{
	"PW: s3cr3tValue\nPW: s3cr3tValue2\n",
	"PW: [s3cr3tValue\n",
	"PW: \"s3cr3tValue\n",
	"PW: 's3cr3tValue\n",
	"PW: s3cr3tValue: x\n",
	"PW:\n  s3cr3tValue: 1\n",
	"PW: {s3cr3tValue\n",
	"- s3cr3tValue\n",
	"s3cr3tValue\n",
	"PW: \"\\qs3cr3tValue\"\n",
	"PW: !!binary s3cr3tValue!!\n",
	"PW: &a s3cr3tValue\nX: *b\n",
	"PW: s3cr3tValue\n---\nX: s3cr3tValue\n",
	"PW: s3cr3tValue\n\tX: 1\n",
	"PW: 12345\nQ: s3cr3tValue\n  bad: indent\n",
	"PW: !!int s3cr3tValue\n",
	"PIN: 73311337\n",
	"PIN: 0x7331\n",
	"ON: true\n",
	"PW: @s3cr3tValue\n",
	"PW: `s3cr3tValue\n",
	"PW: %s3cr3tValue\n",
	"PW: s3cr3tValue\x00\n",
	"\xef\xbb\xbfPW: s3cr3tValue\n\xff",
}

func TestEditProblemsNeverQuoteAValue(t *testing.T) {
	for _, text := range brokenEdits {
		for _, k := range []Kind{Env, Files} {
			_, problems := k.Parse("edit.yaml", []byte(text), nil)
			_, more := k.ParseSecretFile("secret.yaml", []byte(text))
			for _, p := range append(problems, more...) {
				if strings.Contains(p, "s3cr3t") || strings.Contains(p, "7331") {
					t.Errorf("%q: the value is printed: %s", text, p)
				}
			}
		}
		_, warnings, err := ParseEnvFile("prod.yaml", []byte(text))
		if err != nil {
			warnings = append(warnings, err.Error())
		}
		for _, w := range warnings {
			if strings.Contains(w, "s3cr3t") || strings.Contains(w, "7331") {
				t.Errorf("addfile %q: the value is printed: %s", text, w)
			}
		}
	}
}

// secret apply -f of a file with no YAML (a failed lain secret show >
// secret.yaml) is refused; {} empties the Secret on purpose.
func TestApplyOfAnEmptyFileIsRefused(t *testing.T) {
	for _, text := range []string{"", "\n\n", "# just a comment\n", "---\n"} {
		if d, problems := Files.ParseSecretFile("secret.yaml", []byte(text)); d != nil || len(problems) != 1 || !strings.Contains(problems[0], "secret.yaml: has no YAML at all") {
			t.Errorf("%q: %q %q", text, d, problems)
		}
	}
	if d, problems := Files.ParseSecretFile("secret.yaml", []byte("{}\n")); problems != nil || d == nil || len(d) != 0 {
		t.Errorf("{}: %q %q", d, problems)
	}
}
