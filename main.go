// Command lain deploys apps to Kubernetes by driving helm, kubectl and
// docker. This file only wires the real process together and turns errors
// into exit codes; everything else lives in commands/ and internal/.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"

	"github.com/lain-cli/lain/commands"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// Set at build time: go build -ldflags "-X main.version=1.2.3 -X main.commit=abc".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	f := cmdutil.NewSystemFactory(cmdutil.BuildInfo{Version: version, Commit: commit, GoVersion: runtime.Version()})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := commands.Execute(ctx, f, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprint(os.Stderr, clierr.Format(err))
	}
	os.Exit(clierr.Code(err))
}
