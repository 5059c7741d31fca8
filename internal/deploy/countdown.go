package deploy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/image"
)

// CountdownJobName is the Job that deletes release later.
func CountdownJobName(release string) string { return release + "-delete-job" }

// ParseAfter reads a delay as the original lain accepted it: a Go duration
// (90m, 2h30m), a number of days (1d), or plain seconds (3600).
func ParseAfter(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a delay (e.g. 30m, 2h, 1d)", s)
	}
	return d, nil
}

// CountdownJob is the manifest of a Job that deletes release after the
// delay. lain has no server side, so, as the original lain did, the cluster
// itself waits: the Job runs the team's lain image (<registry>/lain:latest,
// which carries the team's cluster values and kubeconfigs) and calls
// `lain delete` when the time is up.
func CountdownJob(release, appname, cluster, registry string, after time.Duration) ([]byte, error) {
	secs := int(after.Round(time.Second) / time.Second)
	script := fmt.Sprintf("lain use %s && sleep %d && lain delete --force %s", cluster, secs, release)
	job := map[string]any{
		"apiVersion": "batch/v1",
		"kind":       "Job",
		"metadata": map[string]any{
			"name":   CountdownJobName(release),
			"labels": map[string]any{"app.kubernetes.io/name": appname, "app.kubernetes.io/managed-by": "lain"},
			"annotations": map[string]any{
				"lain.dev/delete-at": time.Now().Add(after).UTC().Format(time.RFC3339),
			},
		},
		"spec": map[string]any{
			"backoffLimit": 0,
			// Give up an hour after the deletion was due, so a stuck Job
			// does not linger forever.
			"activeDeadlineSeconds": secs + 3600,
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": appname}},
				"spec": map[string]any{
					"restartPolicy": "Never",
					"containers": []any{map[string]any{
						"name":    "delete",
						"image":   image.Name(registry, "lain", "latest"),
						"command": []any{"sh", "-c", script},
					}},
				},
			},
		},
	}
	return yaml.Marshal(job)
}
