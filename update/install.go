package update

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/Masterminds/semver/v3"
)

// install replaces the running binary with release v: checks that it may
// (package manager, write access) before any download, verifies the
// checksums file and its signature, and takes the lock beside the binary.
// Under the lock it first looks whether another lain already installed
// exactly this binary (two launches at once download and swap once), then
// streams the binary into the staging file (resuming one an earlier lain
// left), trial-runs it, and swaps it in, keeping the old one as lain.old.
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
	unlock, err := LockBinary(ctx, target.Path, func() {
		o.progressf("waiting for another lain that is upgrading %s", target.Path)
	})
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Swept first: a lain killed mid-swap leaves its private names
	// behind, and the next one under the lock removes them even when it
	// finds the upgrade already done.
	stage := target.StagePath(rel)
	target.removeStale(stage)
	if target.Has(rel.SHA256) {
		o.verbosef("%s is already lain %s", target.Path, v)
		return target, nil
	}
	if fi, err := os.Stat(stage); err == nil && fi.Size() > 0 {
		o.progressf("resuming the download of lain %s after %s", v, megabytes(fi.Size()))
	}
	var progress Progress
	if tty {
		progress = &Bar{W: o.IO.ErrOut, Label: "  lain " + v.String(), Now: o.Now}
	}
	if err := src.Download(ctx, rel, stage, progress); err != nil {
		var pe *PartialError
		if !errors.As(err, &pe) {
			_ = os.Remove(stage) // refused, or nothing arrived
		}
		return nil, err
	}
	// From here on the file is this process's alone (a unique name): if
	// it is killed during the trial run, the orphaned trial still runs the
	// file, and the next lain must not find it under the resumable name.
	ready := target.ReadyPath(stage)
	if err := os.Rename(stage, ready); err != nil {
		return nil, err
	}
	if err := os.Chmod(ready, target.Mode|0o700); err != nil { // runnable for the trial
		_ = os.Remove(ready)
		return nil, err
	}
	if err := checkRuns(ctx, ready, rel, src.String()); err != nil {
		_ = os.Remove(ready)
		return nil, err
	}
	if err := target.Install(ready); err != nil {
		_ = os.Remove(ready)
		return nil, err
	}
	return target, nil
}
