package cmdutil

import (
	"net/http"
	"path/filepath"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

// BuildInfo is set at build time with -ldflags (see main.go and Makefile).
type BuildInfo struct {
	Version   string // "dev" when not set
	Commit    string
	GoVersion string
	// UpdateURL is where this build looks for newer releases (a GitLab
	// generic package URL or a plain HTTP directory; see docs/releases.md).
	// Empty: self-update is off unless LAIN_UPDATE_URL is set.
	UpdateURL string
	// UpdatePublicKey is the minisign public key (the base64 line of
	// minisign.pub) that release checksums must be signed with. Empty: only
	// checksums are verified.
	UpdatePublicKey string
}

// Factory is everything a command may touch outside its own arguments.
// main.go builds the real one; tests build their own with fakes.
type Factory struct {
	IO       *iostreams.IOStreams
	Prompter prompts.Prompter
	Globals  *Globals
	Build    BuildInfo
	Platform tools.Platform

	Getenv  func(string) string
	Environ func() []string
	Now     func() time.Time
	// HTTPClient is the client for registries, update sources and webhooks.
	HTTPClient func() *http.Client
	// Runner returns the runner configured from Globals; call it inside a
	// command's run, after flags are parsed.
	Runner func() runner.Runner
}

// HomeDir is the user's home, from the environment the factory was given.
func (f *Factory) HomeDir() string {
	if h := f.Getenv("HOME"); h != "" {
		return h
	}
	return f.Getenv("USERPROFILE")
}

// CacheDir is lain's cache directory (update checks, downloaded assets).
func (f *Factory) CacheDir() string {
	if d := f.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "lain")
	}
	if f.Platform.GOOS == "darwin" {
		return filepath.Join(f.HomeDir(), "Library", "Caches", "lain")
	}
	if d := f.Getenv("LOCALAPPDATA"); f.Platform.GOOS == "windows" && d != "" {
		return filepath.Join(d, "lain")
	}
	return filepath.Join(f.HomeDir(), ".cache", "lain")
}

// ClusterSource is where cluster values come from (built in, or
// CLUSTER_VALUES_DIR).
func (f *Factory) ClusterSource() clusterconfig.Source {
	return clusterconfig.SourceFrom(f.Getenv)
}

// KubeHome is the user's ~/.kube.
func (f *Factory) KubeHome() kubehome.Home {
	return kubehome.New(f.HomeDir(), f.Platform.GOOS, f.Now)
}
