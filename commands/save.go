package commands

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
)

// SaveOptions are the inputs of `lain save`.
type SaveOptions struct {
	cmdutil.ImageEnv
	// Clusters resolve --retag CLUSTER to that cluster's registry.
	Clusters clusterconfig.Source

	Images []string // none: the app's image
	Retag  string
	Pull   bool
	Force  bool
	OutDir string // "" is the current directory
}

// NewCmdSave builds `lain save`.
func NewCmdSave(f *cmdutil.Factory) *cobra.Command {
	o := &SaveOptions{}
	cmd := &cobra.Command{
		Use:   "save [IMAGE]...",
		Short: "Save the app's image (or any image) to a tarball for docker load",
		Long: `docker save the app's image for the current commit (or each IMAGE) to
<name>_<tag>.tar in the current directory (--dir elsewhere), and print the
file's path. docker load -i (or lain push) reads it back, e.g. on a machine
that cannot reach your registry.

--retag names the saved image differently: a cluster name (its registry,
same name and tag), REPOSITORY (same tag) or REPOSITORY:TAG. Note that -f
is lain's --values option on every command: overwrite with --force.`,
		Example: `  lain save                                   # ./hello_1732000000-abc.tar
  lain save --dir /backup --force
  lain save --retag prod                      # named for prod's registry
  lain save busybox:1.36 --pull --retag registry.example.com/mirror/busybox`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Clusters, o.Images = f.ClusterSource(), args
			return runSave(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Retag, "retag", "", "save it as `CLUSTER|REPOSITORY[:TAG]`")
	fl.BoolVar(&o.Pull, "pull", false, "docker pull the image first")
	fl.BoolVar(&o.Force, "force", false, "overwrite an existing tarball")
	fl.StringVar(&o.OutDir, "dir", "", "write the tarball into `DIR` (default: the current directory)")
	cmd.RegisterFlagCompletionFunc("retag", completions.Clusters(f.ClusterSource))
	cmdutil.ForceHint(cmd)
	return cmd
}

func runSave(ctx context.Context, o *SaveOptions) error {
	images, appName := o.Images, ""
	var cfg *clusterconfig.Config
	if len(images) == 0 {
		a, err := o.LoadApp(ctx)
		if err != nil {
			return err
		}
		images, appName, cfg = []string{a.Image("")}, a.App.Name, a.Config
	} else if o.RemoteDocker {
		c, err := o.Cluster("")
		if err != nil {
			return err
		}
		cfg = c
	}
	d, err := o.DockerOrLocal(cfg)
	if err != nil {
		return err
	}
	dir := o.OutDir
	if dir == "" {
		dir = o.Dir
	}
	for _, img := range images {
		if o.Pull {
			if err := d.Pull(ctx, img); err != nil {
				return err
			}
		} else if !o.DryRun && !d.Exists(ctx, img) {
			next := "lain save --pull   # to fetch it from the registry"
			if appName != "" {
				next = "lain build   # or lain save --pull, to fetch it from the registry"
			}
			return clierr.Of(clierr.NotFound, fmt.Sprintf("there is no image %s on this docker", img), next)
		}
		if o.Retag != "" {
			name, err := o.retagName(img)
			if err != nil {
				return err
			}
			if name != img {
				if err := d.Tag(ctx, img, name); err != nil {
					return err
				}
			}
			img = name
		}
		path, err := o.save(ctx, d, img, dir)
		if err != nil {
			return err
		}
		fmt.Fprintln(o.IO.Out, path)
	}
	return nil
}

// retagName is the name --retag gives img: a cluster's registry (same name
// and tag), a repository (same tag), or a full name.
func (o *SaveOptions) retagName(img string) (string, error) {
	repo, tag := image.SplitName(img)
	if names, _ := o.Clusters.Clusters(); contains(names, o.Retag) {
		cl, err := o.Clusters.Load(o.Retag)
		if err != nil {
			return "", err
		}
		return image.Name(cl.Values.Registry, filepath.Base(repo), tag), nil
	}
	if strings.Contains(o.Retag[strings.LastIndex(o.Retag, "/")+1:], ":") {
		return o.Retag, nil
	}
	return o.Retag + ":" + tag, nil
}

// save writes img to <dir>/<name>_<tag>.tar; a failed save leaves no file.
func (o *SaveOptions) save(ctx context.Context, d image.Docker, img, dir string) (string, error) {
	repo, tag := image.SplitName(img)
	path := filepath.Join(dir, filepath.Base(repo)+"_"+tag+".tar")
	_, err := os.Stat(path)
	switch {
	case err == nil && !o.Force:
		return "", clierr.Of(clierr.InvalidInput, path+" exists", "lain save --force   # to overwrite it")
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	c := d.Cmd("save", "-o", path, img)
	c.Mutates = true
	if _, err := d.Run(ctx, c); err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
