package completions

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/kube"
)

// CronJobs completes the cronjobs of the app in appDir() that run on the
// current cluster, by proc name, each with its schedule. It asks the
// cluster, so it is Bounded: nothing after ClusterTimeout.
func CronJobs(appDir func() string, client func() *kube.Client) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		a, err := app.Load(appDir())
		if err != nil || a.Name == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		items := Bounded(completionCtx(cmd), Timeout(), func(ctx context.Context) ([]string, error) {
			cjs, err := client().CronJobs(ctx, a.Name)
			if err != nil {
				return nil, err
			}
			out := make([]string, 0, len(cjs))
			for _, cj := range cjs {
				name := strings.TrimPrefix(cj.Name, a.Release+"-")
				out = append(out, name+"\t"+cj.Schedule)
			}
			return out, nil
		})
		return Filter(items, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// SecretFiles completes the file names in the app's <appname>-secret on
// the current cluster (names only: values never leave kube). Bounded.
func SecretFiles(appDir func() string, client func() *kube.Client) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		a, err := app.Load(appDir())
		if err != nil || a.Name == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		items := Bounded(completionCtx(cmd), Timeout(), func(ctx context.Context) ([]string, error) {
			return client().SecretKeys(ctx, a.Name+"-secret")
		})
		return Filter(items, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completionCtx is the command's context (a background one when a test
// calls the function on its own).
func completionCtx(cmd *cobra.Command) context.Context {
	if cmd == nil {
		return context.Background()
	}
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
