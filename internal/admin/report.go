package admin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/lain-cli/lain/internal/toolerr"
)

// Report is the whole cluster at a glance.
type Report struct {
	BadNodes []Node
	Groups   []Group // unhealthy pods by reason
	URLs     []URLCheck
	// Scope says where pods and ingresses were read: "every namespace",
	// or the current namespace when the user may not list them cluster-wide.
	Scope string
	// Notes are things lain could not read (RBAC), shown, not counted.
	Notes []string
}

// Healthy is true when every node is Ready, no pod is unhealthy and no URL
// answers 5xx. A URL that does not answer from here is shown, not counted:
// it may only be reachable inside the cluster's network.
func (r *Report) Healthy() bool {
	if len(r.BadNodes) > 0 || len(r.Groups) > 0 {
		return false
	}
	for _, u := range r.URLs {
		if u.Status >= 500 {
			return false
		}
	}
	return true
}

// Summary is one line: what is wrong, or that nothing is.
func (r *Report) Summary() string {
	var parts []string
	if n := len(r.BadNodes); n > 0 {
		parts = append(parts, plural(n, "node")+" not Ready")
	}
	pods := 0
	for _, g := range r.Groups {
		pods += len(g.Pods)
	}
	if pods > 0 {
		parts = append(parts, plural(pods, "pod")+" unhealthy")
	}
	bad := 0
	for _, u := range r.URLs {
		if u.Status >= 500 {
			bad++
		}
	}
	if bad > 0 {
		parts = append(parts, plural(bad, "URL")+" answering 5xx")
	}
	if len(parts) == 0 {
		return "the cluster is healthy (" + r.Scope + ")"
	}
	return strings.Join(parts, ", ") + " (" + r.Scope + ")"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Collector reads the cluster for a Report.
type Collector struct {
	Kube   Kubectl
	Prober Prober
}

// Collect reads nodes, pods and ingresses, and probes the URLs. Pods and
// ingresses are read in every namespace; when RBAC refuses that, in the
// current namespace only (said in Notes). Nodes refused by RBAC are a note
// too: a namespace admin still gets the rest. The three listings run at
// once: each is a kubectl process and a wait on the API server.
func (c Collector) Collect(ctx context.Context) (*Report, error) {
	r := &Report{Scope: "every namespace"}
	var (
		wg               sync.WaitGroup
		nodes            []Node
		ings             []Ingress
		nodesErr, ingErr error
	)
	wg.Add(2)
	go func() { defer wg.Done(); nodes, nodesErr = c.Kube.BadNodes(ctx) }()
	go func() { defer wg.Done(); ings, ingErr = c.Kube.Ingresses(ctx, true) }()
	pods, podsErr := c.Kube.StatusPods(ctx, true)
	wg.Wait()
	switch {
	case forbidden(nodesErr):
		r.Notes = append(r.Notes, "nodes not shown: "+causeOf(nodesErr))
	case nodesErr != nil:
		return nil, nodesErr
	}
	r.BadNodes = nodes
	if forbidden(podsErr) {
		r.Notes = append(r.Notes, "only the current namespace is shown: "+causeOf(podsErr))
		r.Scope = "current namespace only"
		// The ingresses too, so that both say the same scope.
		wg.Add(1)
		go func() { defer wg.Done(); ings, ingErr = c.Kube.Ingresses(ctx, false) }()
		pods, podsErr = c.Kube.StatusPods(ctx, false)
		wg.Wait()
	}
	if podsErr != nil {
		return nil, podsErr
	}
	r.Groups = GroupByReason(pods)
	switch {
	case forbidden(ingErr):
		r.Notes = append(r.Notes, "ingresses not checked: "+causeOf(ingErr))
	case ingErr != nil:
		return nil, ingErr
	}
	var urls []string
	for _, ing := range ings {
		urls = append(urls, ing.URLs...)
	}
	r.URLs = c.Prober.Probe(ctx, urls)
	return r, nil
}

// Refused reports whether kubectl could not do what was asked at all: RBAC
// refused it, or the cluster did not answer or accept the credentials.
func Refused(err error) bool {
	c, ok := toolerr.Classify(err)
	return ok && c.Access()
}

func forbidden(err error) bool {
	c, ok := toolerr.Classify(err)
	return ok && c.Kind == toolerr.Forbidden
}

func causeOf(err error) string {
	c, _ := toolerr.Classify(err)
	return c.Why()
}

// Lines are the report as text lines, for the plain report and the
// full-screen view alike.
func (r *Report) Lines() []string {
	var out []string
	for _, n := range r.Notes {
		out = append(out, "note: "+n)
	}
	out = append(out, "", "nodes not Ready:")
	if len(r.BadNodes) == 0 {
		out = append(out, "  none")
	}
	for _, n := range r.BadNodes {
		out = append(out, "  "+n.Name)
		for _, c := range n.Conditions {
			out = append(out, "    "+c)
		}
	}
	out = append(out, "", "unhealthy pods ("+r.Scope+"):")
	if len(r.Groups) == 0 {
		out = append(out, "  none")
	}
	for _, g := range r.Groups {
		out = append(out, fmt.Sprintf("  %s (%d):", g.Reason, len(g.Pods)))
		for _, p := range g.Pods {
			out = append(out, fmt.Sprintf("    %s/%s  %s", p.Namespace, p.Name, p.Detail))
		}
	}
	out = append(out, "", "ingress URLs:")
	if len(r.URLs) == 0 {
		out = append(out, "  none")
	}
	for _, u := range r.URLs {
		switch {
		case u.Status >= 500:
			out = append(out, fmt.Sprintf("  %d  %s  BAD", u.Status, u.URL))
		case u.Status > 0:
			out = append(out, fmt.Sprintf("  %d  %s", u.Status, u.URL))
		default:
			out = append(out, fmt.Sprintf("  ---  %s  (no answer from here: %s)", u.URL, u.Err))
		}
	}
	return append(out, "", r.Summary())
}

// WritePlain prints the report once, as plain text.
func (r *Report) WritePlain(w io.Writer) error {
	_, err := io.WriteString(w, strings.TrimLeft(strings.Join(r.Lines(), "\n"), "\n")+"\n")
	return err
}
