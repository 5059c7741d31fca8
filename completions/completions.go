// Package completions holds the Tab-completion helpers the commands register
// (ValidArgsFunction, RegisterFlagCompletionFunc). A completion must answer
// fast: it never runs the update check, and anything that asks the cluster
// or a registry goes through Bounded, which gives up after Timeout()
// (ClusterTimeout, 300 ms, unless $LAIN_COMPLETION_TIMEOUT says otherwise).
package completions

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// ClusterTimeout bounds a completion that must ask the cluster or a registry:
// past it, Tab offers nothing rather than hanging the shell.
const ClusterTimeout = 300 * time.Millisecond

// TimeoutEnv names the variable that sets another bound than ClusterTimeout
// (a Go duration, 2s): for a cluster behind a slow link, where waiting is
// better than nothing, or tests on a loaded machine.
const TimeoutEnv = "LAIN_COMPLETION_TIMEOUT"

// Timeout is how long a completion may ask the cluster or a registry:
// ClusterTimeout, or $LAIN_COMPLETION_TIMEOUT (1ms to 1m; anything else is
// ignored).
func Timeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(TimeoutEnv)); err == nil && d >= time.Millisecond && d <= time.Minute {
		return d
	}
	return ClusterTimeout
}

// Func is cobra's completion function type.
type Func = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// Bounded runs list with a deadline of timeout and returns its answer, or
// nothing when it fails or runs out of time.
func Bounded(ctx context.Context, timeout time.Duration, list func(ctx context.Context) ([]string, error)) []string {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		items []string
		err   error
	}
	ch := make(chan answer, 1)
	go func() {
		items, err := list(ctx)
		ch <- answer{items, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil {
			return nil
		}
		return a.items
	case <-ctx.Done():
		return nil
	}
}

// Filter keeps the candidates that start with prefix.
func Filter(items []string, prefix string) []string {
	var out []string
	for _, it := range items {
		name, _, _ := strings.Cut(it, "\t")
		if strings.HasPrefix(name, prefix) {
			out = append(out, it)
		}
	}
	return out
}

// Static completes from a fixed list, never files.
func Static(items ...string) Func {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return Filter(items, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// None completes nothing (and, unlike cobra's default, no file names).
func None(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}
