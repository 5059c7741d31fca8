package completions

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/kube"
)

// ProcsAndPods completes where `lain x` runs: the app's proc names, read
// from its values files at once (as Procs), then the names of its running
// pods, asked of the cluster for at most ClusterTimeout. A cluster that
// does not answer in time adds nothing.
func ProcsAndPods(appDir func() string, cluster func() string, client func() *kube.Client) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		dir := appDir()
		items := app.ProcNames(dir, cluster())
		a, err := app.Load(dir)
		if err != nil || a.Name == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		pods := Bounded(completionCtx(cmd), Timeout(), func(ctx context.Context) ([]string, error) {
			names, err := client().RunningPodNames(ctx, kube.AppSelector(a.Name), Timeout())
			if err != nil {
				return nil, err
			}
			out := make([]string, 0, len(names))
			for _, p := range names {
				out = append(out, p.Name+"\tpod, ready "+p.Ready)
			}
			return out, nil
		})
		return Filter(append(items, pods...), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
