// Package cmdutil holds what every command is handed: the global flags and
// the Factory of IO streams, prompter, runner, clock and HTTP client; and the
// set-up commands share, so that no command file calls another's: the app
// on its cluster (ImageEnv, ReleaseEnv, AppOnCluster, SecretsEnv,
// GitLabEnv), --use, the launch-time update check, and Tab completion of
// releases, procs and image tags.
package cmdutil

import "strings"

// Globals are the flags every lain command accepts (the original's global
// options plus --dry-run). Commands read them from here, never from
// package-level variables.
type Globals struct {
	Silent       bool     // -s: print less (only commands that change things)
	Verbose      bool     // -v: print more (every query and how it ended)
	IgnoreLint   bool     // --ignore-lint / LAIN_IGNORE_LINT: skip lint and the update check
	RemoteDocker bool     // --remote-docker / LAIN_REMOTE_DOCKER: use the cluster's remote_docker
	Values       []string // -f/--values: extra helm values files
	Use          string   // --use: switch to this cluster first
	AutoPilot    bool     // -a: fix what can be fixed without asking
	DryRun       bool     // print commands that change things instead of running them

	valuesTmp string // where CopyStreamedValues put piped -f files
}

// Truthy reads a boolean environment variable the way shells and CI
// systems write them: 1, true, yes, on (any case).
func Truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "y", "on":
		return true
	}
	return false
}
