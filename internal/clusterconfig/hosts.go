package clusterconfig

import "strings"

// MissingHostLines returns the /etc/hosts lines to add so that every
// clusterHostAliases hostname resolves to its ip. hosts is the current
// content of /etc/hosts.
func MissingHostLines(aliases []HostAlias, hosts string) []string {
	have := map[string]string{} // hostname -> ip
	for _, line := range strings.Split(hosts, "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		for _, h := range fields[1:] {
			if _, seen := have[h]; !seen {
				have[h] = fields[0]
			}
		}
	}
	var out []string
	for _, a := range aliases {
		var need []string
		for _, h := range a.Hostnames {
			if have[h] != a.IP {
				need = append(need, h)
			}
		}
		if len(need) > 0 {
			out = append(out, a.IP+" "+strings.Join(need, " "))
		}
	}
	return out
}
