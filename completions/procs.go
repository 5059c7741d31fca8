package completions

import (
	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
)

// Procs completes the app's proc names, read from chart/values.yaml and
// chart/values-<CLUSTER>.yaml of the current cluster: local files only,
// so it answers at once even with the cluster unreachable. appDir and
// cluster are asked at Tab time ("" cluster: values.yaml only).
func Procs(appDir func() string, cluster func() string) Func {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return Filter(app.ProcNames(appDir(), cluster()), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
