package app

import (
	"context"
	"errors"
	"net/url"
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
// none (the chart only records it), without any user or password in it:
// GitLab CI clones from https://gitlab-ci-token:<job token>@host/..., and
// this URL is printed in the helm command line and stored in the release.
func RepoURL(ctx context.Context, r runner.Runner, dir string) string {
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"remote", "get-url", "origin"}, Dir: dir, Capture: true, Quiet: true})
	if err != nil {
		return ""
	}
	return withoutCredentials(strings.TrimSpace(string(res.Stdout)))
}

// withoutCredentials drops the userinfo of a URL with a scheme; scp-style
// remotes (git@host:path) name a user but never hold a password.
func withoutCredentials(remote string) string {
	u, err := url.Parse(remote)
	if err != nil || u.Scheme == "" || u.User == nil {
		if i := strings.Index(remote, "://"); i >= 0 && err != nil {
			// Unparseable but scheme-like: cut anything up to the last @
			// of the authority rather than risk printing a token.
			rest := remote[i+3:]
			host, path, _ := strings.Cut(rest, "/")
			if at := strings.LastIndex(host, "@"); at >= 0 {
				return remote[:i+3] + host[at+1:] + "/" + path
			}
		}
		return remote
	}
	u.User = nil
	return u.String()
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
