// Package image is everything lain knows about an app's Docker image: its
// name and tag (reference section 5), the Dockerfile and .dockerignore that
// lain build generates from the build / prepare / release clauses of
// chart/values.yaml (section 7), and the docker commands that build, push,
// run and save it. Registry queries live in internal/registry.
package image

import (
	"context"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/runner"
)

// PrepareTag is the tag of the prepare image, <registry>/<appname>:prepare.
const PrepareTag = "prepare"

// LatestTag is the tag lain push overwrites on every push of an app's
// image, and the tag outside a git repository.
const LatestTag = app.DefaultTag

// Repo is <registry>/<appname>, with a leading "docker.io/" dropped (docker
// names Docker Hub images without it).
func Repo(registry, appname string) string {
	registry = strings.TrimSuffix(strings.TrimPrefix(registry, "docker.io/"), "/")
	if registry == "" || registry == "docker.io" {
		return appname
	}
	return registry + "/" + appname
}

// Name is the image <registry>/<appname>:<tag>.
func Name(registry, appname, tag string) string {
	return Repo(registry, appname) + ":" + tag
}

// SplitName splits an image name into repository and tag ("latest" when it
// has none). A digest (@sha256:...) stays with the repository.
func SplitName(image string) (repo, tag string) {
	if at := strings.Index(image, "@"); at >= 0 {
		return image, ""
	}
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[:colon], image[colon+1:]
	}
	return image, LatestTag
}

// Host is the registry host an image name refers to, as docker login takes
// it: the first path component when it looks like a host (has a dot or a
// port, or is localhost), else Docker Hub.
func Host(image string) string {
	first, _, found := strings.Cut(image, "/")
	if !found || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		return "docker.io"
	}
	return first
}

// Tag is the image tag of the app in dir, and whether the work tree has
// changes that are not committed (the image would then hold more than the
// commit its tag names).
type Tag struct {
	Tag   string
	Dirty bool
	// Changes are the first lines of `git status --porcelain` when Dirty.
	Changes []string
}

// CurrentTag asks git for the app's tag: `git log -1 --pretty=format:%ct-%H`
// (commit time, then hash, so tags sort by time as text), "latest" outside a
// repository.
func CurrentTag(ctx context.Context, r runner.Runner, dir string) Tag {
	t := Tag{Tag: app.ImageTag(ctx, r, dir)}
	if t.Tag == LatestTag {
		return t
	}
	res, err := r.Run(ctx, runner.Cmd{Name: "git", Args: []string{"status", "--porcelain"}, Dir: dir, Capture: true, Quiet: true})
	if err != nil {
		return t
	}
	for _, line := range strings.Split(strings.TrimRight(string(res.Stdout), "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		t.Dirty = true
		if len(t.Changes) < 5 {
			t.Changes = append(t.Changes, strings.TrimSpace(line))
		}
	}
	return t
}

// Warning is what lain says about a dirty work tree, "" when clean.
func (t Tag) Warning() string {
	if !t.Dirty {
		return ""
	}
	return "warning: the work tree has uncommitted changes (" + strings.Join(t.Changes, ", ") +
		"): the image will hold them, but its tag " + t.Tag + " names the last commit; commit first so the tag tells the truth"
}
