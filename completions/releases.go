package completions

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// ReleaseLister lists the helm releases of the current namespace.
type ReleaseLister func(ctx context.Context) ([]string, error)

// Releases completes helm release names, asking the cluster for at most
// 300 ms (nothing when it is slow or unreachable).
func Releases(list ReleaseLister) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		names := Bounded(ctxOf(cmd), Timeout(), list)
		return Filter(names, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// Lines splits command output into its non-empty lines.
func Lines(out []byte) []string {
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	return names
}
