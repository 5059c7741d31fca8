package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/prompts"
)

// Defaults a small app can start with; lain lint's advice refines them.
const (
	defaultCPU      = "100m"
	defaultMemory   = "256Mi"
	defaultSchedule = "*/10 * * * *"
	noHost          = "none"
)

// InitOptions are the inputs of `lain init`. Every question has a flag;
// an empty flag value means "not given".
type InitOptions struct {
	IO       *iostreams.IOStreams
	Prompter prompts.Prompter
	Runner   runner.Runner
	Dir      string // the app's directory
	Now      func() time.Time
	DryRun   bool

	Appname   string
	Procs     []string // KIND[:PORT]
	Commands  []string // KIND=COMMAND
	Schedule  string
	Base      string
	Script    []string
	ScriptSet bool // --script given, maybe empty: no build script
	Host      string
	CPU       string
	Memory    string

	Yes          bool // accept every default, never ask
	Force        bool // replace chart/values.yaml (keeping a backup)
	TemplateOnly bool // only Chart.yaml and templates
	Commit       bool // git commit the chart (not values*.yaml)
}

// NewCmdInit builds `lain init`.
func NewCmdInit(f *cmdutil.Factory) *cobra.Command {
	o := &InitOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write ./chart for this app: lain's Helm chart and a values.yaml from a few questions",
		Long: `Write ./chart, a plain Helm chart that deploys this app's procs: Chart.yaml and
templates/ from lain's built-in chart, and chart/values.yaml from your answers
(app name, procs, web port and command, base image and build script, host
name, resources), each key with a comment. On a terminal it asks, proposing
answers from what is in the repository; every answer also has a flag, and
with --yes or off a terminal it takes the defaults without asking.

An existing chart/values.yaml is kept (only the templates are upgraded)
unless --force, which keeps the old one as values.yaml.backup-TIME.
--template-only never touches values*.yaml. Note: -f is lain's --values
flag on every command, so force is --force.`,
		Example: `  lain init                                   # asks
  lain init --yes                             # every default, no questions
  lain init --appname shop --proc web:8000 --proc worker --command web="gunicorn -b 0.0.0.0:8000 shop:app"
  lain init --template-only --commit          # upgrade the chart of an existing app`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(f.Globals.Values) > 0 {
				return clierr.Usage(fmt.Sprintf("lain init reads no values files (-f %s): -f is --values on every lain command", f.Globals.Values[0]),
					"lain init --force   # to replace chart/values.yaml")
			}
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			o.IO, o.Prompter, o.Runner, o.Dir, o.Now, o.DryRun = f.IO, f.Prompter, f.Runner(), dir, f.Now, f.Globals.DryRun
			o.ScriptSet = cmd.Flags().Changed("script")
			return runInit(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Appname, "appname", "", "the app's `NAME` (default: the directory's name)")
	fl.StringArrayVar(&o.Procs, "proc", nil, "a proc to run, `KIND[:PORT]`: web[:PORT], worker, cron, job (repeatable; default web)")
	fl.StringArrayVar(&o.Commands, "command", nil, "the command of a proc, `KIND=COMMAND` (repeatable), e.g. web=\"npm start\"")
	fl.StringVar(&o.Schedule, "schedule", "", "when the cron proc runs, `CRON` (default \"*/10 * * * *\")")
	fl.StringVar(&o.Base, "base", "", "the `IMAGE` to build on (default: proposed from the repository)")
	fl.StringArrayVar(&o.Script, "script", nil, "a build script `LINE` (repeatable; --script '' for none)")
	fl.StringVar(&o.Host, "host", "", "the web proc's internal `HOST` (a name without a dot gets the cluster's domain; none for no ingress)")
	fl.StringVar(&o.CPU, "cpu", "", "cpu each proc requests, `QUANTITY` (default 100m)")
	fl.StringVar(&o.Memory, "memory", "", "memory each proc requests, `QUANTITY` (default 256Mi; the limit is twice it)")
	fl.BoolVarP(&o.Yes, "yes", "y", false, "accept every default without asking")
	fl.BoolVar(&o.Force, "force", false, "replace an existing chart/values.yaml (the old one is kept as a backup)")
	fl.BoolVar(&o.TemplateOnly, "template-only", false, "only upgrade Chart.yaml and templates/, never values*.yaml")
	fl.BoolVar(&o.Commit, "commit", false, "git commit chart/ (without values*.yaml) as \"[skip ci] upgrade helm chart to VERSION\"")
	kinds := make([]string, len(chart.Kinds))
	for i, k := range chart.Kinds {
		kinds[i] = string(k)
	}
	cmd.RegisterFlagCompletionFunc("proc", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if strings.Contains(err.Error(), "'f' in -f") {
			return clierr.Usage("-f is --values (an extra values file) on every lain command", "lain init --force   # to replace chart/values.yaml")
		}
		return clierr.Usage(err.Error(), c.CommandPath()+" --help")
	})
	return cmd
}

func runInit(ctx context.Context, o *InitOptions) error {
	flags, err := parseInitFlags(o)
	if err != nil {
		return err
	}
	if o.Commit {
		if err := requireGitRepo(ctx, o); err != nil {
			return err
		}
	}
	chartDir := filepath.Join(o.Dir, app.ChartDir)
	existing, err := readExistingValues(chartDir, o.Force)
	if err != nil {
		return err
	}
	writeValues := !o.TemplateOnly && (existing == "" || o.Force)
	appname, err := chooseAppname(o, existing, writeValues)
	if err != nil {
		return err
	}
	var values []byte
	if writeValues {
		answers, err := askAnswers(o, flags, appname)
		if err != nil {
			return err
		}
		values = chart.StarterValues(answers)
	}
	if err := writeChart(o, chartDir, appname, existing != "", values); err != nil {
		return err
	}
	if o.Commit {
		committed, err := chart.Commit(ctx, o.Runner, o.Dir, o.DryRun)
		if err != nil {
			return err
		}
		if !committed && !o.DryRun {
			fmt.Fprintf(o.IO.ErrOut, "nothing to commit: chart/ is already at chart %s in git\n", chart.Version)
		}
	}
	printNext(o, writeValues)
	return nil
}

// readExistingValues returns the appname of an existing chart/values.yaml
// ("-" when it has none), or "" when there is no such file. With force a
// broken file is no obstacle: it is about to be replaced (and kept).
func readExistingValues(chartDir string, force bool) (string, error) {
	p := filepath.Join(chartDir, chart.ValuesFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	vf, err := app.ReadValuesFile(p, filepath.Join(app.ChartDir, chart.ValuesFile))
	if err != nil && force {
		return "-", nil
	}
	if err != nil {
		return "", err
	}
	if name, ok := vf.Map["appname"].(string); ok && name != "" {
		return name, nil
	}
	return "-", nil
}

// chooseAppname: an existing values.yaml's appname is kept (an app's name
// never changes); otherwise the flag, the answer, or the directory's name.
func chooseAppname(o *InitOptions, existing string, writeValues bool) (string, error) {
	if existing != "" && existing != "-" {
		if o.Appname != "" && o.Appname != existing && !writeValues {
			return "", clierr.Usage(fmt.Sprintf("chart/values.yaml says appname: %s, not %s; an app's name never changes once deployed", existing, o.Appname),
				"lain init   # without --appname")
		}
		if !writeValues || o.Appname == "" {
			return existing, o.validAppnameOrErr(existing, "chart/values.yaml: appname")
		}
	}
	if o.Appname != "" {
		return o.Appname, o.validAppnameOrErr(o.Appname, "--appname")
	}
	base := filepath.Base(o.Dir)
	def := base
	if !appvalues.ValidAppname(def) {
		def = appvalues.SuggestAppname(base)
	}
	if o.canAsk() && writeValues {
		return o.Prompter.Input("App name (it names the image, the release and every Kubernetes object; never change it)", def, func(s string) error {
			if !appvalues.ValidAppname(s) {
				return fmt.Errorf("%q is not a valid app name: %s", s, appvalues.AppnameRule)
			}
			return nil
		})
	}
	if def != base || def == "" {
		next := "lain init --appname NAME"
		if def != "" {
			next = "lain init --appname " + def
		}
		return "", clierr.Usage(fmt.Sprintf("the directory name %q is not a valid app name (%s)", base, appvalues.AppnameRule), next)
	}
	return def, nil
}

func (o *InitOptions) validAppnameOrErr(name, where string) error {
	if appvalues.ValidAppname(name) {
		return nil
	}
	next := "lain init --appname NAME"
	if s := appvalues.SuggestAppname(name); s != "" {
		next = "lain init --appname " + s
	}
	return clierr.Usage(fmt.Sprintf("%s: %q is not a valid app name (%s)", where, name, appvalues.AppnameRule), next)
}

func (o *InitOptions) canAsk() bool { return o.IO.CanPrompt() && !o.Yes }

// requireGitRepo: --commit needs a repository, checked before writing.
func requireGitRepo(ctx context.Context, o *InitOptions) error {
	top, err := app.GitTopLevel(ctx, o.Runner, o.Dir)
	if err != nil {
		return err
	}
	if top == "" {
		return clierr.Usage(fmt.Sprintf("--commit: %s is not in a git repository", o.Dir), "git init   # or run lain init without --commit")
	}
	return nil
}

// writeChart writes the templates, then values.yaml when there is one to
// write, and says what it did.
func writeChart(o *InitOptions, chartDir, appname string, hadValues bool, values []byte) error {
	w := o.IO.ErrOut
	upgrade, err := chart.PlanUpgrade(chartDir, appname)
	if err != nil {
		return err
	}
	changes := upgrade.Changes
	if o.DryRun {
		for _, c := range changes {
			fmt.Fprintf(w, "would write chart/%s  # dry run\n", c.Path)
		}
		for _, n := range upgrade.Retired {
			fmt.Fprintf(w, "would move the original lain's chart/templates/%s to chart/%s/  # dry run\n", n, chart.RetireDir(o.Now()))
		}
		if values != nil {
			fmt.Fprintln(w, "would write chart/values.yaml  # dry run")
		}
		return nil
	}
	// The original's templates go first: interrupted after this, a second
	// run still sees its Chart.yaml and finishes the job.
	now := o.Now()
	retired, err := chart.RetireOriginal(chartDir, upgrade.Original, now)
	if err != nil {
		return err
	}
	written, err := chart.UpgradeTemplates(chartDir, appname, now)
	if err != nil {
		return err
	}
	if len(retired) > 0 {
		fmt.Fprintf(w, "moved the original lain's templates %s to chart/%s/ (lain's templates replace them; delete that directory once you have checked)\n", strings.Join(retired, ", "), chart.RetireDir(now))
	}
	switch {
	case len(changes) == 0:
		fmt.Fprintf(w, "chart/ templates are already those of chart %s\n", chart.Version)
	default:
		fmt.Fprintf(w, "wrote lain's chart %s into chart/: %s\n", chart.Version, describeChanges(changes))
	}
	if kept := backups(written, chart.RetireDir(now)); len(kept) > 0 {
		fmt.Fprintf(w, "kept the files it replaced, with any edits of yours, in chart/%s/: %s (delete that directory once you have checked)\n", chart.RetireDir(now), strings.Join(kept, ", "))
	}
	switch {
	case values != nil:
		backup, err := chart.WriteValues(chartDir, values, o.Force, o.Now())
		if err != nil {
			return err
		}
		if backup != "" {
			rel, _ := filepath.Rel(o.Dir, backup)
			fmt.Fprintf(w, "wrote chart/values.yaml (your old one is in %s)\n", rel)
		} else {
			fmt.Fprintln(w, "wrote chart/values.yaml")
		}
	case hadValues && !o.TemplateOnly:
		fmt.Fprintln(w, "kept your chart/values.yaml (lain init --force writes a new one and keeps a backup)")
	case !hadValues:
		fmt.Fprintln(w, "there is no chart/values.yaml yet: lain init (without --template-only) writes one")
	}
	if hadValues && values == nil {
		adviseModeline(w, filepath.Join(chartDir, chart.ValuesFile))
	}
	if hadValues || values != nil {
		reportValues(o)
	}
	return nil
}

// adviseModeline tells the owner of a values.yaml without the schema line
// (one from the original lain, or an older lain) how to get editor help;
// lain never edits a values file it did not write.
func adviseModeline(w io.Writer, path string) {
	b, err := os.ReadFile(path)
	if err != nil || bytes.Contains(b, []byte("yaml-language-server:")) {
		return
	}
	fmt.Fprintf(w, "tip: make this the first line of chart/values.yaml, and VS Code or JetBrains complete and check its keys as you type:\n  %s\n", chart.SchemaModeline)
}

// describeChanges says what a write did: how many files it created, and
// which it replaced (the interesting part of an upgrade).
// backups lists the files UpgradeTemplates kept in dir before replacing
// them, by their names there.
func backups(cs []chart.Change, dir string) []string {
	var out []string
	for _, c := range cs {
		if c.Backup != "" {
			out = append(out, strings.TrimPrefix(c.Backup, dir+"/"))
		}
	}
	return out
}

func describeChanges(cs []chart.Change) string {
	var created int
	var updated []string
	for _, c := range cs {
		if c.Created {
			created++
		} else {
			updated = append(updated, c.Path)
		}
	}
	var parts []string
	if created > 0 {
		parts = append(parts, fmt.Sprintf("created %d files", created))
	}
	if len(updated) > 0 {
		parts = append(parts, "updated "+strings.Join(updated, ", "))
	}
	return strings.Join(parts, "; ")
}

// reportValues checks chart/values.yaml on its own (no cluster needed) and
// prints what lain lint will complain about, without failing init.
func reportValues(o *InitOptions) {
	a, err := app.Load(o.Dir)
	if err != nil {
		fmt.Fprintln(o.IO.ErrOut, "warning: "+clierr.Format(err))
		return
	}
	in := appvalues.Input{Files: []appvalues.File{{Name: a.Values.Name, Root: a.Values.Root}},
		ClusterKeys: applint.ClusterKeys(), TemplateKeys: a.TemplateKeys(chart.TemplateNames())}
	for _, p := range appvalues.Check(in) {
		kind := "problem"
		if p.Warning {
			kind = "warning"
		}
		fmt.Fprintf(o.IO.ErrOut, "%s: %s\n", kind, p)
	}
}

func printNext(o *InitOptions, wroteValues bool) {
	w := o.IO.ErrOut
	if !wroteValues {
		fmt.Fprintln(w, "next: lain lint   # checks the chart and your values on the current cluster")
		return
	}
	fmt.Fprintln(w, "next:")
	fmt.Fprintln(w, "  $EDITOR chart/values.yaml   # every key has a comment; check with: lain lint")
	fmt.Fprintln(w, "  lain env edit               # the app's secret environment variables, kept in the cluster")
	fmt.Fprintln(w, "  lain deploy --build         # build the image, push it, deploy it")
}
