// Package deploy is the flow of lain deploy (reference section 7): lint,
// check the image, prepare the namespace (the env Secret, node labels, old
// one-off jobs), refuse or repair what would make helm fail (an ongoing
// canary, a stuck release), run helm upgrade --install with exactly the
// options of reference section 6, then follow the rollout and report.
package deploy

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/rollout"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// DefaultTimeout is helm's --timeout and the rollout's limit.
const DefaultTimeout = 300

// Request is one deploy.
type Request struct {
	App     *app.App
	Cluster *clusterconfig.Config
	Helm    helmargs.Options // from helmargs.Gather
	Values  map[string]any   // the merged values files (procs, tests, nodes)
	// Release defaults to App.Release; <appname>-canary for a canary.
	Release string
	Sets    []string // --set k=v, after lain's own options
	Canary  bool
	// Promote is set-canary-group --final: the main release is deployed
	// while the canary still runs (it is deleted afterwards).
	Promote bool
	// Build builds and pushes the image of tag when it is missing (--build,
	// --auto-pilot); nil: a missing image stops the deploy.
	Build     func(ctx context.Context, tag string) error
	AutoPilot bool
	Wait      bool // follow the rollout (--wait, CI)
	DryRun    bool
	Timeout   int // seconds; DefaultTimeout when 0
}

// Deployer runs deploys.
type Deployer struct {
	Runner runner.Runner
	Out    io.Writer // helm upgrade's output; nil: dropped
	ErrOut io.Writer
	TTY    bool // stderr is a terminal: live rollout table
	// Getenv tells where helm keeps releases (HELM_DRIVER); nil: helm's default.
	Getenv func(string) string
	// Registry answers whether a tag exists; nil skips the check.
	Registry Registry
	// Lint checks the app first and returns the render it checked (the
	// URLs come from it); nil skips it (--ignore-lint).
	Lint func(ctx context.Context) ([]byte, error)
	Now  func() time.Time
	// Notify is called after the deploy (webhook); nil: nothing.
	Notify func(ctx context.Context, r Result) error
	// namespace is the namespace table when Run started it early (it needs
	// nothing of the app); nil: Deploy asks.
	namespace *async[[]release.Table]
	// MRNote comments on the merge request of a GitLab CI pipeline
	// (mrnote.go); nil: nothing. Its failure is only a warning.
	MRNote func(ctx context.Context, r Result) error
}

// Registry is what deploy asks the image registry.
type Registry interface {
	Exists(ctx context.Context, appname, tag string) (bool, error)
	Tags(ctx context.Context, appname string) ([]string, error)
}

// Result is what a deploy did, for the summary and the webhook.
type Result struct {
	App, Cluster, Release, Image, ImageTag string
	Revision, PreviousRevision             int
	PreviousImageTag                       string
	URLs                                   []string
	Err                                    error
}

// ImageTag is the tag this request deploys: the last --set imageTag=X,
// else the commit's tag.
func (q *Request) ImageTag() string {
	tag := q.Helm.ImageTag
	for _, s := range q.Sets {
		for _, kv := range splitSet(s) {
			if k, v, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(k) == "imageTag" {
				tag = v
			}
		}
	}
	return tag
}

func splitSet(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
		case s[i] == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(out, cur.String())
}

// ReleaseName is the release this request deploys.
func (q *Request) ReleaseName() string {
	if q.Release != "" {
		return q.Release
	}
	if q.Canary {
		return CanaryRelease(q.App.Name)
	}
	return q.App.Release
}

func (q *Request) timeout() int {
	if q.Timeout > 0 {
		return q.Timeout
	}
	return DefaultTimeout
}

// CanaryRelease is the release name of an app's canary.
func CanaryRelease(appname string) string { return appname + "-canary" }

// Upgrade is the helm command line of the request (reference section 6).
func (q *Request) Upgrade() []string {
	var extra []string
	for _, s := range q.Sets {
		extra = append(extra, "--set", s)
	}
	return helmargs.Upgrade(q.ReleaseName(), q.timeout(), q.Helm, extra...)
}

// Deploy runs the whole flow. Every helm or kubectl process costs ~150 ms
// of start-up, so what does not depend on another runs beside it: the
// namespace's state (one kubectl call: helm's records, the env Secret,
// the one-off jobs, with --wait the pods) and the registry while lint
// renders the chart; the previous image tag while helm upgrades. The revision comes from helm
// upgrade's own output and the URLs from the render.
func (d *Deployer) Deploy(ctx context.Context, q *Request) (Result, error) {
	rel := q.ReleaseName()
	res := Result{App: q.App.Name, Cluster: q.Cluster.Cluster, Release: rel, ImageTag: q.ImageTag()}
	res.Image = image.Name(q.Cluster.Values.Registry, q.App.Name, res.ImageTag)
	// What runs beside is stopped and waited for when deploy stops early.
	var bg sync.WaitGroup
	defer bg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stateQ := start(&bg, func() (state, error) { return d.readState(ctx, q) })
	var imageQ *async[bool]
	if d.Registry != nil {
		imageQ = start(&bg, func() (bool, error) { return d.Registry.Exists(ctx, q.App.Name, res.ImageTag) })
	}
	var rendered []byte
	if d.Lint != nil {
		var err error
		if rendered, err = d.Lint(ctx); err != nil {
			return res, err
		}
	}
	if err := d.checkImage(ctx, q, res.Image, imageQ); err != nil {
		return res, err
	}
	before, err := stateQ.wait()
	if err != nil {
		return res, err
	}
	if err := d.checkCanary(q, before); err != nil {
		return res, err
	}
	revs := before.releases[rel]
	if revs, err = d.unstick(ctx, q, rel, revs, before.fromTable); err != nil {
		return res, err
	}
	var prevTagQ *async[string]
	if cur, ok := lastDeployed(revs); ok {
		res.PreviousRevision = cur.Revision
		if tag, ok := before.runningTag(rel, image.Repo(q.Cluster.Values.Registry, q.App.Name)); ok {
			prevTagQ = done(tag)
		} else {
			prevTagQ = start(&bg, func() (string, error) {
				v, err := release.Values(ctx, d.Runner, rel, cur.Revision)
				return release.ImageTag(v), err
			})
		}
	}
	if err := d.prepare(ctx, q, before); err != nil {
		return res, err
	}
	// With --wait the tracker starts after the upgrade: no kubectl of its
	// competes with helm for the CPU (the pods before come from the
	// namespace table: before.pods).
	tr := &rollout.Tracker{Runner: d.Runner, Out: d.ErrOut, TTY: d.TTY, Release: rel, Timeout: time.Duration(q.timeout()) * time.Second, Now: d.Now}
	hooks := &rollout.HookWatch{Client: &kube.Client{Runner: d.Runner, Getenv: d.Getenv}, Out: d.ErrOut, Release: rel,
		Jobs: q.hookJobs(), Timeout: time.Duration(q.timeout()) * time.Second}
	stopHooks := func() {}
	if !q.DryRun {
		stopHooks = hooks.Start(ctx)
	}
	up, err := d.upgrade(ctx, q)
	stopHooks()
	if tag, terr := prevTagQ.wait(); terr == nil {
		res.PreviousImageTag = tag
	}
	if err != nil {
		res.Err = d.upgradeFailed(ctx, rel, revs, err, hooks.Failure())
		d.notify(ctx, res)
		return res, res.Err
	}
	if q.DryRun {
		return res, nil
	}
	if q.Wait {
		st, err := tr.Wait(ctx)
		if err != nil {
			res.Err = err
			d.notify(ctx, res)
			return res, err
		}
		if res.PreviousImageTag == res.ImageTag && res.PreviousRevision > 0 && !recreated(before.pods, st) {
			fmt.Fprintf(d.ErrOut, "warning: %s was deployed again with the same image %s, and no pod was recreated: pods still run the old environment and secrets\n  to recreate them: lain restart --graceful\n", rel, res.ImageTag)
		}
	}
	res.Revision = upgradedRevision(up)
	if res.Revision == 0 {
		if revs, err := release.History(ctx, d.Runner, rel); err == nil {
			if cur, ok := release.Current(revs); ok {
				res.Revision = cur.Revision
			}
		}
	}
	if rendered != nil {
		res.URLs = renderedURLs(rendered)
	} else {
		res.URLs = ingressURLs(ctx, d.Runner, rel)
	}
	d.summary(res)
	if hasTests(q.Values) {
		if _, err := d.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"test", rel, "--logs", fmt.Sprintf("--timeout=%ds", q.timeout())}, Mutates: true}); err != nil {
			res.Err = toolerr.Failed("helm test of "+rel+" failed (its logs are above)", err, "lain rollback   # or fix the tests and lain deploy again")
			d.notify(ctx, res)
			return res, res.Err
		}
	}
	d.notify(ctx, res)
	return res, nil
}

// hookJobs are the names of the release's hook Jobs (one per key of
// jobs in the values), which helm waits for during the upgrade.
func (q *Request) hookJobs() []string {
	jobs, _ := q.Values["jobs"].(map[string]any)
	names := make([]string, 0, len(jobs))
	for name := range jobs {
		names = append(names, q.ReleaseName()+"-"+name)
	}
	return names
}

// followed reports whether the deploy follows the rollout, and so needs
// the pods before.
func (q *Request) followed() bool { return q.Wait && !q.DryRun }

// watched are the releases deploy must know: its own, and the canary's
// (a deploy during a canary is refused) or, for a canary, the app's (it
// must be deployed).
func (q *Request) watched() []string {
	rel := q.ReleaseName()
	switch {
	case q.Canary:
		return []string{rel, q.App.Release}
	case rel == CanaryRelease(q.App.Name) || q.Promote:
		return []string{rel}
	}
	return []string{rel, CanaryRelease(q.App.Name)}
}

// upgrade runs helm upgrade --install; its output is captured (for the
// revision) and passed on as helm wrote it.
func (d *Deployer) upgrade(ctx context.Context, q *Request) (runner.Result, error) {
	res, err := d.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: q.Upgrade(), Dir: q.App.Dir, Mutates: true, Capture: true})
	if d.Out != nil {
		d.Out.Write(res.Stdout)
	}
	d.ErrOut.Write(res.Stderr)
	return res, err
}

// upgradedRevision reads "REVISION: N" from helm upgrade's output (0 when
// it is not there).
func upgradedRevision(res runner.Result) int {
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "REVISION:"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return n
			}
		}
	}
	return 0
}

func (d *Deployer) notify(ctx context.Context, r Result) {
	if d.Notify != nil {
		if err := d.Notify(ctx, r); err != nil {
			fmt.Fprintf(d.ErrOut, "warning: webhook: %v\n", err)
		}
	}
	if d.MRNote != nil {
		if err := d.MRNote(ctx, r); err != nil {
			fmt.Fprintf(d.ErrOut, "warning: the note on the merge request was not posted (the deploy is not affected): %v\n", err)
		}
	}
}

// lastDeployed is the newest revision that served (deployed or superseded).
func lastDeployed(revs []release.Revision) (release.Revision, bool) {
	for i := len(revs) - 1; i >= 0; i-- {
		switch revs[i].Status {
		case "deployed", "superseded":
			return revs[i], true
		}
	}
	return release.Revision{}, false
}

// recreated reports whether any current pod is new since before.
func recreated(before map[string]bool, st rollout.Status) bool {
	for name := range st.Pods {
		if !before[name] {
			return true
		}
	}
	return false
}

func hasTests(values map[string]any) bool {
	t, ok := values["tests"].(map[string]any)
	return ok && len(t) > 0
}

func (d *Deployer) summary(r Result) {
	fmt.Fprintf(d.ErrOut, "deployed %s revision %d to %s: %s\n", r.Release, r.Revision, r.Cluster, r.Image)
	if r.PreviousRevision > 0 {
		fmt.Fprintf(d.ErrOut, "  previous: revision %d (%s); undo with: lain rollback\n", r.PreviousRevision, r.PreviousImageTag)
	}
	for _, u := range r.URLs {
		fmt.Fprintln(d.ErrOut, "  "+u)
	}
}
