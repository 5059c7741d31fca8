// Package helmargs builds the helm options lain passes whenever it renders
// an app's chart (lain's reference, section 6), so that `lain lint`, `lain
// template` and `lain deploy` render exactly the same thing:
//
//	--set cluster=<c>,user=<$USER>,repo_url=<git remote>,imageTag=<tag>
//	-f <cluster values> [-f chart/values-<c>.yaml] [-f <extra>]... [-f chart/values-canary.yaml]
package helmargs

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/runner"
)

// Chart is the chart as helm is given it; commands run in the app's directory.
const Chart = "./" + app.ChartDir

// Options are the inputs of helm's values, in the order helm merges them.
type Options struct {
	Cluster  string
	User     string
	RepoURL  string
	ImageTag string
	// ClusterValues is the cluster's values, written to a private temp file.
	ClusterValues string
	// AppClusterValues is chart/values-<cluster>.yaml; "" when the app has none.
	AppClusterValues string
	// Extra are the global -f files, in the order given.
	Extra []string
	// CanaryValues is chart/values-canary.yaml on a canary deploy, when present.
	CanaryValues string
}

// Flags are the --set and -f options, in helm's merge order (later wins).
func (o Options) Flags() []string {
	set := []string{
		"cluster=" + escape(o.Cluster),
		"user=" + escape(o.User),
		"repo_url=" + escape(o.RepoURL),
		"imageTag=" + escape(o.ImageTag),
	}
	args := []string{"--set", strings.Join(set, ","), "-f", o.ClusterValues}
	if o.AppClusterValues != "" {
		args = append(args, "-f", o.AppClusterValues)
	}
	for _, f := range o.Extra {
		args = append(args, "-f", f)
	}
	if o.CanaryValues != "" {
		args = append(args, "-f", o.CanaryValues)
	}
	return args
}

// escape protects the characters helm's --set treats as syntax: '\', ','
// and a leading '{' (a list: helm would read "{a}" as [a]).
func escape(v string) string {
	v = strings.NewReplacer(`\`, `\\`, `,`, `\,`).Replace(v)
	if strings.HasPrefix(v, "{") {
		v = `\` + v
	}
	return v
}

// Template is `helm template` of release with these options, then extra
// arguments (--set k=v from the user, --debug).
func Template(release string, o Options, extra ...string) []string {
	args := append([]string{"template", release, Chart}, o.Flags()...)
	return append(args, extra...)
}

// Lint is `helm lint` with these options.
func Lint(o Options) []string {
	return append([]string{"lint", Chart}, o.Flags()...)
}

// Upgrade is the `helm upgrade --install` of lain deploy, in the
// reference's order, then extra arguments.
func Upgrade(release string, timeoutSeconds int, o Options, extra ...string) []string {
	args := []string{"upgrade", "--timeout=" + strconv.Itoa(timeoutSeconds) + "s"}
	flags := o.Flags()
	args = append(args, flags[:2]...) // --set ...
	args = append(args, "--install")
	args = append(args, flags[2:]...) // -f ...
	args = append(args, release, Chart)
	return append(args, extra...)
}

// Gather fills Options for app a on the cluster of cfg: it writes the
// cluster values to a private temp file (cleanup removes it) and asks git
// for the image tag and the remote. canary adds chart/values-canary.yaml
// when the app has one.
func Gather(ctx context.Context, r runner.Runner, a *app.App, cfg *clusterconfig.Config, getenv func(string) string, extra []string, canary bool) (Options, func(), error) {
	path, cleanup, err := cfg.WriteTemp()
	if err != nil {
		return Options{}, nil, err
	}
	o := Options{Cluster: cfg.Cluster, User: getenv("USER"), ClusterValues: path, Extra: extra}
	// The two git queries are independent: run them side by side.
	done := make(chan struct{})
	go func() {
		o.RepoURL = app.RepoURL(ctx, r, a.Dir)
		close(done)
	}()
	o.ImageTag = app.ImageTag(ctx, r, a.Dir)
	<-done
	if o.User == "" {
		o.User = getenv("USERNAME") // Windows
	}
	if name := app.ClusterValuesName(cfg.Cluster); a.Has(name) {
		o.AppClusterValues = name
	}
	if canary && a.Has(app.CanaryValuesName) {
		o.CanaryValues = app.CanaryValuesName
	}
	return o, cleanup, nil
}

// CheckSets refuses a user's --set values that helm would refuse while
// printing part of them, before helm sees them (the message never quotes
// the value: it may be a secret).
func CheckSets(sets []string) error {
	for i, s := range sets {
		if runner.SetItemWithoutValue(s) {
			return clierr.Usage(fmt.Sprintf("--set #%d: a ',' that is not escaped ends the value, and the text after it has no '=' (helm would refuse it)", i+1),
				`write a comma inside a value as \, (--set 'KEY=a\,b'), or pass each KEY=VALUE in its own --set`)
		}
	}
	return nil
}
