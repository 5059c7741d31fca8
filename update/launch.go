package update

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/lain-cli/lain/internal/clierr"
)

// Launch is the check before every command (the caller has already skipped
// completion, help, --version, upgrade, LAIN_NO_UPDATE and --ignore-lint).
//
// With a fresh cache it reads one small file and at most prints a notice:
// no network, no goroutine (unless a forced upgrade's download is half
// done: then it continues it). Otherwise it asks the source (LaunchBudget
// for the whole launch). A newer release within the skew gets a notice at
// most once a day; one beyond it is installed now and the same command
// line re-executed with it. Nothing that goes wrong here stops the
// command, but when a forced upgrade does not happen, one line says why
// the command runs on this lain; network trouble while merely checking
// is silent (except with -v).
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
	o.chatty = o.IO.IsStderrTTY() && !o.IO.IsCI()
	now := o.Now()
	prev := LoadState(o.CacheDir)
	if prev.Fresh(now, o.Config.URL, o.Version, CheckInterval) {
		latest, _ := ParseVersion(prev.Latest)
		forced := latest != nil && o.mustUpgrade(cur, latest)
		if !forced || prev.Partial != latest.Original() {
			o.verbosef("update check skipped: the last one (%s ago, newest release %s) is fresh for %s (cache: %s; delete it to check now)",
				now.Sub(prev.CheckedAt).Round(time.Second), orNone(prev.Latest), CheckInterval, filepath.Join(o.CacheDir, StateFile))
			if forced && prev.Error != "" && !o.replacedMeanwhile() {
				// The upgrade this lain needs failed at the last check (and
				// was explained then); it is not retried before the next
				// one, but the command still says why it runs on this lain.
				o.verbosef("the last upgrade attempt: %s", prev.Error)
				fmt.Fprintf(o.IO.ErrOut, "lain: running this command with lain %s: it is too far behind %s, and upgrading failed %s ago (to retry now: lain upgrade)\n",
					o.Version, latest, now.Sub(prev.CheckedAt).Round(time.Minute))
				return nil
			}
			o.notice(&prev, cur, false)
			return nil
		}
		// A forced upgrade whose download is half done: go on with it.
		ctx, cancel := context.WithTimeout(ctx, LaunchBudget)
		defer cancel()
		src, err := NewSource(o.Config.URL, o.HTTPClient, o.Getenv)
		if err != nil {
			return nil
		}
		return o.forceUpgrade(ctx, src, prev, latest)
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
	if prev.Partial == st.Latest {
		st.Partial = prev.Partial
	}
	if !o.mustUpgrade(cur, newest) {
		o.notice(&st, cur, true)
		return nil
	}
	if o.DryRun {
		fmt.Fprintf(o.IO.ErrOut, "lain: --dry-run: lain %s is too far behind %s and would install it from %s, then run this command with it; running it with lain %s (nothing replaced)\n",
			o.Version, newest, src, o.Version)
		return nil // not saved: the next real launch must upgrade
	}
	return o.forceUpgrade(ctx, src, st, newest)
}

// mustUpgrade: latest is beyond the skew, and the user has not pinned
// this version (LoadPin, or the old cache field).
func (o *Options) mustUpgrade(cur, latest *semver.Version) bool {
	if WithinSkew(cur, latest) {
		return false
	}
	if pin := LoadPin(o.ConfigDir); pin == o.Version || (pin == "" && o.legacyPin() == o.Version) {
		o.verbosef("not upgrading to %s: lain %s is pinned (%s; lain upgrade removes the pin)", latest, o.Version, filepath.Join(o.ConfigDir, PinFile))
		return false
	}
	return true
}

func (o *Options) legacyPin() string { return LoadState(o.CacheDir).Pinned }

// forceUpgrade installs newest now and re-executes the command with it.
// When that does not happen, it says why in one line (and, for a refused
// release, the full explanation) and lets the command run on this lain.
func (o *Options) forceUpgrade(ctx context.Context, src *Source, st State, newest *semver.Version) error {
	// The check is saved first so that, if this fails, the next commands
	// do not try again until the interval (or resume a partial download).
	o.saveState(st)
	if o.chatty {
		fmt.Fprintf(o.IO.ErrOut, "lain %s is too far behind the newest release, %s; upgrading now\n", o.Version, newest)
	}
	target, err := o.install(ctx, src, newest, o.chatty)
	if err != nil {
		st.Error, st.Partial = err.Error(), ""
		why := o.whyNot(err, src, newest, &st)
		fmt.Fprintf(o.IO.ErrOut, "lain: running this command with lain %s: %s\n", o.Version, why)
		st.NoticeAt = o.Now() // that was today's notice
		o.saveState(st)
		return nil
	}
	st.Version, st.Error, st.Partial = newest.Original(), "", ""
	o.saveState(st)
	return o.reexec(target.Path, newest)
}

// whyNot is the reason a forced upgrade did not happen, in a few words;
// a failure the user must act on is explained in full first.
func (o *Options) whyNot(err error, src *Source, newest *semver.Version, st *State) string {
	var (
		pe *PartialError
		be *BusyError
	)
	switch {
	case errors.As(err, &pe):
		st.Partial = newest.Original()
		return fmt.Sprintf("lain %s is too far behind %s, whose download got to %s; the next command continues it, or now: lain upgrade", o.Version, newest, pe.Progress())
	case errors.As(err, &be):
		return fmt.Sprintf("another lain is installing %s right now (the next command uses it)", newest)
	}
	if e := explain(err, src, o.Version, true); e != nil {
		fmt.Fprint(o.IO.ErrOut, clierr.Format(e))
		return fmt.Sprintf("upgrading to %s failed (above)", newest)
	}
	o.verbosef("upgrade to %s failed: %v", newest, err)
	return fmt.Sprintf("could not get lain %s from %s (lain upgrade retries and says why)", newest, src)
}

// notice prints "a newer lain is available" at most once per
// NoticeInterval and saves st (always, when save is set). It stays quiet
// when another lain already replaced this binary (the line would be
// stale: the next command runs the new one).
func (o *Options) notice(st *State, cur *semver.Version, save bool) {
	latest, err := ParseVersion(st.Latest)
	now := o.Now()
	since := now.Sub(st.NoticeAt) // negative: the clock went back
	due := err == nil && latest.GreaterThan(cur) && (since >= NoticeInterval || since < 0)
	if due && o.replacedMeanwhile() {
		o.verbosef("no notice: the lain binary was replaced while this one started (the next command runs it)")
		due, save = false, false
	}
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
	fmt.Fprintf(o.IO.ErrOut, "lain: upgraded to %s but could not start it (%v); this run uses lain %s (lain upgrade --rollback goes back)\n", v, err, o.Version)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
