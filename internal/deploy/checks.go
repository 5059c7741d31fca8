package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/render"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// checkImage makes sure the image is in the registry: builds and pushes it
// when the request allows, else stops with recent tags and the two
// commands that fix it.
func (d *Deployer) checkImage(ctx context.Context, q *Request, img string, exists *async[bool]) error {
	if d.Registry == nil || exists == nil {
		return nil
	}
	tag := q.ImageTag()
	ok, err := exists.wait()
	if err != nil {
		fmt.Fprintf(d.ErrOut, "warning: could not check that %s is in the registry: %v\n", img, err)
		return nil
	}
	if ok {
		return nil
	}
	if q.Build != nil {
		fmt.Fprintf(d.ErrOut, "%s is not in the registry yet: building and pushing it first\n", img)
		return q.Build(ctx, tag)
	}
	return MissingImage(ctx, d.Registry, q.App.Name, img)
}

// MissingImage is the error for an image that is not in the registry: it
// lists the app's recent tags and the commands that fix it.
func MissingImage(ctx context.Context, reg Registry, appname, img string) error {
	var recent []string
	if tags, err := reg.Tags(ctx, appname); err == nil {
		recent = registry.SortRecent(tags, 5)
	}
	msg := fmt.Sprintf("image %s is not in the registry", img)
	if len(recent) == 0 {
		return clierr.Of(clierr.NotFound, msg+" (no image of "+appname+" was pushed yet)",
			"lain deploy --build   # builds and pushes the image of this commit, then deploys it")
	}
	msg += "; recent tags:\n  " + strings.Join(recent, "\n  ")
	return clierr.Of(clierr.NotFound, msg, fmt.Sprintf("lain deploy --set imageTag=%s   # the newest image; or: lain deploy --build   # build and push this commit's image first", recent[0]))
}

// checkCanary refuses a deploy during an ongoing canary, and a canary of
// an app that is not deployed or names its own release.
func (d *Deployer) checkCanary(q *Request, st state) error {
	canary := CanaryRelease(q.App.Name)
	if !q.Canary {
		if q.ReleaseName() == canary || q.Promote || st.releases[canary] == nil {
			return nil
		}
		return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("a canary of %s is ongoing (release %s): deploying now would mix versions", q.App.Name, canary),
			"lain set-canary-group --final   # promote the canary; or: lain set-canary-group --abort")
	}
	if q.App.Release != q.App.Name {
		return clierr.Usage(fmt.Sprintf("chart/values.yaml: releaseName: %s overrides the release name; canary deploys need the release to be the appname (%s)", q.App.Release, q.App.Name),
			"remove releaseName from chart/values.yaml, or deploy without --canary")
	}
	if st.releases[q.App.Release] == nil {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("%s is not deployed yet: a canary runs beside a deployed app", q.App.Name), "lain deploy   # first, then lain deploy --canary")
	}
	return nil
}

// unstick explains a release stuck mid-operation, or with auto-pilot rolls
// it back first. It returns the history as it is afterwards. A history
// read from the Secrets' labels has no descriptions: helm history gives
// them, only in this rare case.
func (d *Deployer) unstick(ctx context.Context, q *Request, rel string, revs []release.Revision, fromTable bool) ([]release.Revision, error) {
	cur, ok := release.Current(revs)
	if !ok || !release.IsStuck(cur.Status) {
		return revs, nil
	}
	if fromTable {
		full, err := release.History(ctx, d.Runner, rel)
		if err != nil && !errors.Is(err, release.ErrNotFound) {
			return nil, err
		}
		revs = full
		if cur, ok = release.Current(revs); !ok || !release.IsStuck(cur.Status) {
			return revs, nil
		}
	}
	target, terr := release.RollbackTarget(revs)
	what := fmt.Sprintf("release %s is stuck in %s (revision %d, %s): a helm command was interrupted, and helm refuses to change the release until it is rolled back",
		rel, cur.Status, cur.Revision, cur.Description)
	var fix runner.Cmd
	if terr == nil {
		fix = runner.Cmd{Name: "helm", Args: []string{"rollback", rel, fmt.Sprint(target.Revision)}, Mutates: true}
	} else {
		fix = runner.Cmd{Name: "helm", Args: []string{"uninstall", rel}, Mutates: true}
	}
	fixLine := fix.Name + " " + strings.Join(fix.Args, " ")
	if !q.AutoPilot {
		next := "lain --auto-pilot deploy   # runs " + fixLine + " first; or run it yourself"
		return nil, clierr.Of(clierr.ReleaseFailed, what, next)
	}
	fmt.Fprintln(d.ErrOut, what+"; auto-pilot: "+fixLine)
	if _, err := d.Runner.Run(ctx, fix); err != nil {
		return nil, toolerr.Failed("could not unstick "+rel+" (helm's message is above)", err, fixLine)
	}
	if q.DryRun {
		return revs, nil
	}
	revs, err := release.History(ctx, d.Runner, rel)
	if errors.Is(err, release.ErrNotFound) {
		return nil, nil
	}
	return revs, err
}

// prepare creates the env Secret when it is missing, labels the nodes of
// procs with `nodes`, and deletes finished one-off jobs.
func (d *Deployer) prepare(ctx context.Context, q *Request, st state) error {
	env := q.App.Name + "-env"
	if !st.envExists {
		if _, err := d.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"create", "secret", "generic", env}, Mutates: true}); err != nil {
			return toolerr.Failed("could not create the Secret "+env+" (kubectl's message is above)", err, "kubectl create secret generic "+env)
		}
	}
	for _, p := range app.Procs(q.Values) {
		m, _ := q.Values[p.Kind].(map[string]any)
		proc, _ := m[p.Name].(map[string]any)
		nodes, _ := proc["nodes"].([]any)
		for _, n := range nodes {
			args := []string{"label", "node", fmt.Sprint(n), q.App.Name + "-" + p.Name + "=true", "--overwrite"}
			if _, err := d.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Mutates: true}); err != nil {
				return toolerr.Failed(fmt.Sprintf("could not label node %v for %s (kubectl's message is above)", n, p.Name), err, "kubectl get nodes   # is the name in nodes: right?")
			}
		}
	}
	d.cleanJobs(ctx, st.oneOff)
	return nil
}

type jobList struct {
	Items []jobItem `json:"items"`
}

type jobItem struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Status struct {
		Succeeded int `json:"succeeded"`
		Failed    int `json:"failed"`
		Active    int `json:"active"`
	} `json:"status"`
}

func getJobs(ctx context.Context, r runner.Runner, selector string) jobList {
	var l jobList
	res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "jobs", "-l", selector, "-o", "json"}, Capture: true, Quiet: true})
	if err == nil {
		_ = json.Unmarshal(res.Stdout, &l)
	}
	return l
}

func oneOffSelector(appname string) string {
	return kube.AppSelector(appname) + "," + kube.OneOffLabel + "=true"
}

// cleanJobs deletes the app's finished one-off jobs (lain job labels them
// kube.OneOffLabel); running ones are left alone.
func (d *Deployer) cleanJobs(ctx context.Context, jobs jobList) {
	for _, j := range jobs.Items {
		if j.Status.Active > 0 || j.Status.Succeeded+j.Status.Failed == 0 {
			continue
		}
		d.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "job", j.Metadata.Name, "--ignore-not-found"}, Mutates: true})
	}
}

// printFailedJobs prints the logs of the release's failed jobs (a failed
// hook is the usual reason helm upgrade fails).
func (d *Deployer) printFailedJobs(ctx context.Context, rel string) {
	for _, j := range getJobs(ctx, d.Runner, "helm.sh/chart="+rel).Items {
		if j.Status.Failed == 0 {
			continue
		}
		fmt.Fprintf(d.ErrOut, "job %s failed; its last log lines:\n", j.Metadata.Name)
		res, err := d.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"logs", "job/" + j.Metadata.Name, "--tail", "50"}, Capture: true})
		if err == nil {
			for _, l := range strings.Split(strings.TrimRight(string(res.Stdout), "\n"), "\n") {
				fmt.Fprintln(d.ErrOut, "  "+l)
			}
		}
	}
}

// ingressURLs are the URLs of the release's ingresses, from the cluster
// (when nothing was rendered: --ignore-lint).
func ingressURLs(ctx context.Context, r runner.Runner, rel string) []string {
	res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "ingresses", "-l", "helm.sh/chart=" + rel, "-o", "json"}, Capture: true, Quiet: true})
	if err != nil {
		return nil
	}
	var l struct {
		Items []ingress `json:"items"`
	}
	if json.Unmarshal(res.Stdout, &l) != nil {
		return nil
	}
	return urlsOf(l.Items)
}

// renderedURLs are the URLs of the ingresses in the render helm installed.
func renderedURLs(rendered []byte) []string {
	var ings []ingress
	for _, d := range render.Docs(rendered) {
		var o struct {
			Kind string  `yaml:"kind"`
			Spec ingSpec `yaml:"spec"`
		}
		if yaml.Unmarshal([]byte(d.Text), &o) == nil && o.Kind == "Ingress" {
			ings = append(ings, ingress{Spec: o.Spec})
		}
	}
	return urlsOf(ings)
}

type ingress struct {
	Spec ingSpec `json:"spec"`
}

type ingSpec struct {
	TLS []struct {
		Hosts []string `json:"hosts" yaml:"hosts"`
	} `json:"tls" yaml:"tls"`
	Rules []struct {
		Host string `json:"host" yaml:"host"`
	} `json:"rules" yaml:"rules"`
}

func urlsOf(items []ingress) []string {
	var urls []string
	for _, it := range items {
		tls := map[string]bool{}
		for _, t := range it.Spec.TLS {
			for _, h := range t.Hosts {
				tls[h] = true
			}
		}
		for _, rule := range it.Spec.Rules {
			if rule.Host == "" {
				continue
			}
			scheme := "http://"
			if tls[rule.Host] {
				scheme = "https://"
			}
			urls = append(urls, scheme+rule.Host+"/")
		}
	}
	return urls
}
