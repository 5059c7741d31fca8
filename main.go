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
// scripts/release also bakes in where releases live and the key that signs
// them: -X main.updateURL=https://... -X main.updatePublicKey=RWQ...
var (
	version         = "dev"
	commit          = "unknown"
	updateURL       = ""
	updatePublicKey = ""
)

func main() {
	f := cmdutil.NewSystemFactory(cmdutil.BuildInfo{
		Version: version, Commit: commit, GoVersion: runtime.Version(),
		UpdateURL: updateURL, UpdatePublicKey: updatePublicKey,
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := commands.Execute(ctx, f, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprint(os.Stderr, clierr.Format(err))
	}
	os.Exit(clierr.Code(err))
}
