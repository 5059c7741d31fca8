package update

import (
	"context"
	"fmt"
	"os"

	"github.com/lain-cli/lain/internal/clierr"
)

// Rollback is `lain upgrade --rollback`: the binary the last upgrade
// replaced (kept as lain.old beside lain) goes back in place after a trial
// run, and the current one becomes lain.old (a second rollback undoes the
// first). Going back to an older version pins it, like a --force
// downgrade. It needs no network.
func Rollback(ctx context.Context, o *Options) error {
	exe, err := o.Executable()
	if err != nil {
		return fmt.Errorf("finding the lain binary: %w", err)
	}
	target, err := FindTarget(exe)
	if err != nil {
		return err
	}
	old := target.OldPath()
	if _, err := os.Stat(old); err != nil {
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("no earlier lain to go back to: %s does not exist (it is kept by an upgrade)", old),
			Next: "lain upgrade --version <version> --force   (installs any published version)"}
	}
	if err := target.CheckWritable(o.sudoEnv()); err != nil {
		return err
	}
	unlock, err := LockBinary(ctx, target.Path, func() {
		fmt.Fprintf(o.IO.ErrOut, "lain: waiting for another lain that is upgrading %s\n", target.Path)
	})
	if err != nil {
		return err
	}
	defer unlock()
	version, err := trialRun(ctx, old)
	if err != nil {
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("not going back to %s: it does not run here (%v)", old, err),
			Next: "lain upgrade --version <version> --force   (installs any published version)"}
	}
	if o.DryRun {
		fmt.Fprintf(o.IO.Out, "would put lain %s (%s) back in place of lain %s (--dry-run: nothing replaced)\n", version, old, o.Version)
		return nil
	}
	if err := target.swapBack(); err != nil {
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("going back to %s failed: %v", old, err), Next: "lain upgrade --rollback -v"}
	}
	pin := ""
	if back, err := ParseVersion(version); err == nil {
		if cur, err := ParseVersion(o.Version); err == nil && back.LessThan(cur) {
			pin = back.Original() // launches must not upgrade it away again
		}
	}
	if err := SavePin(o.ConfigDir, pin); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "lain: could not save the pin (%v): the next launch may upgrade lain again; LAIN_NO_UPDATE=1 prevents that\n", err)
	}
	fmt.Fprintf(o.IO.Out, "lain %s -> %s (%s; lain %s is kept as %s)\n", o.Version, version, target.Path, o.Version, old)
	if pin != "" {
		fmt.Fprintf(o.IO.Out, "lain stays on %s until you run: lain upgrade\n", pin)
	}
	return nil
}
