package app

import (
	"context"
	"errors"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// DefaultTag is the image tag outside a git repository (or before the
// first commit).
const DefaultTag = "latest"

// ImageTag is the image tag of the app's current commit: commit time, then
// the full hash (`git log -1 --pretty=format:%ct-%H`), so tags sort by time
// as text. Outside a git repository it is DefaultTag.
func ImageTag(ctx context.Context, r runner.Runner, dir string) string {
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"log", "-1", "--pretty=format:%ct-%H"}, Dir: dir, Capture: true, Quiet: true})
	tag := strings.TrimSpace(string(res.Stdout))
	if err != nil || tag == "" {
		return DefaultTag
	}
	return tag
}

// RepoURL is the URL of the repository's origin remote, "" when there is
// none (the chart only records it).
func RepoURL(ctx context.Context, r runner.Runner, dir string) string {
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"remote", "get-url", "origin"}, Dir: dir, Capture: true, Quiet: true})
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(res.Stdout))
}

// GitTopLevel is the root of the git work tree containing dir, "" when
// dir is not in one. The error is only for git itself missing.
func GitTopLevel(ctx context.Context, r runner.Runner, dir string) (string, error) {
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"rev-parse", "--show-toplevel"}, Dir: dir, Capture: true, Quiet: true})
	var nf *runner.NotFoundError
	if errors.As(err, &nf) {
		return "", err
	}
	if err != nil {
		return "", nil
	}
	return strings.TrimSpace(string(res.Stdout)), nil
}
