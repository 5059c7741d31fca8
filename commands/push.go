package commands

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
)

// PushOptions are the inputs of `lain push`.
type PushOptions struct {
	cmdutil.ImageEnv

	Images          []string // images (or image tarballs) to push; none: the app's
	Pull            bool
	OverwriteLatest bool
	Registry        string // --registry; "" is the cluster's
}

// NewCmdPush builds `lain push`.
func NewCmdPush(f *cmdutil.Factory) *cobra.Command {
	o := &PushOptions{}
	cmd := &cobra.Command{
		Use:   "push [IMAGE|TARBALL]...",
		Short: "Push the app's image (or any image) to the cluster's registry",
		Long: `Without arguments, push the app's image for the current commit (lain build
makes it) to the current cluster's registry, and overwrite :latest with it.

With images, copy each to the registry as <registry>/<name>:<tag>, where name
is the last part of the image's repository: tag it, then push it (and as
:latest with --overwrite-latest). An argument that is a file is loaded with
docker load first (a tarball from lain save). --registry pushes elsewhere
than the cluster's registry.`,
		Example: `  lain push                                  # the app's image, and :latest
  lain push --registry registry.example.com/backup
  lain push busybox:1.36 --pull              # copy an image into the cluster's registry
  lain push hello_1732000000-abc.tar         # an image saved with lain save`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveDefault // tarballs
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Images = args
			return runPush(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Pull, "pull", false, "docker pull each image before pushing it")
	fl.BoolVar(&o.OverwriteLatest, "overwrite-latest", false, "also push each image as :latest (always done for the app's own image)")
	fl.StringVar(&o.Registry, "registry", "", "push to this `REGISTRY` (host/namespace) instead of the cluster's")
	return cmd
}

func runPush(ctx context.Context, o *PushOptions) error {
	// --registry gets the rule cluster values get: a registry host and an
	// optional path, so a typo cannot push to Docker Hub.
	if o.Registry != "" {
		if p := clusterconfig.RegistryProblem(o.Registry); p != "" {
			return clierr.Usage("--registry: "+p, "lain push --registry registry.example.com/backup")
		}
	}
	if len(o.Images) == 0 {
		return pushApp(ctx, o)
	}
	var cfg *clusterconfig.Config
	if o.Registry == "" || o.RemoteDocker {
		c, err := o.Cluster("")
		if err != nil {
			return err
		}
		cfg = c
	}
	reg := o.Registry
	if reg == "" {
		reg = cfg.Values.Registry
	}
	d, err := o.DockerOrLocal(cfg)
	if err != nil {
		return err
	}
	b := &image.Builder{Docker: d, ErrOut: o.IO.ErrOut, Getenv: o.Getenv}
	for _, img := range o.Images {
		if st, err := os.Stat(img); err == nil && !st.IsDir() {
			if img, err = dockerLoad(ctx, d, img); err != nil {
				return err
			}
		}
		if o.Pull {
			if err := d.Pull(ctx, img); err != nil {
				return err
			}
		}
		if err := b.Push(ctx, img, reg, o.OverwriteLatest); err != nil {
			return err
		}
		repo, tag := image.SplitName(img)
		fmt.Fprintf(o.IO.ErrOut, "pushed %s\n", image.Name(reg, filepath.Base(repo), tag))
	}
	return nil
}

// pushApp pushes the app's own image of the current commit, and :latest.
func pushApp(ctx context.Context, o *PushOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	d, err := o.Docker(a.Config)
	if err != nil {
		return err
	}
	img := a.Image("")
	if o.Pull {
		if err := d.Pull(ctx, img); err != nil {
			return err
		}
	} else if !o.DryRun && !d.Exists(ctx, img) {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("there is no image %s on this docker yet (the image of commit %s)", img, a.Tag.Tag),
			"lain build --push")
	}
	reg := o.Registry
	if reg == "" {
		reg = a.Config.Values.Registry
	}
	b := &image.Builder{Docker: d, ErrOut: o.IO.ErrOut, Getenv: o.Getenv}
	if err := b.Push(ctx, img, reg, a.Tag.Tag != image.LatestTag); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "pushed %s; deploy it with:\n lain deploy --set imageTag=%s\n", image.Name(reg, a.App.Name, a.Tag.Tag), a.Tag.Tag)
	return nil
}

// dockerLoad docker-loads a tarball and returns the image it held.
func dockerLoad(ctx context.Context, d image.Docker, tarball string) (string, error) {
	c := d.Cmd("load", "-i", tarball)
	c.Capture, c.Mutates = true, true
	res, err := d.Run(ctx, c)
	if err != nil || res.DryRun {
		return tarball, err
	}
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "Loaded image: "); ok {
			return name, nil
		}
	}
	return "", clierr.Of(clierr.ToolFailed, fmt.Sprintf("docker load -i %s loaded no named image (%s)", tarball, strings.TrimSpace(string(res.Stdout))),
		"docker tag IMAGE_ID NAME:TAG, then lain push NAME:TAG")
}
