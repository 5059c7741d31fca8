package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// CanaryGroups are the group names in the app's values.
func CanaryGroups(values map[string]any) []string {
	m, _ := values["canaryGroups"].(map[string]any)
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CanaryChange is what set-canary-group does: one of a group, Final, Abort.
type CanaryChange struct {
	Group string
	Final bool // deploy the canary's image as the main release, then delete the canary
	Abort bool // delete the canary
	// Deploy are the flags of the promoting deploy (Final).
	Deploy Flags
}

// SetCanaryGroup is lain set-canary-group: it points a canary group's
// traffic at the canary, promotes the canary, or deletes it.
func SetCanaryGroup(ctx context.Context, e Env, c CanaryChange) error {
	n := 0
	for _, b := range []bool{c.Group != "", c.Final, c.Abort} {
		if b {
			n++
		}
	}
	if n != 1 {
		return clierr.Usage("give one of: a canary group, --final, --abort", "lain set-canary-group --help")
	}
	a, err := app.Load(e.Dir)
	if err != nil {
		return err
	}
	canary := CanaryRelease(a.Name)
	v, err := release.Values(ctx, e.Runner, canary, 0)
	if err == release.ErrNotFound {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("there is no canary of %s (release %s)", a.Name, canary), "lain deploy --canary")
	}
	if err != nil {
		return err
	}
	uninstall := runner.Cmd{Name: "helm", Args: []string{"uninstall", canary}, Mutates: true}
	switch {
	case c.Abort:
		if _, err := e.Runner.Run(ctx, uninstall); err != nil {
			return toolerr.Failed("helm uninstall "+canary+" failed (its message is above)", err, "helm list")
		}
		fmt.Fprintf(e.IO.ErrOut, "canary %s deleted; %s is unchanged\n", canary, a.Release)
		return nil
	case c.Final:
		tag := release.ImageTag(v)
		fmt.Fprintf(e.IO.ErrOut, "promoting the canary: deploying its image tag %s as %s\n", tag, a.Release)
		f := c.Deploy
		f.Sets = append([]string{"imageTag=" + tag}, f.Sets...)
		f.Promote, f.Canary = true, false
		if _, err := Run(ctx, e, f); err != nil {
			return err
		}
		if _, err := e.Runner.Run(ctx, uninstall); err != nil {
			return toolerr.Failed("helm uninstall "+canary+" failed (its message is above)", err, "helm uninstall "+canary)
		}
		fmt.Fprintf(e.IO.ErrOut, "canary promoted: %s runs %s; %s deleted\n", a.Release, tag, canary)
		return nil
	}
	files, err := a.ValuesFiles("", e.Values)
	if err != nil {
		return err
	}
	groups := CanaryGroups(app.Merged(files))
	found := false
	for _, g := range groups {
		found = found || g == c.Group
	}
	if !found {
		return clierr.Usage(fmt.Sprintf("chart/values.yaml: canaryGroups: no group %q (groups: %s)", c.Group, strings.Join(groups, ", ")), "lain set-canary-group GROUP")
	}
	args := []string{"upgrade", canary, helmargs.Chart, "--reuse-values", "--set", "canaryGroup=" + c.Group}
	if _, err := e.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: args, Dir: a.Dir, Mutates: true}); err != nil {
		return toolerr.Failed("helm upgrade of "+canary+" failed (its message is above)", err, "lain set-canary-group --abort")
	}
	fmt.Fprintf(e.IO.ErrOut, "canary group %s: the ingresses of %s now carry its annotations\n", c.Group, canary)
	return nil
}

// Redeploy is lain redeploy: deploy the image the release runs now again,
// with the working copy's chart and values.
func Redeploy(ctx context.Context, e Env, f Flags) error {
	a, err := app.Load(e.Dir)
	if err != nil {
		return err
	}
	v, err := release.Values(ctx, e.Runner, a.Release, 0)
	if err == release.ErrNotFound {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("release %s is not deployed: there is nothing to redeploy", a.Release), "lain deploy")
	}
	if err != nil {
		return err
	}
	tag := release.ImageTag(v)
	if tag == "" {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("release %s has no imageTag in its values", a.Release), "lain deploy --set imageTag=TAG")
	}
	fmt.Fprintf(e.IO.ErrOut, "redeploying %s with its running image tag %s\n", a.Release, tag)
	f.Sets = append([]string{"imageTag=" + tag}, f.Sets...)
	_, err = Run(ctx, e, f)
	return err
}
