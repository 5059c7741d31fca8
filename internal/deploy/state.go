package deploy

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/rollout"

	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
)

// state is what deploy must know of the namespace before helm upgrade:
// the revisions of the releases it looks at, whether the env Secret
// exists, and the app's finished one-off jobs.
type state struct {
	releases  map[string][]release.Revision // nil entry: not installed
	envExists bool
	// fromTable: read from the Secrets' labels (no descriptions).
	fromTable bool
	oneOff    jobList
	// pods are the release's pods before the upgrade (--wait: were any
	// recreated?); nil when not asked.
	pods map[string]bool
	// images are the container images of the release's Deployments and
	// StatefulSets as they run now (the IMAGES column of the wide table).
	images map[string][]string
}

// extraLabels are the label columns of the namespace table after helm's:
// the one-off jobs' two, and the release of a pod.
var extraLabels = []string{kube.NameLabel, kube.OneOffLabel, "helm.sh/chart"}

// namespaceCmd is the one query: the API server prints the tables (no
// Secret's data leaves it), with helm's labels, the one-off job labels and
// the pods' release as columns; pods only when the deploy follows the
// rollout. The wide tables of the Deployments and StatefulSets give the
// images running now: the previous image tag, without a helm get values.
func namespaceCmd(pods bool) []string {
	kinds := "secrets,jobs,deployments,statefulsets"
	if pods {
		kinds += ",pods"
	}
	return []string{"get", kinds, "-o", "wide", "-L", strings.Join(append(append([]string{}, release.Labels...), extraLabels...), ",")}
}

// readNamespace reads the namespace's tables: in-process from the API
// server when the kubeconfig's credentials are ones lain reads (a kubectl
// process costs ~150-200 ms of start-up), else, or when that read fails in
// any way, with kubectl. getenv nil: kubectl.
func readNamespace(ctx context.Context, r runner.Runner, getenv func(string) string, pods bool) ([]release.Table, error) {
	args := namespaceCmd(pods)
	if getenv != nil {
		resources := []kube.Resource{kube.Secrets, kube.Jobs, kube.Deployments, kube.StatefulSets}
		if pods {
			resources = append(resources, kube.Pods)
		}
		cfg, err := kube.KubeconfigAPI(getenv)
		if err == nil {
			var tables []kube.APITable
			if tables, err = kube.ReadTables(ctx, cfg, resources); err == nil {
				var paths []string
				for _, res := range resources {
					paths = append(paths, res.Path(cfg.Namespace))
				}
				runner.Note(r, runner.CommandLine(runner.Masker{}, "kubectl", args)+"   # read in-process: "+strings.Join(paths, ", "))
				return kubeTables(tables), nil
			}
		}
		runner.Note(r, "reading the namespace with kubectl: "+err.Error())
	}
	res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Capture: true, Quiet: true})
	if err != nil {
		return nil, err
	}
	return release.ParseTables(string(res.Stdout)), nil
}

// kubeTables are the API server's tables as kubectl get prints them with
// several kinds and -L: rows named kind/name, the label columns last.
func kubeTables(in []kube.APITable) []release.Table {
	labels := append(append([]string{}, release.Labels...), extraLabels...)
	var out []release.Table
	for _, t := range in {
		if len(t.Columns) == 0 {
			continue
		}
		rt := release.Table{}
		for _, c := range t.Columns {
			rt.Header = append(rt.Header, strings.ToUpper(c))
		}
		for _, l := range labels {
			rt.Header = append(rt.Header, strings.ToUpper(l[strings.LastIndex(l, "/")+1:]))
		}
		for _, row := range t.Rows {
			cells := append([]string{}, row.Cells...)
			cells[0] = t.Resource.Prefix + row.Name
			for _, l := range labels {
				cells = append(cells, row.Labels[l])
			}
			rt.Rows = append(rt.Rows, cells)
		}
		out = append(out, rt)
	}
	return out
}

// readState asks in one kubectl call when helm keeps its releases in the
// namespace's Secrets (its default), else asks helm history for each
// release and kubectl for the Secret and the jobs, side by side.
func (d *Deployer) readState(ctx context.Context, q *Request) (state, error) {
	names, appname, rel := q.watched(), q.App.Name, q.ReleaseName()
	envSecret := appname + "-env"
	if release.InSecrets(d.Getenv) {
		tables, err := d.namespace.wait()
		if d.namespace == nil {
			tables, err = readNamespace(ctx, d.Runner, d.Getenv, q.followed())
		}
		if err != nil {
			return state{}, err
		}
		st := state{releases: map[string][]release.Revision{}, fromTable: true}
		jobsKnown := true
		for _, t := range tables {
			if len(t.Rows) == 0 || len(t.Header) < len(release.Labels)+len(extraLabels)+2 {
				continue
			}
			first := len(t.Header) - len(release.Labels) - len(extraLabels)
			switch {
			case strings.HasPrefix(t.Rows[0][0], "secret/"):
				ns := release.FromTable(t, first)
				st.envExists = ns.Secrets[envSecret]
				for _, n := range names {
					st.releases[n] = ns.Releases[n]
				}
			case strings.HasPrefix(t.Rows[0][0], "job."):
				st.oneOff, jobsKnown = finishedOneOff(t, first, appname)
			case strings.HasPrefix(t.Rows[0][0], "deployment.apps/"), strings.HasPrefix(t.Rows[0][0], "statefulset.apps/"):
				st.addImages(t, first)
			case strings.HasPrefix(t.Rows[0][0], "pod/"):
				st.pods = map[string]bool{}
				for _, row := range t.Rows {
					if row[first+len(release.Labels)+2] == rel {
						st.pods[strings.TrimPrefix(row[0], "pod/")] = true
					}
				}
			}
		}
		if !jobsKnown { // a kubectl without the jobs' STATUS column
			st.oneOff = getJobs(ctx, d.Runner, oneOffSelector(appname))
		}
		if q.followed() && st.pods == nil {
			st.pods = map[string]bool{} // no pod in the namespace yet
		}
		return st, nil
	}
	var bg sync.WaitGroup
	defer bg.Wait()
	histories := make([]*async[[]release.Revision], len(names))
	for i, n := range names {
		histories[i] = start(&bg, func() ([]release.Revision, error) {
			revs, err := release.History(ctx, d.Runner, n)
			if errors.Is(err, release.ErrNotFound) {
				return nil, nil
			}
			return revs, err
		})
	}
	env := start(&bg, func() (bool, error) { return secretExists(ctx, d.Runner, envSecret) })
	var pods *async[map[string]bool]
	if q.followed() {
		pods = start(&bg, func() (map[string]bool, error) { return rollout.Snapshot(ctx, d.Runner, rel) })
	}
	jobs := start(&bg, func() (jobList, error) { return getJobs(ctx, d.Runner, oneOffSelector(appname)), nil })
	st := state{releases: map[string][]release.Revision{}}
	for i, n := range names {
		revs, err := histories[i].wait()
		if err != nil {
			return state{}, err
		}
		st.releases[n] = revs
	}
	st.oneOff, _ = jobs.wait()
	st.pods, _ = pods.wait()
	var err error
	st.envExists, err = env.wait()
	return st, err
}

// addImages keeps the IMAGES column of a workloads' table by release (the
// helm.sh/chart label, which lain's chart sets to the release name).
func (st *state) addImages(t release.Table, labels int) {
	col := -1
	for i, h := range t.Header[:labels] {
		if h == "IMAGES" {
			col = i
		}
	}
	if col < 0 {
		return
	}
	if st.images == nil {
		st.images = map[string][]string{}
	}
	for _, row := range t.Rows {
		rel := row[labels+len(release.Labels)+2]
		for _, img := range strings.Split(row[col], ",") {
			if img != "" {
				st.images[rel] = append(st.images[rel], img)
			}
		}
	}
}

// runningTag is the image tag the release's workloads run now from the
// app's repository repo, when they all agree on one; false when none runs
// it or they differ (a proc's own imageTag): then helm get values knows.
func (st *state) runningTag(rel, repo string) (string, bool) {
	tag := ""
	for _, img := range st.images[rel] {
		r, t := image.SplitName(img)
		if r != repo {
			continue
		}
		if tag != "" && t != tag {
			return "", false
		}
		tag = t
	}
	return tag, tag != ""
}

// finishedOneOff are the app's one-off jobs that are Complete or Failed, by
// the table's STATUS column; false when this kubectl prints none.
func finishedOneOff(t release.Table, labels int, appname string) (jobList, bool) {
	status := -1
	for i, h := range t.Header[:labels] {
		if h == "STATUS" {
			status = i
			break
		}
	}
	if status < 0 {
		return jobList{}, false
	}
	var l jobList
	for _, row := range t.Rows {
		if row[labels+len(release.Labels)] != appname || row[labels+len(release.Labels)+1] != "true" {
			continue
		}
		switch row[status] {
		case "Complete", "Failed":
			var j jobItem
			j.Metadata.Name = row[0][strings.Index(row[0], "/")+1:]
			j.Status.Succeeded = 1 // finished: cleanJobs deletes it
			l.Items = append(l.Items, j)
		}
	}
	return l, true
}

func secretExists(ctx context.Context, r runner.Runner, name string) (bool, error) {
	_, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "secret", name, "-o", "name"}, Capture: true, Quiet: true})
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		return false, nil
	}
	return err == nil, err
}
