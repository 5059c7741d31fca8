package update

import (
	"context"
	"fmt"

	"github.com/Masterminds/semver/v3"

	"github.com/lain-cli/lain/internal/clierr"
)

// Request is what `lain upgrade` was asked.
type Request struct {
	Check   bool   // only say whether a newer lain exists
	Version string // install this version instead of the newest
	Force   bool   // allow a downgrade, a reinstall, or replacing a dev build
}

const sourceNext = "export " + EnvURL + "=<your team's release URL> (docs/releases.md), then: lain upgrade"

// Upgrade is `lain upgrade`: check, upgrade to the newest or to a given
// version (downgrades only with Force), and print old -> new on stdout.
// It has no time limit (a slow link finishes), but gives up on a server
// that sends nothing for StallTimeout, saying so as it waits.
func Upgrade(ctx context.Context, o *Options, req Request) error {
	if o.Config.URL == "" {
		return &clierr.Error{Kind: clierr.Update, Msg: "this lain has no update source built in", Next: sourceNext}
	}
	o.chatty = true
	ctx, client, stop := o.watchdog(ctx, o.HTTPClient)
	defer stop()
	src, err := NewSource(o.Config.URL, client, o.Getenv)
	if err != nil {
		return &clierr.Error{Kind: clierr.Update, Msg: err.Error(), Next: sourceNext}
	}
	cur, curErr := ParseVersion(o.Version) // an error: a development build
	var want *semver.Version
	if req.Version != "" {
		if want, err = ParseVersion(req.Version); err != nil {
			return clierr.Usage(fmt.Sprintf("--version %q is not a version like 1.2.3", req.Version), "lain upgrade --check")
		}
		if curErr == nil && want.LessThan(cur) && !req.Force && !req.Check {
			return downgradeErr(want, o.Version)
		}
	}

	versions, err := src.Versions(ctx)
	if err != nil {
		return explain(withCause(ctx, err), src, o.Version, false)
	}
	newest := Newest(versions)
	prev := LoadState(o.CacheDir)
	st := State{CheckedAt: o.Now(), Source: o.Config.URL, Version: o.Version, NoticeAt: prev.NoticeAt, Partial: prev.Partial}
	if newest != nil {
		st.Latest = newest.Original()
	}
	o.saveState(st)

	if want != nil {
		if want = Find(versions, want); want == nil {
			e := &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("lain %s is not published at %s", req.Version, src)}
			if newest != nil {
				e.Msg += fmt.Sprintf(" (newest is %s)", newest)
				e.Next = "lain upgrade --version " + newest.String()
			}
			return e
		}
	} else if want = newest; want == nil {
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("no lain releases at %s yet", src), Next: "publish one: make release VERSION=x.y.z OUT=dir (docs/releases.md)"}
	}

	if req.Check {
		o.printCheck(cur, want, newest, req.Version != "")
		return nil
	}
	if !req.Force {
		switch {
		case curErr != nil:
			return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("lain %q is a development build; replacing it with release %s needs --force", o.Version, want),
				Next: "lain upgrade --force"}
		case want.Equal(cur):
			fmt.Fprintf(o.IO.Out, "lain %s is already installed\n", o.Version)
			o.unpin()
			return nil
		case want.LessThan(cur) && req.Version == "":
			fmt.Fprintf(o.IO.Out, "lain %s is newer than the newest release (%s); nothing to do\n", o.Version, want)
			return nil
		case want.LessThan(cur):
			return downgradeErr(want, o.Version)
		}
	}

	if o.DryRun {
		fmt.Fprintf(o.IO.Out, "would upgrade lain %s -> %s from %s (--dry-run: nothing replaced)\n", o.Version, want, src)
		return nil
	}
	tty := o.IO.IsStderrTTY() && !o.IO.IsCI()
	fmt.Fprintf(o.IO.ErrOut, "Upgrading lain %s -> %s from %s\n", o.Version, want, src)
	target, err := o.install(ctx, src, want, tty)
	if err != nil {
		if pe, ok := asPartial(err); ok {
			st.Partial = pe.Version
			o.saveState(st)
		}
		return explain(withCause(ctx, err), src, o.Version, false)
	}
	st.Version, st.Partial = want.Original(), ""
	o.saveState(st)
	if curErr == nil && want.LessThan(cur) {
		// A deliberate downgrade: launches must not undo it.
		if err := SavePin(o.ConfigDir, want.Original()); err != nil {
			fmt.Fprintf(o.IO.ErrOut, "lain: could not pin %s (%v): the next launch may upgrade it again; LAIN_NO_UPDATE=1 prevents that\n", want, err)
		}
	} else {
		o.unpin()
	}
	fmt.Fprintf(o.IO.Out, "lain %s -> %s (%s; the previous one is kept as %s: lain upgrade --rollback)\n", o.Version, want, target.Path, target.OldPath())
	return nil
}

// printCheck answers --check: about the newest release, or about the
// version asked for with --version (which may be older than this lain).
func (o *Options) printCheck(cur, want, newest *semver.Version, asked bool) {
	w := o.IO.Out
	switch {
	case cur == nil:
		fmt.Fprintf(w, "lain %s is a development build; the newest release is %s\n", o.Version, want)
	case asked && want.LessThan(cur):
		fmt.Fprintf(w, "lain %s is published; it is older than this lain (%s); to go back to it: lain upgrade --version %s --force\n", want, o.Version, want)
	case asked && want.Equal(cur):
		fmt.Fprintf(w, "lain %s is this lain\n", o.Version)
	case asked:
		fmt.Fprintf(w, "lain %s is published (you have %s); to install it: lain upgrade --version %s\n", want, o.Version, want)
	case want.GreaterThan(cur):
		fmt.Fprintf(w, "lain %s is available (you have %s); to upgrade: lain upgrade\n", want, o.Version)
	default:
		fmt.Fprintf(w, "lain %s is up to date (newest release: %s)\n", o.Version, want)
	}
}

func (o *Options) unpin() {
	if err := SavePin(o.ConfigDir, ""); err != nil {
		o.verbosef("could not remove the pin: %v", err)
	}
}

func downgradeErr(want *semver.Version, current string) error {
	return &clierr.Error{Kind: clierr.Update,
		Msg:  fmt.Sprintf("lain %s is older than this lain (%s); lain does not downgrade unless told to", want, current),
		Next: fmt.Sprintf("lain upgrade --version %s --force", want),
	}
}

// withCause replaces a bare "context canceled" by why the watchdog
// cancelled (a stalled server).
func withCause(ctx context.Context, err error) error {
	if c := context.Cause(ctx); c != nil && c != ctx.Err() {
		if pe, ok := asPartial(err); ok {
			pe.Err = c
			return pe
		}
		return c
	}
	return err
}
