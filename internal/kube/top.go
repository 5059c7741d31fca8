package kube

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Usage is a pod's current CPU and memory, as kubectl top shows them.
type Usage struct{ CPU, Memory string }

// ErrNoMetrics means the cluster has no metrics API (no metrics-server):
// kubectl top cannot work there, so asking again is pointless.
var ErrNoMetrics = errors.New("kubectl top: the cluster has no metrics API (metrics-server is not installed)")

// ErrMetricsNotYet means the metrics API has no figures for these pods yet:
// metrics-server collects them every 15-60 s, so new pods have none.
var ErrMetricsNotYet = errors.New("kubectl top: no figures for these pods yet (metrics-server collects them every 15-60 s)")

// Top returns the usage of the pods matching selector, by pod name.
func (c *Client) Top(ctx context.Context, selector string) (map[string]Usage, error) {
	out, err := c.query(ctx, "top", "pod", "-l", selector, "--no-headers")
	if err != nil {
		var msg string
		if ee := asExit(err); ee != nil {
			msg = ee.Stderr
		}
		if strings.Contains(msg, "Metrics API not available") || strings.Contains(msg, "metrics.k8s.io") {
			return nil, ErrNoMetrics
		}
		if strings.Contains(msg, "metrics not available yet") {
			return nil, ErrMetricsNotYet
		}
		return nil, err
	}
	usage := map[string]Usage{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 {
			usage[f[0]] = Usage{CPU: f[1], Memory: f[2]}
		}
	}
	return usage, nil
}

// Sizing is what a pod's containers request and are limited to, summed
// over its (non-init) containers as kubectl top sums usage. A limit is
// 0 when a container has none: then the pod has no limit either.
type Sizing struct {
	CPURequest, CPULimit       float64 // millicores
	MemoryRequest, MemoryLimit float64 // bytes
}

// Sizes returns the requests and limits of the pods matching selector, by
// pod name.
func (c *Client) Sizes(ctx context.Context, selector string) (map[string]Sizing, error) {
	pods, err := c.Pods(ctx, selector)
	if err != nil {
		return nil, err
	}
	out := map[string]Sizing{}
	for _, p := range pods {
		out[p.Name] = p.Size
	}
	return out, nil
}

// sizing sums the containers' requests and limits; a limit is 0 when any
// container has none (then the pod has no limit either).
func sizing(containers []containerSpec) Sizing {
	var s Sizing
	noCPULimit, noMemLimit := false, false
	for _, ct := range containers {
		r, l := ct.Resources.Requests, ct.Resources.Limits
		s.CPURequest += cpuMillis(r["cpu"])
		s.MemoryRequest += bytesOr0(r["memory"])
		if v := cpuMillis(l["cpu"]); v > 0 {
			s.CPULimit += v
		} else {
			noCPULimit = true
		}
		if v := bytesOr0(l["memory"]); v > 0 {
			s.MemoryLimit += v
		} else {
			noMemLimit = true
		}
	}
	if noCPULimit {
		s.CPULimit = 0
	}
	if noMemLimit {
		s.MemoryLimit = 0
	}
	return s
}

// CPUMillis reads a CPU quantity as kubectl top and the API write it
// (250m, 1, 0.5) in millicores; 0 for "" or anything else.
func CPUMillis(q string) float64 { return cpuMillis(q) }

// MemoryBytes reads a memory quantity (900Mi, 1Gi) in bytes; 0 for "" or
// anything else.
func MemoryBytes(q string) float64 { return bytesOr0(q) }

func cpuMillis(q string) float64 {
	q = strings.TrimSpace(q)
	if n, ok := strings.CutSuffix(q, "m"); ok {
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || v < 0 {
			return 0
		}
		return v
	}
	if n, ok := strings.CutSuffix(q, "n"); ok { // the metrics API's nanocores
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || v < 0 {
			return 0
		}
		return v / 1e6
	}
	v, err := strconv.ParseFloat(q, 64)
	if err != nil || v < 0 {
		return 0
	}
	return v * 1000
}

func bytesOr0(q string) float64 {
	v, ok := memoryBytes(q)
	if !ok {
		return 0
	}
	return v
}
