package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/runner"
)

// ImageEnv is what the image commands (build, prepare, push, run, save,
// image, compose, version) touch besides their own flags.
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
}

// fill takes everything from the factory, after flags are parsed.
func (e *ImageEnv) fill(f *cmdutil.Factory) error {
	e.IO, e.Runner, e.Getenv, e.Cluster = f.IO, f.Runner(), f.Getenv, f.CurrentCluster
	e.Values, e.RemoteDocker, e.DryRun = f.Globals.Values, f.Globals.RemoteDocker, f.Globals.DryRun
	if f.HTTPClient != nil {
		e.Transport = f.HTTPClient().Transport
	}
	dir, err := os.Getwd()
	e.Dir = dir
	return err
}

// appImage is an app on the current cluster, with its image's tag.
type appImage struct {
	app    *app.App
	cfg    *clusterconfig.Config
	files  []*app.ValuesFile
	values map[string]any // merged, as helm merges them
	tag    image.Tag
}

// loadApp loads the app in e.Dir, the current cluster's config, and the
// image tag of the app's commit.
func (e *ImageEnv) loadApp(ctx context.Context) (*appImage, error) {
	a, err := app.Load(e.Dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	cfg, err := e.Cluster(a.Dir)
	if err != nil {
		return nil, err
	}
	files, err := a.ValuesFiles(cfg.Cluster, e.Values)
	if err != nil {
		return nil, err
	}
	return &appImage{app: a, cfg: cfg, files: files, values: app.Merged(files), tag: image.CurrentTag(ctx, e.Runner, a.Dir)}, nil
}

// image is the app's image name for tag ("" for the commit's tag).
func (a *appImage) image(tag string) string {
	if tag == "" {
		tag = a.tag.Tag
	}
	return image.Name(a.cfg.Values.Registry, a.app.Name, tag)
}

// spec reads the build clauses, reporting problems as file:line: key:
// problem, like lain lint.
func (a *appImage) spec(getenv func(string) string) (*image.Spec, error) {
	var lines []string
	for _, p := range appvalues.Errors(appvalues.Check(applint.ValuesInput(a.app, a.files, a.cfg))) {
		if isBuildKey(p.Key) {
			lines = append(lines, p.String())
		}
	}
	if len(lines) > 0 {
		return nil, clierr.Usage(strings.Join(lines, "\n"), "fix the build clause, then try again (lain lint checks every key)")
	}
	s, err := image.ParseSpec(a.app.Name, a.values, getenv)
	var se *image.SpecError
	if errors.As(err, &se) {
		file, line := locate(a.files, se.Key)
		if err == image.ErrNoBuild {
			return nil, specUsage(file, line, se.Error(), "add to chart/values.yaml:  build: {base: <image, e.g. python:3.12-slim>, script: [<build commands>]}")
		}
		return nil, specUsage(file, line, se.Error(), "fix the build clause, then try again")
	}
	return s, err
}

// specUsage is a problem in the values, as file:line: key: problem.
func specUsage(file string, line int, problem, next string) error {
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

// locate finds the file and line that set key (a dotted path, [i] indexes
// ignored): the last file in merge order that has it; for a missing key,
// where its closest parent is; else the first file's line 1.
func locate(files []*app.ValuesFile, key string) (string, int) {
	path := strings.Split(key, ".")
	for i, p := range path {
		path[i], _, _ = strings.Cut(p, "[")
	}
	for ; len(path) > 0; path = path[:len(path)-1] {
		for i := len(files) - 1; i >= 0; i-- {
			if n := lookupPath(files[i].Root, path); n != nil {
				return files[i].Name, n.Line
			}
		}
	}
	return files[0].Name, 1
}

// lookupPath is the key node at path in a mapping, nil when absent.
func lookupPath(n *yaml.Node, path []string) *yaml.Node {
	var key *yaml.Node
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		key = nil
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == p {
				key, n = n.Content[j], n.Content[j+1]
				break
			}
		}
		if key == nil {
			return nil
		}
	}
	return key
}

// docker is the docker CLI on the current cluster's remote_docker with
// --remote-docker, else docker's own default daemon.
func (e *ImageEnv) docker(cfg *clusterconfig.Config) (image.Docker, error) {
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

// registry is the client for the current cluster's registry.
func (e *ImageEnv) registry(cfg *clusterconfig.Config) registry.Client {
	return registry.ForCluster(cfg.Values, registry.Options{Transport: e.Transport, Getenv: e.Getenv})
}

// ImageOptions are the inputs of `lain image`.
type ImageOptions struct{ ImageEnv }

// NewCmdImage builds `lain image`.
func NewCmdImage(f *cmdutil.Factory) *cobra.Command {
	o := &ImageOptions{}
	return &cobra.Command{
		Use:   "image",
		Short: "Print the app's image name for the current commit (for CI: $(lain image))",
		Long: `Print <registry>/<appname>:<tag> on stdout and nothing else: the image lain
build makes for the current commit on the current cluster, where tag is
git log -1 --pretty=format:%ct-%H (latest outside a git repository).
Scanners and scripts in CI take it as $(lain image).`,
		Example: `  lain image
  trivy image "$(lain image)"
  lain --use prod image`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.fill(f); err != nil {
				return err
			}
			return runImage(cmd.Context(), o)
		},
	}
}

func runImage(ctx context.Context, o *ImageOptions) error {
	a, err := o.loadApp(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.IO.Out, a.image(""))
	return nil
}

// cwd is the current directory, for completions ("" when unknown).
func cwd() string {
	d, _ := os.Getwd()
	return d
}

// imageTagLister lists the recent image tags of the app in the current
// directory on the current cluster, for Tab (lain template --set
// imageTag=..., and deploy's and job's tags). Completion bounds it in time.
func imageTagLister(f *cmdutil.Factory) completions.TagLister {
	return func(ctx context.Context) ([]string, error) {
		a, err := app.Load(cwd())
		if err != nil {
			return nil, err
		}
		cfg, err := f.CurrentCluster(a.Dir)
		if err != nil {
			return nil, err
		}
		var transport http.RoundTripper
		if f.HTTPClient != nil {
			transport = f.HTTPClient().Transport
		}
		c := registry.ForCluster(cfg.Values, registry.Options{Transport: transport, Getenv: f.Getenv})
		return registry.Recent(ctx, c, a.Name, 20)
	}
}
