package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// ScheduleDelete is deploy --delete-after and delete --after: for each
// release, a countdown Job in the cluster deletes it when the time is up
// (CountdownJob). The previous countdown of a release is replaced, so
// deploying again restarts the clock.
func ScheduleDelete(ctx context.Context, r runner.Runner, cfg *clusterconfig.Config, appname string, releases []string, after string, w io.Writer) error {
	d, err := ParseAfter(after)
	if err != nil {
		return clierr.Usage("--after "+err.Error(), "lain delete --after 2h")
	}
	for _, rel := range releases {
		manifest, err := CountdownJob(rel, appname, cfg.Cluster, cfg.Values.Registry, d)
		if err != nil {
			return err
		}
		job := CountdownJobName(rel)
		if _, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "job", job, "--ignore-not-found"}, Mutates: true}); err != nil {
			return err
		}
		if _, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"apply", "-f", "-"}, Stdin: bytes.NewReader(manifest), Mutates: true}); err != nil {
			return toolerr.Failed("could not create the countdown Job "+job+" (kubectl's message is above)", err, "lain delete --force   # delete now instead")
		}
		fmt.Fprintf(w, "%s will be deleted in %s by the Job %s (it runs %s)\n  follow it: kubectl logs -f job/%s\n  cancel it: kubectl delete job %s\n",
			rel, d, job, image.Name(cfg.Values.Registry, "lain", "latest"), job, job)
	}
	return nil
}
