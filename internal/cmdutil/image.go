package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"github.com/lain-cli/lain/internal/render"
	"net/http"
	"os"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/runner"
)

// ImageEnv is what the image commands (build, prepare, push, run, save,
// image, compose, version, deploy, update-image) touch besides their own
// flags.
type ImageEnv struct {
	IO     *iostreams.IOStreams
	Runner runner.Runner
	Getenv func(string) string
	Dir    string // the app
	// Cluster loads the current cluster's config for the app in Dir.
	Cluster      func(appDir string) (*clusterconfig.Config, error)
	Values       []string // global -f files
	RemoteDocker bool     // --remote-docker
	DryRun       bool
	// Transport carries registry requests (nil: Go's default).
	Transport http.RoundTripper
	// RenderCache keeps helm template's renders; nil: always render.
	RenderCache *render.Cache
}

// RenderSource is where the deploy flows render the app's chart from.
func (e *ImageEnv) RenderSource() render.Source {
	return render.Source{Runner: e.Runner, Getenv: e.Getenv, Dir: e.Dir, Cluster: e.Cluster, Values: e.Values, Cache: e.RenderCache}
}

// Fill takes everything from the factory, after flags are parsed.
func (e *ImageEnv) Fill(f *Factory) error {
	e.IO, e.Runner, e.Getenv, e.Cluster = f.IO, f.Runner(), f.Getenv, f.CurrentCluster
	e.Values, e.RemoteDocker, e.DryRun = f.Globals.Values, f.Globals.RemoteDocker, f.Globals.DryRun
	e.RenderCache = render.NewCache(f.CacheDir(), f.Build.Version+" "+f.Build.Commit)
	if f.HTTPClient != nil {
		e.Transport = f.HTTPClient().Transport
	}
	dir, err := os.Getwd()
	e.Dir = dir
	return err
}

// AppImage is an app on the current cluster, with its image's tag.
type AppImage struct {
	App    *app.App
	Config *clusterconfig.Config
	Files  []*app.ValuesFile
	Values map[string]any // merged, as helm merges them
	Tag    image.Tag
}

// LoadApp loads the app in e.Dir, the current cluster's config, and the
// image tag of the app's commit.
func (e *ImageEnv) LoadApp(ctx context.Context) (*AppImage, error) {
	a, cfg, files, err := loadOnCluster(e.Dir, e.Cluster, e.Values)
	if err != nil {
		return nil, err
	}
	return &AppImage{App: a, Config: cfg, Files: files, Values: app.Merged(files), Tag: image.CurrentTag(ctx, e.Runner, a.Dir)}, nil
}

// Image is the app's image name for tag ("" for the commit's tag).
func (a *AppImage) Image(tag string) string {
	if tag == "" {
		tag = a.Tag.Tag
	}
	return image.Name(a.Config.Values.Registry, a.App.Name, tag)
}

// Spec reads the build clauses, reporting problems as file:line: key:
// problem, like lain lint.
func (a *AppImage) Spec(getenv func(string) string) (*image.Spec, error) {
	var lines []string
	for _, p := range appvalues.Errors(appvalues.Check(applint.ValuesInput(a.App, a.Files, a.Config))) {
		if isBuildKey(p.Key) {
			lines = append(lines, p.String())
		}
	}
	if len(lines) > 0 {
		return nil, clierr.Usage(strings.Join(lines, "\n"), "fix the build clause, then try again (lain lint checks every key)")
	}
	s, err := image.ParseSpec(a.App.Name, a.Values, getenv)
	var se *image.SpecError
	if errors.As(err, &se) {
		file, line := app.Locate(a.Files, se.Key)
		if err == image.ErrNoBuild {
			return nil, SpecUsage(file, line, se.Error(), "add to chart/values.yaml:  build: {base: <image, e.g. python:3.12-slim>, script: [<build commands>]}")
		}
		return nil, SpecUsage(file, line, se.Error(), "fix the build clause, then try again")
	}
	return s, err
}

// SpecUsage is a problem in the values, as file:line: key: problem.
func SpecUsage(file string, line int, problem, next string) error {
	return clierr.Usage(fmt.Sprintf("%s:%d: %s", file, line, problem), next)
}

func isBuildKey(key string) bool {
	for _, k := range []string{"build", "release", "build_args"} {
		if key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

// Docker is the docker CLI on the current cluster's remote_docker with
// --remote-docker, else docker's own default daemon.
func (e *ImageEnv) Docker(cfg *clusterconfig.Config) (image.Docker, error) {
	d := image.Docker{Runner: e.Runner}
	if e.RemoteDocker {
		host, err := image.RemoteHost(cfg.Cluster, cfg.Values.RemoteDocker)
		if err != nil {
			return d, err
		}
		d.Host = host
	}
	return d, nil
}

// DockerOrLocal is docker on remote_docker with --remote-docker (cfg is
// then loaded), else the local docker.
func (e *ImageEnv) DockerOrLocal(cfg *clusterconfig.Config) (image.Docker, error) {
	if cfg == nil {
		return image.Docker{Runner: e.Runner}, nil
	}
	return e.Docker(cfg)
}

// RegistryClient is the client for the current cluster's registry.
func (e *ImageEnv) RegistryClient(cfg *clusterconfig.Config) registry.Client {
	return registry.ForCluster(cfg.Values, registry.Options{Transport: e.Transport, Getenv: e.Getenv})
}

// Builder is the image builder for the app on its cluster.
func (e *ImageEnv) Builder(a *AppImage) (*image.Builder, error) {
	d, err := e.Docker(a.Config)
	if err != nil {
		return nil, err
	}
	return &image.Builder{Docker: d, ErrOut: e.IO.ErrOut, Getenv: e.Getenv, Registry: e.RegistryClient(a.Config), DryRun: e.DryRun}, nil
}
