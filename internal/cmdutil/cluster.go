package cmdutil

import (
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
)

// CurrentCluster loads the configuration of the cluster ~/.kube/config
// points at (after --use has switched), merged with the app in appDir ("" for
// none). Unknown-key warnings go to stderr. Every command that talks to a
// cluster starts here.
func (f *Factory) CurrentCluster(appDir string) (*clusterconfig.Config, error) {
	src := f.ClusterSource()
	name := f.KubeHome().Current()
	if name == "" {
		names, _ := src.Clusters()
		return nil, clierr.Of(clierr.ClusterConfig, fmt.Sprintf("no current cluster: %s is not one of lain's clusters (%s)", f.KubeHome().ConfigPath(), strings.Join(names, ", ")),
			"lain use CLUSTER   # or add --use CLUSTER to this command")
	}
	cl, err := src.Load(name)
	if err != nil {
		return nil, err
	}
	for _, w := range cl.Warnings {
		fmt.Fprintln(f.IO.ErrOut, "warning: "+w.String())
	}
	return clusterconfig.Resolve(cl, appDir, f.Getenv)
}
