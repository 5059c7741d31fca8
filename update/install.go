package update

import (
	"context"
	"fmt"

	"github.com/Masterminds/semver/v3"
)

// install replaces the running binary with release v: checks that it may
// (package manager, write access) before any download, verifies the
// checksums file and its signature, takes the lock, and swaps. Under the
// lock it first looks whether another lain already installed exactly this
// binary, so two launches at once download and swap once.
func (o *Options) install(ctx context.Context, src *Source, v *semver.Version, tty bool) (*Target, error) {
	exe, err := o.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the lain binary: %w", err)
	}
	target, err := FindTarget(exe)
	if err != nil {
		return nil, err
	}
	if err := target.CheckWritable(o.sudoEnv()); err != nil {
		return nil, err
	}
	rel, err := src.FetchRelease(ctx, v, AssetName(o.GOOS, o.GOARCH), o.Config.PublicKey)
	if err != nil {
		return nil, err
	}
	if !rel.Signed {
		fmt.Fprintln(o.IO.ErrOut, "lain: signatures are off: this lain has no release public key built in, so only checksums are verified (docs/releases.md)")
	}
	unlock, err := Lock(ctx, o.CacheDir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if target.Has(rel.SHA256) {
		o.verbosef("%s is already lain %s", target.Path, v)
		return target, nil
	}
	var progress Progress
	if tty {
		progress = &Bar{W: o.IO.ErrOut, Label: "  lain " + v.String(), Now: o.Now}
	}
	bin, err := src.Download(ctx, rel, progress)
	if err != nil {
		return nil, err
	}
	if err := target.Replace(bin, rel.SHA256); err != nil {
		return nil, err
	}
	return target, nil
}
