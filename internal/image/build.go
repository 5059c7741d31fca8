package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

// TagChecker answers whether an app's image tag is in the registry
// (internal/registry implements it).
type TagChecker interface {
	Exists(ctx context.Context, appname, tag string) (bool, error)
}

// Builder builds and pushes an app's images: lain build, lain prepare, and
// lain deploy --build call it in-process.
type Builder struct {
	Docker Docker
	ErrOut io.Writer
	Getenv func(string) string
	// Registry tells whether the prepare image is pushed already; nil means
	// unknown (lain then pushes or builds it).
	Registry TagChecker
	// DryRun prints the Dockerfile instead of writing it (the runner prints
	// the docker commands without running them).
	DryRun bool
}

// Request is one app's build.
type Request struct {
	Dir      string // the app (the docker build context)
	Registry string // the cluster's registry prefix
	Spec     *Spec
	Tag      string // the image tag (CurrentTag)
	// Push pushes the built image, and overwrites <registry>/<app>:latest.
	Push bool
	// KeepDockerfile leaves the generated files in the app.
	KeepDockerfile bool
}

// Image is the name the build tags.
func (r Request) Image() string { return Name(r.Registry, r.Spec.Appname, r.Tag) }

// PrepareImage is the app's prepare image.
func (r Request) PrepareImage() string { return Name(r.Registry, r.Spec.Appname, PrepareTag) }

// Build builds the app's image (making sure the prepare image it starts
// from is in the registry first), and pushes it when r.Push. It returns
// the image name.
func (b *Builder) Build(ctx context.Context, r Request) (string, error) {
	if err := b.ensurePrepare(ctx, r); err != nil {
		return "", err
	}
	image := r.Image()
	if err := b.stage(ctx, r, r.Spec.Final(), image); err != nil {
		return "", err
	}
	if !r.Push {
		fmt.Fprintf(b.ErrOut, "built %s (push it with: lain push)\n", image)
		return image, nil
	}
	if err := b.Push(ctx, image, r.Registry, r.Tag != LatestTag); err != nil {
		return "", err
	}
	fmt.Fprintf(b.ErrOut, "pushed %s; deploy it with:\n lain deploy --set imageTag=%s\n", image, r.Tag)
	return image, nil
}

// Prepare builds the prepare image, and pushes it when r.Push.
func (b *Builder) Prepare(ctx context.Context, r Request) (string, error) {
	if r.Spec.Prepare == nil {
		return "", &SpecError{Key: "build.prepare", Msg: "missing: there is nothing to prepare (add build.prepare.script and keep, or just run lain build)"}
	}
	image := r.PrepareImage()
	if err := b.stage(ctx, r, StagePrepare, image); err != nil {
		return "", err
	}
	if r.Push {
		if err := b.Docker.Push(ctx, image); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(b.ErrOut, "prepared %s: lain build starts from it until you run lain prepare again\n", image)
	return image, nil
}

// Push pushes image as <registry>/<appname>:<tag> (tagging it so first
// when registry is another one), and also as :latest when latest is set.
func (b *Builder) Push(ctx context.Context, image, registry string, latest bool) error {
	names := []string{retag(image, registry, "")}
	if latest {
		names = append(names, retag(image, registry, LatestTag))
	}
	for _, name := range names {
		if name != image {
			if err := b.Docker.Tag(ctx, image, name); err != nil {
				return err
			}
		}
		if err := b.Docker.Push(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// retag names image in registry, keeping its last path component (the
// appname) and its tag unless tag is given.
func retag(image, registry, tag string) string {
	repo, t := SplitName(image)
	if tag == "" {
		tag = t
	}
	return Name(registry, filepath.Base(repo), tag)
}

// ensurePrepare makes sure the build stage's FROM <registry>/<app>:prepare
// can be pulled (docker build --pull fetches it): already in the registry,
// else the local one is pushed, else it is built and pushed.
func (b *Builder) ensurePrepare(ctx context.Context, r Request) error {
	if r.Spec.Prepare == nil {
		return nil
	}
	image := r.PrepareImage()
	if b.Registry != nil {
		ok, err := b.Registry.Exists(ctx, r.Spec.Appname, PrepareTag)
		switch {
		case err == nil && ok:
			return nil
		case err != nil:
			fmt.Fprintf(b.ErrOut, "warning: could not ask the registry for %s (%v); making sure it is there\n", image, err)
		}
	}
	fmt.Fprintf(b.ErrOut, "the build starts from %s, which docker build --pull fetches from the registry: ", image)
	if !b.DryRun && b.Docker.Exists(ctx, image) {
		fmt.Fprintln(b.ErrOut, "pushing the local one")
		return b.Docker.Push(ctx, image)
	}
	fmt.Fprintln(b.ErrOut, "building it first (lain prepare)")
	_, err := b.Prepare(ctx, Request{Dir: r.Dir, Registry: r.Registry, Spec: r.Spec, Push: true, KeepDockerfile: r.KeepDockerfile})
	return err
}

// stage generates the Dockerfile (and .dockerignore) for stage, runs
// docker build, and removes what it generated, whatever happens.
func (b *Builder) stage(ctx context.Context, r Request, stage Stage, image string) (err error) {
	if OwnDockerfile(r.Dir) {
		return OwnDockerfileError(r.Dir, image)
	}
	dockerfile, err := r.Spec.Dockerfile(stage, r.Registry, r.Tag)
	if err != nil {
		return err
	}
	b.warnBuildArgs(r.Spec)
	args := []string{"build", "--pull", "-t", image, "--target", string(stage), "-f", DockerfileName}
	var fromEnv []string
	for _, a := range r.Spec.BuildArgs {
		args = append(args, "--build-arg", a.Flag())
		if a.Secret {
			fromEnv = append(fromEnv, a.Name)
		}
	}
	c := b.Docker.Cmd(append(args, ".")...)
	c.Mask.Keys = append(c.Mask.Keys, fromEnv...)
	c.Dir, c.Mutates = r.Dir, true
	if b.DryRun {
		fmt.Fprintf(b.ErrOut, "# %s that lain build would write:\n%s", DockerfileName, dockerfile)
		_, err := b.Docker.Run(ctx, c)
		return err
	}
	buildCtx, files, err := WriteGenerated(ctx, r.Dir, dockerfile)
	if err != nil {
		return err
	}
	defer func() {
		if r.KeepDockerfile {
			fmt.Fprintf(b.ErrOut, "kept %s (--keep-dockerfile): delete them before the next lain build\n", relPaths(r.Dir, files.Paths()))
			files.Keep()
			return
		}
		if rmErr := files.Remove(); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	_, err = b.Docker.Run(buildCtx, c)
	if buildCtx.Err() != nil {
		return buildCtx.Err()
	}
	if e := b.Docker.DaemonUnreachable(err); e != nil {
		return e
	}
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		return &clierr.Error{Kind: clierr.ToolFailed, Msg: fmt.Sprintf("docker build of %s (stage %s) failed; docker's message is above", image, stage),
			Next: "lain build --keep-dockerfile   # keeps the generated Dockerfile to read or run by hand", Code: ee.Code, Err: err}
	}
	return err
}

func (b *Builder) warnBuildArgs(s *Spec) {
	getenv := b.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, a := range s.BuildArgs {
		if a.FromEnv && getenv(a.Name) == "" {
			fmt.Fprintf(b.ErrOut, "warning: build_args: %s is not set in your environment, so the build sees it empty\n", a.Name)
		}
	}
}

func relPaths(dir string, paths []string) string {
	out := ""
	for i, p := range paths {
		if rel, err := filepath.Rel(dir, p); err == nil {
			p = rel
		}
		if i > 0 {
			out += " and "
		}
		out += p
	}
	return out
}
