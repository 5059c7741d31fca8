package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolcheck"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

// skewTimeout bounds the kubectl version check after a switch: a cluster
// behind a VPN that is down must not make `lain use` hang.
const skewTimeout = 3 * time.Second

// UseEnv is what switching clusters touches: lain use, and --use CLUSTER
// on any command.
type UseEnv struct {
	IO       *iostreams.IOStreams
	Prompter prompts.Prompter
	Runner   runner.Runner
	Source   clusterconfig.Source
	Kube     kubehome.Home
	Platform tools.Platform
}

// FillUse takes everything from the factory.
func (o *UseEnv) FillUse(f *Factory) {
	o.IO, o.Prompter, o.Runner = f.IO, f.Prompter, f.Runner()
	o.Source, o.Kube, o.Platform = f.ClusterSource(), f.KubeHome(), f.Platform
}

// Switch points kubectl, helm and lain at cluster (and, with setContext,
// the kubeconfig's namespace at the cluster's). fromFlag is --use on
// another command: "already here" is fine, and kubectl's version is not
// checked.
func (o *UseEnv) Switch(ctx context.Context, cluster string, setContext, fromFlag bool) error {
	cl, err := o.Source.Load(cluster)
	if err != nil {
		return err
	}
	printWarnings(o.IO.ErrOut, cl.Warnings)
	if !o.Kube.Has(cluster) {
		return o.Kube.MissingError(cluster)
	}
	if w := o.Kube.PermissionWarning(cluster); w != "" {
		fmt.Fprintln(o.IO.ErrOut, "warning: "+w)
	}
	if o.Kube.Current() == cluster {
		fmt.Fprintf(o.IO.ErrOut, "you are already on cluster %s\n", cluster)
		if !setContext {
			return nil
		}
	} else {
		sw, err := o.Kube.Switch(cluster)
		if err != nil {
			return err
		}
		if sw.Backup != "" {
			fmt.Fprintf(o.IO.ErrOut, "your previous %s was not lain's: moved it to %s\n", o.Kube.ConfigPath(), sw.Backup)
		}
		line := "now on cluster " + cluster
		if cl.Values.ExtraDocs != "" {
			line += ": " + cl.Values.ExtraDocs
		}
		if sw.Copied {
			line += " (copied: this system refused a symlink)"
		}
		fmt.Fprintln(o.IO.ErrOut, line)
	}
	if setContext {
		ns := cl.Values.NamespaceOrDefault()
		if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"config", "set-context", "--current", "--namespace=" + ns}, Mutates: true}); err != nil {
			return err
		}
	}
	if !fromFlag {
		warnSkew(ctx, o, cluster)
	}
	return nil
}

// warnSkew checks kubectl against the new cluster; it only warns, since
// the user may be switching precisely to fix things.
func warnSkew(ctx context.Context, o *UseEnv, cluster string) {
	ctx, cancel := context.WithTimeout(ctx, skewTimeout)
	defer cancel()
	chk := &toolcheck.Checker{Runner: o.Runner, Platform: o.Platform}
	v, err := chk.Kubectl(ctx, "--request-timeout=2s")
	var ce *clierr.Error
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(o.IO.ErrOut, "warning: %s\n  fix: %s\n", ce.Msg, ce.Next)
	case err == nil && v.Server == nil:
		fmt.Fprintf(o.IO.ErrOut, "warning: cluster %s did not answer within 2s (network or VPN?); check with: lain doctor\n", cluster)
	}
}

func printWarnings(w io.Writer, ps []clusterconfig.Problem) {
	for _, p := range ps {
		fmt.Fprintln(w, "warning: "+p.String())
	}
}

// SwitchForUseFlag handles --use CLUSTER on any command: switch first.
func (f *Factory) SwitchForUseFlag(ctx context.Context) error {
	if f.Globals.Use == "" {
		return nil
	}
	o := &UseEnv{}
	o.FillUse(f)
	return o.Switch(ctx, f.Globals.Use, false, true)
}
