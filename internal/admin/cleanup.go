package admin

import (
	"context"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/lain-cli/lain/internal/registry"
)

// InUse are the images pods run, on one registry: repository:tag and
// digests (for images named by digest).
type InUse struct {
	Tags    map[string]bool // "lain/shop:1700-abc"
	Digests map[string]bool // "sha256:..."
}

// ImagesInUse are the images of pods on the registry host (images of other
// registries are not this registry's business).
func ImagesInUse(pods []Pod, host string) InUse {
	u := InUse{Tags: map[string]bool{}, Digests: map[string]bool{}}
	for _, p := range pods {
		for _, img := range p.Images {
			ref, err := name.ParseReference(img)
			if err != nil || ref.Context().RegistryStr() != host {
				continue
			}
			switch r := ref.(type) {
			case name.Tag:
				u.Tags[r.RepositoryStr()+":"+r.TagStr()] = true
			case name.Digest:
				u.Digests[r.DigestStr()] = true
			}
		}
	}
	return u
}

// Never reports the tags cleanup never deletes: prepare and latest
// (prepare-* are left out by registry.SortRecent already).
func Never(tag string) bool { return tag == "prepare" || tag == "latest" }

// OldTags are the tags of repo that cleanup may delete: not among the
// newest keep (registry.SortRecent's order: lain's <commit time>-<hash>
// tags newest first), not prepare (or prepare-*) nor latest, not run by a
// pod. The others are kept.
func OldTags(repo string, tags []string, keep int, inUse InUse) (old, kept []string) {
	ordered := registry.SortRecent(tags, 0) // leaves prepare and prepare-* out
	isOld := map[string]bool{}
	for i, t := range ordered {
		if i >= keep && !Never(t) && !inUse.Tags[repo+":"+t] {
			isOld[t] = true
		}
	}
	for _, t := range tags {
		if isOld[t] {
			old = append(old, t)
		} else {
			kept = append(kept, t)
		}
	}
	return registry.SortRecent(old, 0), kept
}

// ListOrder is how list-images shows a repository's tags: lain's builds
// newest first, then other tags by name, then prepare images.
func ListOrder(tags []string) []string {
	out := registry.SortRecent(tags, 0)
	var prep []string
	for _, t := range tags {
		if t == "prepare" || strings.HasPrefix(t, "prepare-") {
			prep = append(prep, t)
		}
	}
	sort.Strings(prep)
	return append(out, prep...)
}

// Deletion is one image to delete: its digest, and the tags naming it.
type Deletion struct {
	Repo, Digest string
	Tags         []string
}

// digester reads the digest a tag names.
type digester interface {
	Digest(ctx context.Context, repo, tag string) (string, error)
}

// PlanDeletions groups old tags by the image they name, one deletion per
// image. Deleting an image deletes every tag naming it, so an old tag whose
// image a kept tag (or a pod, by digest) also names is not deleted: it is
// returned in shared.
func PlanDeletions(ctx context.Context, r digester, repo string, old, kept []string, inUse InUse) (dels []Deletion, shared []string, err error) {
	keep := map[string]bool{}
	for d := range inUse.Digests {
		keep[d] = true
	}
	for _, t := range kept {
		d, err := r.Digest(ctx, repo, t)
		if err != nil {
			return nil, nil, err
		}
		keep[d] = true
	}
	index := map[string]int{}
	for _, t := range old {
		d, err := r.Digest(ctx, repo, t)
		if err != nil {
			return nil, nil, err
		}
		if keep[d] || d == "" {
			shared = append(shared, t)
			continue
		}
		if i, ok := index[d]; ok {
			dels[i].Tags = append(dels[i].Tags, t)
			continue
		}
		index[d] = len(dels)
		dels = append(dels, Deletion{Repo: repo, Digest: d, Tags: []string{t}})
	}
	return dels, shared, nil
}
