package update

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/iostreams"
)

// Launch policy.
const (
	// LaunchBudget caps the network time (listing, checksums, download) a
	// launch may spend on updates, hung server or not.
	LaunchBudget = 1500 * time.Millisecond
	// CheckInterval is how long a check's answer is trusted.
	CheckInterval = 6 * time.Hour
	// NoticeInterval spaces the "a newer lain is available" line.
	NoticeInterval = 24 * time.Hour
)

// Environment variables of the launch check.
const (
	// EnvNoUpdate=1 skips the launch check (as does --ignore-lint).
	EnvNoUpdate = "LAIN_NO_UPDATE"
	// EnvUpgradedFrom is how a lain that just replaced itself tells the new
	// binary it started: "<old version> <pid>". The pid makes sure only that
	// very process (not a lain it runs later) reads it.
	EnvUpgradedFrom = "LAIN_UPGRADED_FROM"
)

// Options is everything Launch and Upgrade touch outside their arguments.
// commands/upgrade.go fills it from the Factory; tests fill it with fakes.
type Options struct {
	IO         *iostreams.IOStreams
	HTTPClient *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	CacheDir   string
	// ConfigDir holds the pin (PinFile); see ConfigDir.
	ConfigDir string
	Verbose   bool
	// DryRun (--dry-run): say what an upgrade would do, replace nothing.
	DryRun bool

	Version string // the running lain's version
	Config  Config

	// Platform of the release asset to fetch (runtime.GOOS/GOARCH).
	GOOS, GOARCH string
	// Executable returns the running binary's path (os.Executable).
	Executable func() (string, error)
	// Re-execution: the command line and environment to run again, how
	// (Exec), and the pids that identify the new process (see ReexecPid).
	Args      []string
	Environ   []string
	Exec      func(path string, argv, env []string) error
	Pid       int
	ReexecPid int
	// Running describes the binary this process runs (to notice that
	// another lain replaced it meanwhile); see DefaultOptions.
	Running func() (os.FileInfo, error)
	// StallTimeout is how long `lain upgrade` waits for a server that
	// sends nothing before giving up (default StallTimeout).
	StallTimeout time.Duration

	// chatty: say what is going on (waiting, resuming) on stderr; on for
	// `lain upgrade`, and at launch on a terminal.
	chatty bool
}

// ExitError is the exit code of the upgraded lain run as a child (Windows):
// this process must exit with it, printing nothing (the child has already
// said everything). Silent marks it so for main.go.
type ExitError struct{ Code int }

// Silent reports that main.go should print nothing for this error.
func (e *ExitError) Silent() bool { return true }

func (e *ExitError) Error() string {
	return "the upgraded lain exited with status " + strconv.Itoa(e.Code)
}
func (e *ExitError) ExitCode() int { return e.Code }

func (o *Options) verbosef(format string, args ...any) {
	if o.Verbose {
		fmt.Fprintf(o.IO.ErrOut, "lain: "+format+"\n", args...)
	}
}

// progressf says what an upgrade is doing, when someone is watching.
func (o *Options) progressf(format string, args ...any) {
	if o.chatty || o.Verbose {
		fmt.Fprintf(o.IO.ErrOut, "lain: "+format+"\n", args...)
	}
}

func (o *Options) saveState(st State) {
	if err := SaveState(o.CacheDir, st); err != nil {
		o.verbosef("could not save the update check in %s: %v", o.CacheDir, err)
	}
}

// upgradedFrom returns the version this process replaced, when it was just
// started by an upgrade.
func (o *Options) upgradedFrom() (string, bool) {
	from, pid, ok := strings.Cut(o.Getenv(EnvUpgradedFrom), " ")
	if !ok || pid != strconv.Itoa(o.ReexecPid) {
		return "", false
	}
	return from, true
}

// sudoEnv lists the variables an upgrade needs that sudo would drop.
func (o *Options) sudoEnv() []string {
	var names []string
	for _, k := range []string{EnvURL, EnvGitLabToken, EnvGitLabDeployToken} {
		if o.Getenv(k) != "" {
			names = append(names, k)
		}
	}
	return names
}

// reexecEnv is the environment for the new binary, with the marker.
func (o *Options) reexecEnv() []string {
	env := make([]string, 0, len(o.Environ)+1)
	for _, kv := range o.Environ {
		if !strings.HasPrefix(kv, EnvUpgradedFrom+"=") {
			env = append(env, kv)
		}
	}
	return append(env, EnvUpgradedFrom+"="+o.Version+" "+strconv.Itoa(o.Pid))
}

// DefaultOptions fills what comes from the process itself.
func DefaultOptions(o *Options) {
	if o.Executable == nil {
		o.Executable = os.Executable
	}
	if o.Exec == nil {
		o.Exec = Exec
	}
	if o.Pid == 0 {
		o.Pid = os.Getpid()
	}
	if o.ReexecPid == 0 {
		o.ReexecPid = ReexecPid()
	}
	if o.Running == nil {
		o.Running = runningBinary(o.Executable)
	}
	if o.StallTimeout == 0 {
		o.StallTimeout = StallTimeout
	}
}

// runningBinary describes the file this process was started from. On
// Linux /proc/self/exe is that very file even after another lain renamed
// a new one over its path; elsewhere the path is looked at once, early.
func runningBinary(executable func() (string, error)) func() (os.FileInfo, error) {
	if fi, err := os.Stat("/proc/self/exe"); err == nil {
		return func() (os.FileInfo, error) { return fi, nil }
	}
	exe, err := executable()
	if err != nil {
		return func() (os.FileInfo, error) { return nil, err }
	}
	fi, err := os.Stat(exe)
	return func() (os.FileInfo, error) { return fi, err }
}

// replacedMeanwhile reports whether the installed binary is no longer
// the one this process runs: another lain upgraded it since this one
// started, so "a newer lain is available" would be stale.
func (o *Options) replacedMeanwhile() bool {
	if o.Running == nil {
		return false
	}
	running, err := o.Running()
	if err != nil {
		return false
	}
	exe, err := o.Executable()
	if err != nil {
		return false
	}
	installed, err := os.Stat(exe)
	return err == nil && !os.SameFile(running, installed)
}
