package cmdutil

import (
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

// NewSystemFactory wires the real process: its streams, environment, clock,
// a survey prompter and the printing runner.
func NewSystemFactory(build BuildInfo) *Factory {
	ios := iostreams.System(os.Getenv)
	_, aptErr := exec.LookPath("apt-get")
	f := &Factory{
		IO:       ios,
		Prompter: prompts.NewSurvey(os.Stdin, os.Stderr),
		Globals:  &Globals{},
		Build:    build,
		Platform: tools.Platform{GOOS: runtime.GOOS, HaveApt: aptErr == nil},
		Getenv:   os.Getenv,
		Environ:  os.Environ,
		Now:      time.Now,
		HTTPClient: func() *http.Client {
			return &http.Client{Timeout: 30 * time.Second}
		},
	}
	f.Runner = func() runner.Runner {
		return runner.NewExec(runner.Options{
			Out: ios.Out, ErrOut: ios.ErrOut,
			DryRun: f.Globals.DryRun, Silent: f.Globals.Silent, Verbose: f.Globals.Verbose,
			Env: f.Environ(), Now: f.Now,
		})
	}
	return f
}
