package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/registry"
)

// AdminRegistryOptions are the inputs of list-images and cleanup-registry.
type AdminRegistryOptions struct {
	AdminOptions
	Keep int // cleanup-registry --keep
}

func newCmdAdminListImages(f *cmdutil.Factory) *cobra.Command {
	o := &AdminRegistryOptions{}
	return &cobra.Command{
		Use:   "list-images",
		Short: "Every repository and tag in the cluster's registry",
		Long: `List every image (repository:tag) under the cluster values' registry,
newest lain builds first in each repository. Uses the registry's HTTP API
with your docker login.`,
		Example:           `  lain admin list-images | grep :prepare`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			return runAdminListImages(cmd.Context(), o)
		},
	}
}

func newCmdAdminCleanupRegistry(f *cmdutil.Factory) *cobra.Command {
	o := &AdminRegistryOptions{}
	cmd := &cobra.Command{
		Use:   "cleanup-registry",
		Short: "Delete old image tags from the cluster's registry, keeping the newest and the running ones",
		Long: `For each repository under the cluster values' registry, delete the tags
older than the newest N (lain's <commit time>-<hash> tags, newest first),
except prepare and latest, the tags any pod of the cluster runs, and tags
that share their image with a kept one (deleting an image deletes every tag
naming it). Through the registry's HTTP API (DELETE of the manifest); the
registry must allow deletes, and its garbage collection frees the space.
With registry_type: harbor, repositories are listed with Harbor's API
(harbor_token, else your docker login), and deleted the same way.
Asks first on a terminal; --yes skips that, --dry-run only prints.`,
		Example: `  lain admin cleanup-registry --dry-run
  lain admin cleanup-registry --keep 10 --yes`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			if o.Keep < 0 {
				return clierr.Usage("--keep must be 0 or more", "lain admin cleanup-registry --keep 20")
			}
			return runAdminCleanupRegistry(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Keep, "keep", 20, "keep the newest `N` tags of each repository")
	addYesFlag(cmd, &o.AdminOptions)
	return cmd
}

// registry is the cluster's registry, for the v2 API.
func (o *AdminRegistryOptions) registry() (admin.Registry, error) {
	cfg, err := o.Cluster("")
	if err != nil {
		return admin.Registry{}, err
	}
	v := cfg.Values
	var t http.RoundTripper
	if o.HTTP != nil {
		t = o.HTTP.Transport
	}
	r := admin.Registry{Prefix: v.Registry, Transport: t, Getenv: o.Getenv}
	if v.RegistryType == registry.TypeHarbor {
		r.Harbor, r.HarborToken = true, v.HarborToken
	}
	return r, nil
}

func registryFailed(r admin.Registry, what string, err error) error {
	var te *transport.Error
	next := "docker login " + strings.Split(r.Prefix, "/")[0] + "   # then run it again"
	var ne net.Error
	switch {
	case errors.As(err, &te) && (te.StatusCode == http.StatusMethodNotAllowed || hasCode(te, transport.UnsupportedErrorCode)):
		next = "enable deletes in the registry (Distribution: storage: delete: enabled: true, or REGISTRY_STORAGE_DELETE_ENABLED=true), restart it, then run this again"
	case errors.As(err, &ne):
		next = "check that the registry is up and reachable from here, and the cluster values' registry (lain doctor shows the cluster values in use)"
	}
	return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s on %s failed: %v", what, r.Prefix, err), Next: next, Err: err}
}

func hasCode(te *transport.Error, code transport.ErrorCode) bool {
	for _, d := range te.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}

func runAdminListImages(ctx context.Context, o *AdminRegistryOptions) error {
	r, err := o.registry()
	if err != nil {
		return err
	}
	repos, err := r.Repositories(ctx)
	if err != nil {
		return registryFailed(r, "listing the repositories", err)
	}
	host := strings.Split(r.Prefix, "/")[0]
	for _, repo := range repos {
		tags, err := r.Tags(ctx, repo)
		if err != nil {
			return registryFailed(r, "listing the tags of "+repo, err)
		}
		for _, t := range admin.ListOrder(tags) {
			fmt.Fprintf(o.IO.Out, "%s/%s:%s\n", host, repo, t)
		}
	}
	return nil
}

func runAdminCleanupRegistry(ctx context.Context, o *AdminRegistryOptions) error {
	r, err := o.registry()
	if err != nil {
		return err
	}
	pods, err := o.kubectl().Pods(ctx, true)
	if err != nil {
		return err // without every pod, lain cannot tell which tags run
	}
	inUse := admin.ImagesInUse(pods, strings.Split(r.Prefix, "/")[0])
	repos, err := r.Repositories(ctx)
	if err != nil {
		return registryFailed(r, "listing the repositories", err)
	}
	var plan []admin.Deletion
	for _, repo := range repos {
		tags, err := r.Tags(ctx, repo)
		if err != nil {
			return registryFailed(r, "listing the tags of "+repo, err)
		}
		old, kept := admin.OldTags(repo, tags, o.Keep, inUse)
		if len(old) == 0 {
			continue
		}
		dels, shared, err := admin.PlanDeletions(ctx, r, repo, old, kept, inUse)
		if err != nil {
			return registryFailed(r, "reading the digests of "+repo, err)
		}
		for _, s := range shared {
			fmt.Fprintf(o.IO.ErrOut, "%s:%s kept: it is the same image as a tag that is kept\n", repo, s)
		}
		plan = append(plan, dels...)
	}
	if len(plan) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "nothing to delete: beyond the newest %d of each repository, every tag runs, is prepare/latest, or is the same image as a kept one\n", o.Keep)
		return nil
	}
	var names []string
	for _, d := range plan {
		names = append(names, d.Repo+":"+strings.Join(d.Tags, ","))
	}
	fmt.Fprintf(o.IO.ErrOut, "to delete: %s\n", strings.Join(names, " "))
	if err := o.confirm(fmt.Sprintf("Delete these %d images from %s?", len(plan), r.Prefix), "delete "+fmt.Sprint(len(plan))+" images from "+r.Prefix); err != nil {
		return err
	}
	for _, d := range plan {
		line := fmt.Sprintf("$ curl -X DELETE %s   # %s:%s", r.DeleteURL(d.Repo, d.Digest), d.Repo, strings.Join(d.Tags, ","))
		if o.DryRun {
			fmt.Fprintln(o.IO.ErrOut, line+"  # dry run: not run")
			continue
		}
		fmt.Fprintln(o.IO.ErrOut, line)
		if err := r.Delete(ctx, d.Repo, d.Digest); err != nil {
			return registryFailed(r, "deleting "+d.Repo+":"+strings.Join(d.Tags, ","), err)
		}
	}
	return nil
}
