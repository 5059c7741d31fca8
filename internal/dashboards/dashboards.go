// Package dashboards builds links to a team's Grafana and Kibana for an
// app, from the cluster values grafana_url and kibana (lain's reference,
// section 3), as the original lain printed them.
package dashboards

import (
	"net/url"
	"strings"
)

// Grafana is grafana_url (a dashboard) with the app selected and a 10 s
// refresh; "" when the cluster has no grafana_url.
func Grafana(grafanaURL, release string) string {
	if grafanaURL == "" {
		return ""
	}
	q := url.Values{}
	q.Set("orgId", "1")
	q.Set("refresh", "10s")
	q.Set("var-label_app", release)
	return join(withScheme(grafanaURL), q.Encode())
}

// Kibana is the Kibana log stream of the last 30 minutes of the release's
// pods, or of one proc's (pods named <release>-<proc>-...); "" when the
// cluster has no kibana. kibana is a host (kibana.example.com) or a URL.
func Kibana(kibana, release, proc string) string {
	if kibana == "" {
		return ""
	}
	prefix := release
	if proc != "" {
		prefix += "-" + proc
	}
	base := strings.TrimRight(withScheme(kibana), "/")
	// Kibana's rison: the query is a KQL expression in single quotes.
	filter := "(expression:'kubernetes.pod_name.keyword:" + prefix + "*',kind:kuery)"
	return base + "/app/logs/stream?logPosition=(end:now,start:now-30m,streamLive:!f)&logFilter=" +
		strings.NewReplacer("'", "%27", " ", "%20").Replace(filter)
}

func withScheme(u string) string {
	if strings.Contains(u, "://") {
		return u
	}
	return "http://" + u
}

func join(base, query string) string {
	if strings.Contains(base, "?") {
		return base + "&" + query
	}
	return base + "?" + query
}
