package appvalues

import (
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"

	"gopkg.in/yaml.v3"
)

var (
	dnsLabel = lazy.Regexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	tagRe    = lazy.Regexp(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	rangeRe  = lazy.Regexp(`^[0-9]+[smhdwy]$`)
	nonName  = lazy.Regexp(`[^a-z0-9]+`)
)

// MaxAppname is helm's limit for release names, which appname becomes.
const MaxAppname = 53

// AppnameRule explains what an app name must look like.
const AppnameRule = "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 53 characters"

// ValidAppname reports whether name can be an appname: a DNS-1123 label
// that starts with a letter (Service names must) and fits in a release name.
func ValidAppname(name string) bool {
	return len(name) <= MaxAppname && dnsLabel().MatchString(name) && name[0] >= 'a' && name[0] <= 'z'
}

// SuggestAppname turns s (a directory name, say) into a valid appname, or
// "" when nothing usable is left.
func SuggestAppname(s string) string {
	s = strings.ToLower(s)
	s = nonName().ReplaceAllString(s, "-")
	s = strings.TrimLeft(s, "-0123456789")
	if len(s) > MaxAppname {
		s = s[:MaxAppname]
	}
	s = strings.TrimRight(s, "-")
	if !ValidAppname(s) {
		return ""
	}
	return s
}

func validTag(s string) bool { return tagRe().MatchString(s) }

func checkAppname(c *checker, at, v *yaml.Node, path string) {
	if !ValidAppname(v.Value) {
		hint := AppnameRule
		if s := SuggestAppname(v.Value); s != "" {
			hint += fmt.Sprintf(`; e.g. %q`, s)
		}
		c.add(at, path, fmt.Sprintf("%q is not a valid app name", v.Value), hint)
	}
}

func checkReleaseName(c *checker, at, v *yaml.Node, path string) {
	if !ValidAppname(v.Value) {
		c.add(at, path, fmt.Sprintf("%q is not a valid release name", v.Value), AppnameRule)
	}
}

func checkProcName(c *checker, k *yaml.Node, path string) {
	if len(k.Value) > 63 || !dnsLabel().MatchString(k.Value) {
		c.add(k, path, fmt.Sprintf("%q is not a DNS label", k.Value), "lower-case letters, digits and '-', starting and ending with a letter or digit")
	}
}

func checkDNSName(c *checker, k *yaml.Node, path string) { checkProcName(c, k, path) }

func checkCommand(c *checker, at, v *yaml.Node, path string) {
	if len(v.Content) == 0 {
		c.add(at, path, "is empty", `leave it out to run the image's own command, or write e.g. ["./run.sh"]`)
	}
}

func checkSchedule(c *checker, at, v *yaml.Node, path string) {
	s := strings.TrimSpace(v.Value)
	if strings.HasPrefix(s, "@") {
		switch s {
		case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
			return
		}
	} else if len(strings.Fields(s)) == 5 {
		return
	}
	c.add(at, path, fmt.Sprintf("%q is not a cron schedule", v.Value), `five fields: minute hour day-of-month month day-of-week, e.g. "*/10 * * * *"`)
}

func checkHPA(c *checker, _, v *yaml.Node, path string) {
	mk, mn := lookup(v, "minReplicas")
	_, mx := lookup(v, "maxReplicas")
	if mn != nil && mx != nil && mn.Tag == "!!int" && mx.Tag == "!!int" && atoi(mn.Value) > atoi(mx.Value) {
		c.add(mk, path+".minReplicas", fmt.Sprintf("%s is more than maxReplicas %s", mn.Value, mx.Value), "")
	}
}

func needsName(c *checker, at, v *yaml.Node, path string) {
	if _, n := lookup(v, "name"); n == nil {
		c.add(at, path+".name", "required key is missing", "")
	}
}

func checkPVC(c *checker, at, v *yaml.Node, path string) {
	if _, am := lookup(v, "accessModes"); am == nil {
		c.add(at, path+".accessModes", "required key is missing", "e.g. accessModes: [ReadWriteOnce]")
	}
	_, res := lookup(v, "resources")
	_, req := lookup(res, "requests")
	if _, st := lookup(req, "storage"); st == nil {
		c.add(at, path+".resources.requests.storage", "required key is missing", "e.g. storage: 1Gi")
	}
}

func checkPaths(c *checker, at, v *yaml.Node, path string) {
	for i, p := range v.Content {
		if p = deref(p); !strings.HasPrefix(p.Value, "/") {
			c.add(p, fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("%q does not start with /", p.Value), "")
		}
	}
}

// reservedLabels are set by the chart itself; selectors depend on them.
var reservedLabels = []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart"}

func checkLabels(c *checker, _, v *yaml.Node, path string) {
	for _, p := range pairs(v) {
		if contains(reservedLabels, p.k.Value) {
			c.warn(p.k, join(path, p.k.Value), "set by lain's chart; yours is ignored", "remove it")
		}
	}
}

func checkRange(c *checker, at, v *yaml.Node, path string) {
	if !rangeRe().MatchString(v.Value) {
		c.add(at, path, fmt.Sprintf("%q is not a time range", v.Value), "a number and a unit, e.g. 7d or 12h")
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(strings.ReplaceAll(s, "_", ""), &n)
	return n
}
