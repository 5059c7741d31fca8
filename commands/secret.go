package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/secretedit"
)

// SecretOptions are the inputs of `lain secret`.
type SecretOptions struct{ cmdutil.SecretsEnv }

// NewCmdSecret builds `lain secret` and its subcommands.
func NewCmdSecret(f *cmdutil.Factory) *cobra.Command {
	o := &SecretOptions{}
	files := completions.FirstArg(completions.SecretFiles(cmdutil.Cwd, func() *kube.Client { return kube.New(f.Runner()) }))
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Show and change the app's secret files (the Secret <appname>-secret)",
		Long: `The Secret <appname>-secret holds files for the app's containers, one key per
file; a volumeMounts entry without a name in chart/values.yaml mounts one:
  volumeMounts:
    - mountPath: /lain/app/config.json   # the file config.json of <appname>-secret
These commands show and change it as plain YAML, on the current cluster; the
first show or edit creates it with an example file, topsecret.txt, which
the first add of a file of your own removes while unchanged. A change reaches
running pods when they restart: --auto-pilot restarts the app gracefully
after it. The app's webhook is told which files changed, never their content.`,
		Example: `  lain secret show
  lain secret show config.json
  lain secret edit config.json
  lain secret add ./config.json ./key.pem
  lain secret apply -f secret.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "show [NAME]",
			Short: "Print the secret files as YAML, or the content of the file NAME",
			Example: `  lain secret show
  lain secret show config.json > config.json`,
			Args:              cobra.MaximumNArgs(1),
			ValidArgsFunction: files,
			RunE: func(cmd *cobra.Command, args []string) error {
				return o.WithSession(cmd.Context(), f, secretedit.Files, func(s *secretedit.Session) error { return s.Show(cmd.Context(), firstOr(args)) })
			},
		},
		&cobra.Command{
			Use:   "edit [NAME]",
			Short: "Edit the secret files (or the file NAME) in $EDITOR, then apply them",
			Long: `Open <appname>-secret as YAML (or only the content of the file NAME, which
is created when missing) in $EDITOR (else $VISUAL, else vi; notepad on
Windows). When you close it, lain checks it, shows which files are added,
changed and removed, asks to confirm on a terminal, and applies. An edit
that has a problem or that the cluster refuses is kept in a private file
(its path is printed) and the next edit resumes from it. A file that is
not text (a keystore) is never opened: lain secret add its new version.`,
			Example: `  lain secret edit
  lain secret edit config.json`,
			Args:              cobra.MaximumNArgs(1),
			ValidArgsFunction: files,
			RunE: func(cmd *cobra.Command, args []string) error {
				name := firstOr(args)
				if name != "" {
					if why := secretedit.Files.ValidKey(name); why != "" {
						return clierr.Usage(fmt.Sprintf("%s: %s", name, why), "lain secret edit NAME")
					}
				}
				return o.WithSession(cmd.Context(), f, secretedit.Files, func(s *secretedit.Session) error { return s.Edit(cmd.Context(), name) })
			},
		},
		&cobra.Command{
			Use:   "add FILE...",
			Short: "Put local files into the secret, each under its base name",
			Example: `  lain secret add ./config.json
  lain secret add certs/tls.key certs/tls.crt`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				values := map[string][]byte{}
				from := map[string]string{}
				for _, p := range args {
					name := filepath.Base(p)
					if first, twice := from[name]; twice {
						// Both would be the file name: the second would silently replace the first.
						return clierr.Usage(fmt.Sprintf("the secret was not changed: %s and %s would both be the file %s", first, p, name), "lain secret add one of them, then lain secret edit to add the other under its own name")
					}
					from[name] = p
					b, err := os.ReadFile(p)
					if err != nil {
						return clierr.Usage(fmt.Sprintf("%s: %v", p, err), "check the path")
					}
					values[name] = b
				}
				return o.WithSession(cmd.Context(), f, secretedit.Files, func(s *secretedit.Session) error { return s.Set(cmd.Context(), values) })
			},
		},
		newCmdSecretApply(f, o),
	)
	return cmd
}

func newCmdSecretApply(f *cmdutil.Factory, o *SecretOptions) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use: "apply -f FILE",
		// -f is the Secret's content: never copied to a temporary file.
		Annotations: map[string]string{cmdutil.ValuesOwnAnnotation: "yes"},
		Short:       "Make the secret exactly FILE's content (the YAML lain secret show prints)",
		Long: `Replace every file of <appname>-secret with those in FILE: the YAML that lain
secret show prints, or a Kubernetes Secret manifest whose data is plain
text (as the original lain wrote it). Files not in FILE are removed; lain
prints which keys change.`,
		Example: `  lain secret show > secret.yaml
  lain secret apply -f secret.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// -f is lain's global --values flag (one letter cannot mean two
			// flags): here it names the file to apply, as in the original
			// lain and kubectl apply -f.
			if file == "" && len(f.Globals.Values) > 0 {
				file, f.Globals.Values = f.Globals.Values[len(f.Globals.Values)-1], f.Globals.Values[:len(f.Globals.Values)-1]
			}
			if file == "" {
				return clierr.Usage("which file? pass -f FILE", "lain secret apply -f secret.yaml")
			}
			text, err := os.ReadFile(file)
			if err != nil {
				return clierr.Usage(fmt.Sprintf("%s: %v", file, err), "check the path")
			}
			data, problems := secretedit.Files.ParseSecretFile(file, text)
			if len(problems) > 0 {
				return clierr.Usage("the secret was not changed:\n  "+strings.Join(problems, "\n  "), "fix "+file+", then run the command again")
			}
			return o.WithSession(cmd.Context(), f, secretedit.Files, func(s *secretedit.Session) error { return s.Replace(cmd.Context(), data) })
		},
	}
	cmd.Flags().StringVar(&file, "filename", "", "the YAML `FILE` to apply (-f FILE works too)")
	return cmd
}

func firstOr(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return ""
}
