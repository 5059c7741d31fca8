package kube

import (
	"context"
	"strconv"
	"strings"
)

// LastLogLines returns the last n lines a container printed; previous reads
// the run before the last restart (what a crash-looping container said
// before it died).
func (c *Client) LastLogLines(ctx context.Context, pod, container string, n int, previous bool) ([]string, error) {
	args := []string{"logs", pod, "--tail=" + strconv.Itoa(n)}
	if container != "" {
		args = append(args, "-c", container)
	}
	if previous {
		args = append(args, "--previous")
	}
	out, err := c.query(ctx, args...)
	if err != nil {
		return nil, err
	}
	text := strings.TrimRight(string(out), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}

// Diagnosis is what lain shows about an unhealthy pod.
type Diagnosis struct {
	Pod    Pod
	Logs   []string // last lines of its main container (the previous run after a restart)
	LogsOf string   // "previous run" or "" (the current run)
	Events []Event
}

// Diagnose fetches, for each pod, its recent events (one kubectl call for
// all) and its main container's last log lines. Failures to read either
// are left out: a diagnosis is best effort.
func (c *Client) Diagnose(ctx context.Context, appname string, pods []Pod, logLines, maxEvents int) []Diagnosis {
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.Name
	}
	events, _ := c.Events(ctx, "Pod", names, maxEvents)
	out := make([]Diagnosis, 0, len(pods))
	for _, p := range pods {
		d := Diagnosis{Pod: p, Events: events[p.Name]}
		container := p.MainContainer(appname)
		restarted := false
		for _, ct := range p.Containers {
			if ct.Name == container && ct.LastReason != "" && ct.State != "running" {
				restarted = true
			}
		}
		if restarted {
			if lines, err := c.LastLogLines(ctx, p.Name, container, logLines, true); err == nil && len(lines) > 0 {
				d.Logs, d.LogsOf = lines, "previous run"
			}
		}
		if d.Logs == nil && p.Phase != "Pending" {
			d.Logs, _ = c.LastLogLines(ctx, p.Name, container, logLines, false)
		}
		out = append(out, d)
	}
	return out
}
