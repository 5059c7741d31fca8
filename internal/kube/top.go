package kube

import (
	"context"
	"errors"
	"strings"
)

// Usage is a pod's current CPU and memory, as kubectl top shows them.
type Usage struct{ CPU, Memory string }

// ErrNoMetrics means the cluster has no metrics API (no metrics-server):
// kubectl top cannot work there, so asking again is pointless.
var ErrNoMetrics = errors.New("kubectl top: the cluster has no metrics API (metrics-server is not installed)")

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
