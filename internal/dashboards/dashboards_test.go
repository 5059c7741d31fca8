package dashboards

import "testing"

func TestLinks(t *testing.T) {
	if got := Grafana("https://grafana.example.com/d/abc/lain", "hello"); got != "https://grafana.example.com/d/abc/lain?orgId=1&refresh=10s&var-label_app=hello" {
		t.Error(got)
	}
	if got := Grafana("grafana.example.com/d/abc?theme=light", "hello"); got != "http://grafana.example.com/d/abc?theme=light&orgId=1&refresh=10s&var-label_app=hello" {
		t.Error(got)
	}
	if got := Kibana("kibana.example.com", "hello", "web"); got != "http://kibana.example.com/app/logs/stream?logPosition=(end:now,start:now-30m,streamLive:!f)&logFilter=(expression:%27kubernetes.pod_name.keyword:hello-web*%27,kind:kuery)" {
		t.Error(got)
	}
	if Grafana("", "hello") != "" || Kibana("", "hello", "") != "" {
		t.Error("no links without cluster values")
	}
}
