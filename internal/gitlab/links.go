package gitlab

import (
	"context"
	"net/url"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// ProjectURL is the web page of the project a git remote points at, when
// the remote is on the GitLab at base (same host name): for
// git@gitlab.example.com:team/hello.git, https://gitlab.example.com/team/hello.
func ProjectURL(remote, base string) (string, bool) {
	b, err := url.Parse(strings.TrimRight(strings.TrimSpace(base), "/"))
	if err != nil || b.Host == "" || remote == "" {
		return "", false
	}
	host, path := remoteHostPath(strings.TrimSpace(remote))
	if host == "" || path == "" || !strings.EqualFold(host, b.Hostname()) {
		return "", false
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	// A GitLab under a path (https://example.com/gitlab) serves its
	// projects below that path; over ssh the path is not in the remote.
	prefix := strings.TrimRight(b.Path, "/")
	path = strings.TrimPrefix(path, strings.TrimPrefix(prefix, "/")+"/")
	return b.Scheme + "://" + b.Host + prefix + "/" + path, true
}

// remoteHostPath splits a git remote: a URL (https://, ssh://) or scp-like
// user@host:path.
func remoteHostPath(remote string) (string, string) {
	if strings.Contains(remote, "://") {
		u, err := url.Parse(remote)
		if err != nil {
			return "", ""
		}
		return u.Hostname(), u.Path
	}
	hostPart, path, ok := strings.Cut(remote, ":")
	if !ok {
		return "", ""
	}
	if _, h, ok := strings.Cut(hostPart, "@"); ok {
		hostPart = h
	}
	return hostPart, path
}

// Commit is one commit of a cherry.
type Commit struct {
	Hash, Short, Subject string
}

// URL is the commit's page in project (ProjectURL).
func (c Commit) URL(project string) string { return project + "/-/commit/" + c.Hash }

// Commits are the commits in from..to, newest first, as lain cherry lists
// them (to "" is HEAD).
func Commits(ctx context.Context, r runner.Runner, dir, from, to string) ([]Commit, error) {
	if to == "" {
		to = "HEAD"
	}
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"log", "--no-decorate", "--format=%H %h %s", from + ".." + to}, Dir: dir, Capture: true, Quiet: true})
	if err != nil {
		return nil, err
	}
	var out []Commit
	for _, line := range strings.Split(strings.TrimSpace(string(res.Stdout)), "\n") {
		f := strings.SplitN(line, " ", 3)
		if len(f) < 2 {
			continue
		}
		c := Commit{Hash: f[0], Short: f[1]}
		if len(f) == 3 {
			c.Subject = f[2]
		}
		out = append(out, c)
	}
	return out, nil
}
