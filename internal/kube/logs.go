package kube

import (
	"context"
	"strconv"
	"strings"
	"sync"
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

// diagnoseWorkers bounds the kubectl logs calls run at once for a
// diagnosis: enough to hide their start-up, few enough for a laptop.
const diagnoseWorkers = 4

// Diagnose fetches, for each pod, its recent events (one kubectl call for
// all) and its main container's last log lines, the calls running side by
// side. Failures to read either are left out: a diagnosis is best effort.
func (c *Client) Diagnose(ctx context.Context, appname string, pods []Pod, logLines, maxEvents int) []Diagnosis {
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.Name
	}
	var events map[string][]Event
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		events, _ = c.Events(ctx, "Pod", names, maxEvents)
	}()
	out := make([]Diagnosis, len(pods))
	slots := make(chan struct{}, diagnoseWorkers)
	for i, p := range pods {
		out[i] = Diagnosis{Pod: p}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			out[i].Logs, out[i].LogsOf = c.lastLogs(ctx, appname, p, logLines)
		}()
	}
	wg.Wait()
	for i := range out {
		out[i].Events = events[out[i].Pod.Name]
	}
	return out
}

// lastLogs are the main container's last lines: of the previous run after
// a restart (what a crash-looping container said before it died), else of
// the current one; none for a pod that never started.
func (c *Client) lastLogs(ctx context.Context, appname string, p Pod, n int) (lines []string, of string) {
	container := p.MainContainer(appname)
	restarted := false
	for _, ct := range p.Containers {
		if ct.Name == container && ct.LastReason != "" && ct.State != "running" {
			restarted = true
		}
	}
	if restarted {
		if lines, err := c.LastLogLines(ctx, p.Name, container, n, true); err == nil && len(lines) > 0 {
			return lines, "previous run"
		}
	}
	if p.Phase == "Pending" {
		return nil, ""
	}
	lines, _ = c.LastLogLines(ctx, p.Name, container, n, false)
	return lines, ""
}

// NoPodsSaid is what kubectl logs -l prints on stderr (and exits 0) when
// the selector matches no pod.
const NoPodsSaid = "No resources found"

// LogsArgs are the kubectl logs arguments for every pod matching selector,
// each line prefixed with its pod and container. kubectl asks for the
// number of pods only to follow them all at once (--max-log-requests,
// default 5); pods is that number (0 when not following).
func LogsArgs(selector string, tail int, follow bool, pods int) []string {
	args := []string{"logs", "-l", selector, "--prefix", "--tail=" + strconv.Itoa(tail)}
	if follow {
		args = append(args, "--max-log-requests="+strconv.Itoa(max(pods, 5)), "-f")
	}
	return args
}

// CountPods is how many pods match selector: one listing of their names,
// far cheaper for lain than reading the whole app.
func (c *Client) CountPods(ctx context.Context, selector string) (int, error) {
	out, err := c.query(ctx, "get", "pods", "-l", selector, "-o", "name")
	if err != nil {
		return 0, err
	}
	return strings.Count(string(out), "\n"), nil
}
