package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/webhook"
)

// SendMsgOptions are the inputs of `lain send-msg`.
type SendMsgOptions struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	Dir    string
	// Cluster loads the current cluster's config for the app in Dir.
	Cluster func(appDir string) (*clusterconfig.Config, error)
	Values  []string // global -f files
	HTTP    *http.Client
	DryRun  bool
	Message string
}

// NewCmdSendMsg builds `lain send-msg`.
func NewCmdSendMsg(f *cmdutil.Factory) *cobra.Command {
	o := &SendMsgOptions{}
	return &cobra.Command{
		Use:   "send-msg MSG",
		Short: "Send a message to the app's chat webhook for the current cluster",
		Long: `Send MSG to the app's webhook (values: webhook.url, limited to the clusters in
webhook.clusters when set): Feishu and Lark bots get a text message, Slack
incoming webhooks {"text": MSG}, any other URL a JSON document with text,
app, cluster and user. A message the service refuses is an error (Feishu
answers 200 with a non-zero code); an empty MSG is not sent.`,
		Example: `  lain send-msg "hello 1.2 is on prod"
  lain --use prod send-msg "$(git log -1 --format=%s)"`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.IO, o.Getenv, o.Cluster, o.Values, o.DryRun = f.IO, f.Getenv, f.CurrentCluster, f.Globals.Values, f.Globals.DryRun
			o.HTTP, o.Message = f.HTTPClient(), args[0]
			var err error
			o.Dir, err = os.Getwd()
			if err != nil {
				return err
			}
			return runSendMsg(cmd.Context(), o)
		},
	}
}

func runSendMsg(ctx context.Context, o *SendMsgOptions) error {
	msg := strings.TrimSpace(o.Message)
	if msg == "" {
		fmt.Fprintln(o.IO.ErrOut, "the message is empty: nothing sent")
		return nil
	}
	a, err := app.Load(o.Dir)
	if err != nil {
		return err
	}
	cfg, err := o.Cluster(o.Dir)
	if err != nil {
		return err
	}
	files, err := a.ValuesFiles(cfg.Cluster, o.Values)
	if err != nil {
		return err
	}
	wh := webhook.FromValues(app.Merged(files))
	switch {
	case wh.URL == "":
		return clierr.Of(clierr.InvalidInput, fmt.Sprintf("%s has no webhook: there is nowhere to send the message", a.Name),
			"add webhook: {url: <your bot's webhook URL>} to chart/values.yaml")
	case !wh.For(cfg.Cluster):
		fmt.Fprintf(o.IO.ErrOut, "webhook.clusters of %s does not list cluster %s (%s): nothing sent\n", a.Name, cfg.Cluster, strings.Join(wh.Clusters, ", "))
		return nil
	case o.DryRun:
		fmt.Fprintf(o.IO.ErrOut, "would send to the webhook of %s (--dry-run): %s\n", a.Name, msg)
		return nil
	}
	user := o.Getenv("GITLAB_USER_LOGIN")
	if user == "" {
		user = o.Getenv("USER")
	}
	m := webhook.Message{App: a.Name, Cluster: cfg.Cluster, User: user, Event: "message", Say: msg}
	if err := webhook.Send(ctx, o.HTTP, wh, m); err != nil {
		return clierr.Of(clierr.Failed, "the message was not delivered: "+err.Error(), "check webhook.url in chart/values.yaml, then: lain send-msg again")
	}
	fmt.Fprintf(o.IO.ErrOut, "sent to the webhook of %s\n", a.Name)
	return nil
}
