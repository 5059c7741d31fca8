package completions

import (
	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clusterconfig"
)

// Clusters completes cluster names from the cluster values lain carries
// (no network), each with its extra_docs as the description.
func Clusters(source func() clusterconfig.Source) Func {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		src := source()
		names, err := src.Clusters()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, n := range names {
			item := n
			cl, err := src.Load(n)
			switch {
			case err != nil:
				// Still offered (lain use names the problem), but the
				// user sees before choosing that it will not work.
				item += "\tbroken cluster values: run lain doctor"
			case cl.Values.ExtraDocs != "":
				item += "\t" + cl.Values.ExtraDocs
			}
			out = append(out, item)
		}
		return Filter(out, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// FirstArg applies fn to the first positional argument only.
func FirstArg(fn Func) Func {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fn(cmd, args, toComplete)
	}
}
