package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
)

// ComposeFile is what lain compose writes, in the app's directory.
const ComposeFile = "docker-compose.yaml"

// ComposeOptions are the inputs of `lain compose`.
type ComposeOptions struct {
	cmdutil.ImageEnv
	Now func() time.Time

	Force bool
}

// NewCmdCompose builds `lain compose`.
func NewCmdCompose(f *cmdutil.Factory) *cobra.Command {
	o := &ComposeOptions{}
	cmd := &cobra.Command{
		Use:   "compose",
		Short: "Write a docker-compose.yaml to develop the app locally",
		Long: `Write docker-compose.yaml with a service for each deployment and statefulSet
of chart/values.yaml: its image (:latest, which lain push overwrites, unless
the proc pins image or imageTag), command, env, workingDir, port, and your
working copy mounted over the app's directory. It is a start: add the
databases the app needs (commented examples are at the end), then run
docker compose up.

An existing docker-compose.yaml is kept unless --force, which saves it as
docker-compose.yaml.backup-TIME first. (-f is lain's --values option.)`,
		Example: `  lain compose && docker compose up
  lain compose --force`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Now = f.Now
			return runCompose(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace an existing docker-compose.yaml (keeping a backup)")
	cmdutil.ForceHint(cmd)
	return cmd
}

func runCompose(ctx context.Context, o *ComposeOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	doc, n, err := composeFile(a)
	if err != nil {
		return err
	}
	if n == 0 {
		return clierr.Of(clierr.InvalidInput, "chart/values.yaml has no deployments or statefulSets: nothing to run with docker compose", "lain run   # runs the image once")
	}
	p := filepath.Join(a.App.Dir, ComposeFile)
	old, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !o.Force:
		return clierr.Of(clierr.InvalidInput, ComposeFile+" exists; lain compose does not overwrite it",
			"lain compose --force   # keeps the old one as "+ComposeFile+".backup-TIME")
	default:
		backup := p + ".backup-" + o.Now().Format("20060102-150405")
		if err := chart.WriteAtomic(backup, old, 0o644); err != nil {
			return fmt.Errorf("keeping a backup of %s: %w", p, err)
		}
		fmt.Fprintf(o.IO.ErrOut, "kept the old %s as %s\n", ComposeFile, filepath.Base(backup))
	}
	if err := chart.WriteAtomic(p, doc, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "wrote %s with %d service(s): review it, add the databases your app needs, then: docker compose up\n", ComposeFile, n)
	return nil
}

// composeFile renders docker-compose.yaml for the app's long-running procs
// and returns it with the number of services.
func composeFile(a *cmdutil.AppImage) ([]byte, int, error) {
	services := &yaml.Node{Kind: yaml.MappingNode}
	n := 0
	for _, kind := range []string{"deployments", "statefulSets"} {
		procs, _ := a.Values[kind].(map[string]any)
		names := make([]string, 0, len(procs))
		for name := range procs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			svc, err := composeService(a, name)
			if err != nil {
				return nil, 0, err
			}
			services.Content = append(services.Content, scalarNode(name), svc)
			n++
		}
	}
	services.FootComment = `depends_on: [redis, mysql] in a service starts these first:
redis:
  image: redis:7
mysql:
  image: mysql:8
  command: --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
  environment:
    MYSQL_ROOT_PASSWORD: root
    MYSQL_DATABASE: ` + a.App.Name
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{scalarNode("services"), services}}
	root.HeadComment = fmt.Sprintf(`docker-compose.yaml for developing %s locally, written by lain compose from
chart/values.yaml. Review it: add what the app needs to run (databases, the
env you keep in lain env), then: docker compose up
Reference: https://github.com/compose-spec/compose-spec/blob/main/spec.md`, a.App.Name)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), n, enc.Close()
}

// composeService is one proc as a compose service.
func composeService(a *cmdutil.AppImage, proc string) (*yaml.Node, error) {
	spec, err := image.ProcSpec(a.Values, proc)
	if err != nil {
		return nil, err
	}
	svc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) { svc.Content = append(svc.Content, scalarNode(key), v) }
	switch {
	case image.Scalar(spec["image"]) != "":
		add("image", scalarNode(image.Scalar(spec["image"])))
	case image.Scalar(spec["imageTag"]) != "":
		add("image", scalarNode(a.Image(image.Scalar(spec["imageTag"]))))
	default:
		img := scalarNode(a.Image(image.LatestTag))
		img.LineComment = "lain push overwrites :latest with every push"
		add("image", img)
		add("pull_policy", scalarNode("always"))
	}
	if cmd := image.StringList(spec["command"]); len(cmd) > 0 {
		add("command", listNode(cmd))
	}
	appDir := image.AppWorkdir(a.Values)
	workdir := appDir
	if w := image.Scalar(spec["workingDir"]); w != "" {
		workdir = w
	}
	add("working_dir", scalarNode(workdir))
	vol := listNode([]string{".:" + appDir})
	vol.HeadComment = "your working copy, so code changes need no rebuild (remove to run the image as built)"
	add("volumes", vol)
	env := map[string]string{}
	image.AddEnv(env, a.Values["env"])
	image.AddEnv(env, spec["env"])
	if len(env) > 0 {
		m := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m.Content = append(m.Content, scalarNode(k), &yaml.Node{Kind: yaml.ScalarNode, Value: env[k], Style: yaml.DoubleQuotedStyle})
		}
		add("environment", m)
	}
	if port := image.Scalar(spec["containerPort"]); port != "" {
		if _, err := strconv.Atoi(port); err == nil {
			add("ports", listNode([]string{port + ":" + port}))
		}
	}
	return svc, nil
}

func scalarNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

func listNode(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, it := range items {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: it, Style: yaml.DoubleQuotedStyle})
	}
	return n
}
