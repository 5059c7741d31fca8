package update

import (
	"context"
	"errors"
	"fmt"

	"github.com/Masterminds/semver/v3"

	"github.com/lain-cli/lain/internal/clierr"
)

// Launch is the check before every command (the caller has already skipped
// completion, help, --version, upgrade, LAIN_NO_UPDATE and --ignore-lint).
//
// With a fresh cache it reads one small file and at most prints a notice:
// no network, no goroutine. Otherwise it asks the source (LaunchBudget in
// all). A newer release within the skew gets a notice at most once a day;
// one beyond it is installed now and the same command line re-executed
// with it. Nothing that goes wrong here stops the command: network trouble
// is silent (except with -v), and a release that does not verify, a
// binary lain may not replace, or a package-manager install is explained
// once per check and the command runs on the current binary.
//
// It returns nil to go on with the command, or the exit of the re-executed
// lain on Windows (*ExitError). On Unix a successful upgrade never returns.
func Launch(ctx context.Context, o *Options) error {
	if o.Config.URL == "" {
		return nil // a build with no update source
	}
	if from, ok := o.upgradedFrom(); ok {
		// The one line an upgrade prints off a terminal, from the new binary
		// itself: proof that the command now runs on it.
		fmt.Fprintf(o.IO.ErrOut, "lain: upgraded %s -> %s\n", from, o.Version)
		return nil
	}
	cur, err := ParseVersion(o.Version)
	if err != nil {
		o.verbosef("no update check: %q is a development build", o.Version)
		return nil
	}
	now := o.Now()
	prev := LoadState(o.CacheDir)
	if prev.Fresh(now, o.Config.URL, o.Version, CheckInterval) {
		o.notice(&prev, cur, false)
		return nil
	}

	ctx, cancel := context.WithTimeout(ctx, LaunchBudget)
	defer cancel()
	st := State{CheckedAt: now, Source: o.Config.URL, Version: o.Version, NoticeAt: prev.NoticeAt, Pinned: prev.Pinned}
	src, err := NewSource(o.Config.URL, o.HTTPClient, o.Getenv)
	if err != nil {
		st.Error = err.Error()
		o.saveState(st)
		o.verbosef("update check skipped: %v", err)
		return nil
	}
	versions, err := src.Versions(ctx)
	if err != nil {
		// Recorded, so that a source that is down costs one budget per
		// interval, not one per command.
		st.Error = err.Error()
		o.saveState(st)
		o.verbosef("update check failed: %v (next check in %s; %s=1 turns it off)", err, CheckInterval, EnvNoUpdate)
		return nil
	}
	newest := Newest(versions)
	if newest == nil || !newest.GreaterThan(cur) {
		if newest != nil {
			st.Latest = newest.Original()
		}
		o.saveState(st)
		o.verbosef("lain %s is up to date (checked %s)", o.Version, src)
		return nil
	}
	st.Latest = newest.Original()
	if WithinSkew(cur, newest) || st.Pinned == o.Version || o.DryRun {
		o.notice(&st, cur, true)
		return nil
	}

	// Too far behind: upgrade now. The check is saved first so that, if
	// this fails, the next commands do not try again until the interval.
	o.saveState(st)
	tty := o.IO.IsStderrTTY() && !o.IO.IsCI()
	if tty {
		fmt.Fprintf(o.IO.ErrOut, "lain %s is too far behind the newest release, %s; upgrading now\n", o.Version, newest)
	}
	target, err := o.install(ctx, src, newest, tty)
	if err != nil {
		st.Error = err.Error()
		if e := explain(err, src, o.Version, true); e != nil {
			fmt.Fprint(o.IO.ErrOut, clierr.Format(e))
			fmt.Fprintf(o.IO.ErrOut, "lain: running this command with lain %s\n", o.Version)
			st.NoticeAt = now // that was today's notice
		} else {
			// Silent now; the next commands' daily notice points to
			// `lain upgrade`, which has no time limit (a slow link).
			o.verbosef("upgrade to %s failed: %v", newest, err)
		}
		o.saveState(st)
		return nil
	}
	st.Version, st.Error = newest.Original(), ""
	o.saveState(st)
	return o.reexec(target.Path, newest)
}

// notice prints "a newer lain is available" at most once per
// NoticeInterval and saves st (always, when save is set).
func (o *Options) notice(st *State, cur *semver.Version, save bool) {
	latest, err := ParseVersion(st.Latest)
	now := o.Now()
	since := now.Sub(st.NoticeAt) // negative: the clock went back
	due := err == nil && latest.GreaterThan(cur) && (since >= NoticeInterval || since < 0)
	if due {
		fmt.Fprintf(o.IO.ErrOut, "lain: lain %s is available (you have %s); to upgrade: lain upgrade\n", latest, o.Version)
		st.NoticeAt = now
	}
	if due || save {
		o.saveState(*st)
	}
}

// reexec runs the same command line with the new binary.
func (o *Options) reexec(path string, v *semver.Version) error {
	err := o.Exec(path, o.Args, o.reexecEnv())
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "lain: upgraded to %s but could not start it (%v); this run uses lain %s\n", v, err, o.Version)
	return nil
}
