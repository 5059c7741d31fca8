package admin

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/resadvice"
)

// Waste is a helm-owned Deployment of 2+ replicas and the CPU it asks for;
// once measured, how much of it goes unused.
type Waste struct {
	Namespace, Name string
	Release         string
	App, Proc       string // as lint names them in the PromQL ({appname}, {proc_name})
	Replicas        int
	RequestCPU      string // per pod, as written (500m, 1)
	CPUTop          int64  // millicores, as lint computes it
	User            string // who deployed the release last
}

// Millicores is the CPU requested and unused by all replicas together:
// (request - top) x replicas.
func (w Waste) Millicores() int64 {
	return (w.RequestMillicores() - w.CPUTop) * int64(w.Replicas)
}

// RequestMillicores is the CPU request of one pod in millicores (the API
// server writes 1000m as 1).
func (w Waste) RequestMillicores() int64 {
	req, _ := resadvice.CPUMillicores(w.RequestCPU)
	return int64(req)
}

type wasteDeploymentList struct {
	Items []struct {
		Metadata struct {
			Name        string            `json:"name"`
			Namespace   string            `json:"namespace"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
		Spec struct {
			Replicas *int `json:"replicas"`
			Template struct {
				Spec struct {
					Containers []struct {
						Name      string `json:"name"`
						Resources struct {
							Requests map[string]string `json:"requests"`
						} `json:"resources"`
					} `json:"containers"`
				} `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	} `json:"items"`
}

// appNameLabel is the app a lain release's objects belong to.
const appNameLabel = "app.kubernetes.io/name"

// WasteCandidates lists the Deployments of every namespace (all) or the
// current one that a helm release owns, run 2 or more replicas and request
// CPU: as the original did, a Deployment no release owns has no app and
// proc to ask Prometheus about.
func (k Kubectl) WasteCandidates(ctx context.Context, all bool) ([]Waste, error) {
	var l wasteDeploymentList
	if err := k.GetJSON(ctx, &l, append([]string{"deployments"}, NamespaceArgs(all)...)...); err != nil {
		return nil, err
	}
	var out []Waste
	for _, d := range l.Items {
		m := d.Metadata
		release := m.Annotations[HelmReleaseAnnotation]
		if release == "" || d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
			continue
		}
		appname := m.Labels[appNameLabel]
		if appname == "" {
			appname = release
		}
		proc := strings.TrimPrefix(m.Name, release+"-")
		req := ""
		for i, c := range d.Spec.Template.Spec.Containers {
			// the proc's own container; else the first
			own := c.Name == proc || c.Name == appname+"-"+proc || c.Name == m.Name
			if i == 0 || own {
				req = c.Resources.Requests["cpu"]
			}
			if own {
				break
			}
		}
		if _, ok := resadvice.CPUMillicores(req); !ok {
			continue // nothing requested, nothing wasted
		}
		out = append(out, Waste{Namespace: m.Namespace, Name: m.Name, Release: release, App: appname, Proc: proc, Replicas: *d.Spec.Replicas, RequestCPU: req})
	}
	return out, nil
}

// Skipped is a candidate Prometheus could not judge, and why.
type Skipped struct {
	Waste
	Why string
}

// Prometheus is what MeasureWaste asks: the cluster's server and its
// pql_template, as lint uses them.
type Prometheus struct {
	Client    *resadvice.Client
	Templates resadvice.Templates
	Now       func() time.Time
}

// MeasureWaste asks Prometheus for each candidate's CPU top exactly as
// lint does (over the release's prometheus_query_range, default 7d) and
// keeps those whose CPU request is above the top by more than lint's
// slack (300m): lint would advise lowering it. They come sorted by waste,
// the largest first. values gives a candidate's release values. All the
// questions share resadvice.Timeout; the first error (an unreachable
// server) ends them.
func MeasureWaste(ctx context.Context, p Prometheus, cands []Waste, values func(Waste) map[string]any) (waste []Waste, skipped []Skipped, err error) {
	// the releases' values first (helm): the cap is Prometheus's alone
	ranges := make([]string, len(cands))
	for i, c := range cands {
		ranges[i] = resadvice.RangeOf(values(c))
	}
	ctx, cancel := context.WithTimeout(ctx, resadvice.Timeout)
	defer cancel()
	for i, c := range cands {
		adv := &resadvice.Advisor{Client: p.Client, Templates: p.Templates, Range: ranges[i], Now: p.Now}
		proc := resadvice.Proc{Name: c.Proc, Kind: "deployments", Replicas: c.Replicas, Resources: resadvice.Resources{RequestsCPU: c.RequestCPU}}
		res, err := adv.Advise(ctx, c.App, []resadvice.Proc{proc})
		if err != nil {
			return nil, nil, err
		}
		r := res[0]
		switch r.Status {
		case resadvice.NoData:
			skipped = append(skipped, Skipped{c, "Prometheus has no data for it"})
			continue
		case resadvice.Thin:
			skipped = append(skipped, Skipped{c, "its CPU data is too thin (over 70 % zero)"})
			continue
		}
		c.CPUTop = r.Usage.CPUTop
		for _, ch := range r.Changes {
			if ch.Key == "requests.cpu" && c.Millicores() > 0 {
				waste = append(waste, c)
			}
		}
	}
	sort.SliceStable(waste, func(i, j int) bool {
		if a, b := waste[i].Millicores(), waste[j].Millicores(); a != b {
			return a > b
		}
		if waste[i].Namespace != waste[j].Namespace {
			return waste[i].Namespace < waste[j].Namespace
		}
		return waste[i].Name < waste[j].Name
	})
	return waste, skipped, nil
}
