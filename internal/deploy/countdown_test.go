package deploy

import (
	"strings"
	"testing"
	"time"
)

func TestParseAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"90m": 90 * time.Minute, "2h30m": 150 * time.Minute, "1d": 24 * time.Hour, "3600": time.Hour} {
		if got, err := ParseAfter(in); err != nil || got != want {
			t.Errorf("ParseAfter(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "soon", "-1h", "0", "1w"} {
		if _, err := ParseAfter(bad); err == nil {
			t.Errorf("ParseAfter(%q) accepted", bad)
		}
	}
}

func TestCountdownJobRunsTheTeamsLain(t *testing.T) {
	b, err := CountdownJob("hello", "hello", "test", "docker.io/acme", 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: hello-delete-job", "image: acme/lain:latest", "lain use test && sleep 7200 && lain delete --force hello", "restartPolicy: Never", "activeDeadlineSeconds: 10800"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("manifest lacks %q:\n%s", want, b)
		}
	}
}
