package completions

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// TagLister lists the app's image tags in the current cluster's registry,
// newest first. It asks the registry, so completions call it through
// Bounded.
type TagLister func(ctx context.Context) ([]string, error)

// imageTagKey is the --set key that picks the image to deploy.
const imageTagKey = "imageTag="

// ImageTags completes a flag whose value is an image tag (job --image-tag),
// from the registry within ClusterTimeout, else nothing.
func ImageTags(list TagLister) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		tags := Bounded(ctxOf(cmd), Timeout(), list)
		return Filter(tags, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}

// SetImageTag completes --set KEY=VALUE for the image tag: "imageTag="
// while the key is being typed, then imageTag=<tag> for each recent tag in
// the registry (within ClusterTimeout, else nothing).
func SetImageTag(list TagLister) Func {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if !strings.HasPrefix(toComplete, imageTagKey) {
			if strings.HasPrefix(imageTagKey, toComplete) {
				return []string{imageTagKey}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, t := range Bounded(ctxOf(cmd), Timeout(), list) {
			out = append(out, imageTagKey+t)
		}
		return Filter(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}

// ctxOf is the command's context, or a background one in tests that run a
// completion function on its own.
func ctxOf(cmd *cobra.Command) context.Context {
	if cmd != nil && cmd.Context() != nil {
		return cmd.Context()
	}
	return context.Background()
}
