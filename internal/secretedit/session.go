package secretedit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
	"github.com/lain-cli/lain/internal/webhook"
	"github.com/lain-cli/lain/prompts"
)

// Session is everything an env or secret command touches.
type Session struct {
	Kind     Kind
	App      string // appname
	Cluster  string
	IO       *iostreams.IOStreams
	Prompter prompts.Prompter
	Kube     *kube.Client
	Runner   runner.Runner // runs the editor
	Editor   []string      // EditorCommand
	KeptDir  string
	DryRun   bool
	// User, Webhook and HTTP announce a change (keys only).
	User    string
	Webhook webhook.Config
	HTTP    *http.Client
	// AutoPilot restarts the app gracefully after a change (Restart).
	AutoPilot bool
	// Restart restarts the app's pods so they read the Secret again.
	Restart func(ctx context.Context) error
	// Deployed reports whether the app runs on the cluster (for the advice
	// printed after a change).
	Deployed func(ctx context.Context) bool
}

func (s *Session) name() string { return s.Kind.SecretName(s.App) }

func (s *Session) say(format string, args ...any) {
	fmt.Fprintf(s.IO.ErrOut, format+"\n", args...)
}

// current reads the Secret; on first use it creates it with the defaults
// (printed; under --dry-run only printed, and the defaults are returned).
func (s *Session) current(ctx context.Context) (*kube.Secret, error) {
	return s.currentOr(ctx, s.Kind.Defaults(s.App))
}

// currentOr is current with what a new Secret starts with: add and apply
// start empty, so the example file is only made for show and edit.
func (s *Session) currentOr(ctx context.Context, initial map[string][]byte) (*kube.Secret, error) {
	sec, err := s.Kube.GetSecret(ctx, s.name())
	if err == nil {
		return sec, nil
	}
	if !errors.Is(err, kube.ErrNotFound) {
		return nil, s.clusterError("read", err)
	}
	sec = &kube.Secret{Name: s.name(), Data: initial}
	s.say("%s does not exist on cluster %s yet: creating it (first use)", s.name(), s.Cluster)
	if err := s.Kube.ApplySecret(ctx, sec); err != nil {
		// Another lain (a teammate's, or a second env add) created it
		// meanwhile: theirs is the one to read and change.
		if strings.Contains(err.Error(), "(AlreadyExists)") {
			if sec, gerr := s.Kube.GetSecret(ctx, s.name()); gerr == nil {
				return sec, nil
			}
		}
		return nil, s.clusterError("create", err)
	}
	if s.DryRun {
		return sec, nil
	}
	return s.Kube.GetSecret(ctx, s.name())
}

func (s *Session) clusterError(verb string, err error) error {
	var nf *runner.NotFoundError
	if errors.As(err, &nf) {
		return err
	}
	msg := fmt.Sprintf("could not %s %s on cluster %s", verb, s.name(), s.Cluster)
	if c, ok := toolerr.Classify(err); !ok || c.Kind == toolerr.Other {
		msg += ": " + oneLine(err)
	}
	return toolerr.Failed(msg, err, "kubectl get secret "+s.name()+"   # is the cluster reachable? (lain doctor checks)")
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " | ")
}

// Show prints the Secret as decoded YAML, or one file's content.
func (s *Session) Show(ctx context.Context, file string) error {
	sec, err := s.current(ctx)
	if err != nil {
		return err
	}
	if file == "" {
		_, err := s.IO.Out.Write(Encode(sec.Data))
		s.adviseIfNotDeployed(ctx)
		return err
	}
	v, ok := sec.Data[file]
	if !ok {
		return s.noSuchFile(sec, file)
	}
	_, err = s.IO.Out.Write(v)
	return err
}

func (s *Session) noSuchFile(sec *kube.Secret, file string) error {
	return clierr.Usage(fmt.Sprintf("%s has no file %q (it has: %s)", s.name(), file, strings.Join(sec.Keys(), ", ")),
		"lain secret edit "+file+"   # creates it")
}

// Edit opens the Secret (or one file of it) in the editor, validates the
// result, shows the keys it changes, asks on a terminal, and applies it.
// An edit that is not applied stays in its kept file, and the next Edit
// starts from there.
func (s *Session) Edit(ctx context.Context, file string) error {
	sec, err := s.current(ctx)
	if err != nil {
		return err
	}
	kept := KeptFor(s.KeptDir, s.Cluster, s.name(), file)
	text, err := kept.Load()
	if err != nil {
		return err
	}
	base := kept.base()
	if text != nil {
		s.say("resuming your edit that was not applied, kept in %s\n  (delete that file to start again from the cluster's %s)", kept.Path, s.name())
		if was, _ := base.Load(); was != nil && string(was) != sec.ResourceVersion {
			s.say("warning: %s changed on cluster %s since your edit was kept (someone else's change): what you save replaces theirs; check the keys listed before it is applied", s.name(), s.Cluster)
		}
	} else if file != "" {
		text = sec.Data[file]
		if !utf8.Valid(text) {
			// A text editor changes bytes it cannot show (and adds a final
			// newline): saved unchanged, a key or keystore would break.
			return clierr.Usage(fmt.Sprintf("%s: %s is binary, not text an editor can change safely; %s was not changed", s.name(), file, s.name()),
				"lain secret show "+file+" > "+file+"   # change it with its own tool, then: lain secret add "+file)
		}
	} else {
		text = []byte(s.Kind.Header(s.App, s.Cluster))
		if len(sec.Data) > 0 {
			text = append(text, Encode(sec.Data)...)
		}
	}
	if err := kept.Save(text); err != nil {
		return err
	}
	if err := base.Save([]byte(sec.ResourceVersion)); err != nil {
		return err
	}
	if err := runEditor(ctx, s.Runner, s.Editor, kept.Path, s.IO.In); err != nil {
		return s.editorFailed(kept, text, err)
	}
	edited, err := kept.Load()
	if err != nil {
		return err
	}
	if file == "" && len(bytes.TrimSpace(edited)) == 0 {
		// The header is gone too: an editor that failed or truncated the
		// file, not an edit. `{}` empties the Secret on purpose.
		if err := kept.Remove(); err != nil {
			return err
		}
		return clierr.Of(clierr.InvalidInput, s.name()+" was not changed: the edit came back empty (even the header comment is gone); to remove every key, leave {} in the file",
			s.resumeCommand(file))
	}
	if file != "" && len(edited) == 0 {
		// An editor that truncated the file (or quit before writing a new
		// one) must not empty a secret file: an empty file is written on
		// purpose as NAME: "" in the whole edit.
		if err := kept.Remove(); err != nil {
			return err
		}
		return clierr.Of(clierr.InvalidInput, fmt.Sprintf("%s was not changed: %s came back empty; to make it an empty file on purpose, run lain %s edit and write %s: \"\"", s.name(), file, s.Kind.Command(), file),
			s.resumeCommand(file))
	}
	if old, had := sec.Data[file]; file != "" && had && onlyFinalNewlineAdded(old, edited) {
		// vi and most editors end a file they save with a newline: a token
		// saved unchanged would gain one, and an app comparing it break.
		s.say("%s: %s only gained a final newline (editors add one on save): not applied; to add it on purpose, lain %s edit and write it in the YAML", s.name(), file, s.Kind.Command())
		edited = old
	}
	var after map[string][]byte
	if file != "" {
		after = copyData(sec.Data)
		after[file] = edited
	} else {
		var problems []string
		after, problems = s.Kind.Parse(kept.Path, edited, sec.Data)
		if len(problems) > 0 {
			return &clierr.Error{Kind: clierr.InvalidInput,
				Msg:  fmt.Sprintf("%s was not changed: your edit has problems:\n  %s\nyour edit is kept in %s", s.name(), strings.Join(problems, "\n  "), kept.Path),
				Next: s.resumeCommand(file) + "   # opens your kept edit again",
				Code: clierr.ExitUsage,
			}
		}
	}
	return s.apply(ctx, sec, after, kept, file, true)
}

// editorFailed keeps the edit as it was opened: an editor that crashed or
// was killed may have left half a file, which resumed and saved would
// remove every key it lost. What it left is kept beside, for the user.
func (s *Session) editorFailed(kept Kept, opened []byte, err error) error {
	why := "the editor did not finish (" + oneLine(err) + ")"
	left, lerr := kept.Load()
	if lerr == nil && left != nil && !bytes.Equal(left, opened) {
		aside := unfinished(kept)
		if aside.Save(left) == nil {
			why += "; what it left is in " + aside.Path + ", not applied"
		}
	}
	if serr := kept.Save(opened); serr != nil {
		return serr
	}
	return s.keptError(kept, why, err)
}

// onlyFinalNewlineAdded reports an edit that is old plus a line ending.
func onlyFinalNewlineAdded(old, edited []byte) bool {
	if len(old) == 0 || bytes.HasSuffix(old, []byte("\n")) {
		return false
	}
	rest, ok := bytes.CutPrefix(edited, old)
	return ok && (string(rest) == "\n" || string(rest) == "\r\n")
}

// unfinished is where an editor's leftovers are kept: kept.unfinished, or
// .unfinished-2, -3... when an earlier one is still there (an editor that
// failed twice must not replace the first leftovers with the second).
func unfinished(kept Kept) Kept {
	p := kept.Path + ".unfinished"
	for n := 2; ; n++ {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return Kept{Path: p}
		}
		p = fmt.Sprintf("%s.unfinished-%d", kept.Path, n)
	}
}

func (s *Session) resumeCommand(file string) string {
	cmd := "lain " + s.Kind.Command() + " edit"
	if file != "" {
		cmd += " " + file
	}
	return cmd
}

func (s *Session) keptError(kept Kept, why string, err error) *clierr.Error {
	return &clierr.Error{Kind: clierr.Failed, Msg: fmt.Sprintf("%s was not changed: %s; your edit is kept in %s", s.name(), why, kept.Path), Next: s.resumeCommand(fileOf(kept, s.name())) + "   # opens your kept edit again", Err: err}
}

func fileOf(k Kept, secret string) string {
	base := k.Path[strings.LastIndexAny(k.Path, `/\`)+1:]
	if f, ok := strings.CutPrefix(base, secret+"--"); ok {
		return f
	}
	return ""
}

func copyData(d map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}

// apply writes after over sec: shows the keys that change, asks (confirm
// and a terminal), writes, announces, restarts on --auto-pilot. kept is
// removed on success, and keeps the edit otherwise (zero Kept: nothing to
// keep, e.g. `env add`).
func (s *Session) apply(ctx context.Context, sec *kube.Secret, after map[string][]byte, kept Kept, file string, confirm bool) error {
	diff := Diff(sec.Data, after)
	if diff.Empty() {
		s.say("%s: no change, nothing applied", s.name())
		if kept.Path != "" {
			return kept.Remove()
		}
		return nil
	}
	s.say("%s on cluster %s: %s", s.name(), s.Cluster, diff.String())
	if confirm && s.IO.CanPrompt() {
		ok, err := s.Prompter.Confirm(fmt.Sprintf("Apply these changes to %s on cluster %s?", s.name(), s.Cluster), true)
		if err != nil {
			if kept.Path != "" {
				return s.keptError(kept, "interrupted", err)
			}
			return err
		}
		if !ok {
			if kept.Path != "" {
				return s.keptError(kept, "you did not confirm", nil)
			}
			return clierr.New(s.name()+" was not changed: you did not confirm", "")
		}
	}
	next := &kube.Secret{Name: sec.Name, Data: after, Labels: sec.Labels, ResourceVersion: sec.ResourceVersion}
	if err := s.Kube.ApplySecret(ctx, next); err != nil {
		why := "the cluster refused it: " + oneLine(err)
		cause, _ := toolerr.Classify(err)
		switch {
		case errors.Is(err, kube.ErrConflict):
			why = "someone changed it on the cluster while you edited (" + oneLine(err) + "); the next edit shows the keys that differ from their version"
		case cause.Access():
			why = cause.Why()
		default:
			cause = toolerr.Cause{} // the refusal's own words say it best
		}
		if kept.Path == "" {
			next := cause.Next()
			if next == "" {
				next = "lain " + s.Kind.Command() + " show   # what it holds now; then run the command again"
			}
			return &clierr.Error{Kind: clierr.Failed, Msg: s.name() + " was not changed: " + why, Next: next, Err: err}
		}
		e := s.keptError(kept, why, err)
		if next := cause.Next(); next != "" {
			e.Next = next + "; then: " + e.Next
		}
		return e
	}
	if s.DryRun {
		if kept.Path != "" {
			s.say("dry run: %s was not changed; your edit is kept in %s", s.name(), kept.Path)
		}
		return nil
	}
	if kept.Path != "" {
		if err := kept.Remove(); err != nil {
			s.say("warning: could not remove %s: %v", kept.Path, err)
		}
	}
	s.say("%s updated", s.name())
	s.announce(ctx, diff)
	return s.afterChange(ctx)
}

func (s *Session) announce(ctx context.Context, diff webhook.KeyChanges) {
	if s.HTTP == nil {
		return
	}
	msg := webhook.Message{App: s.App, Cluster: s.Cluster, User: s.User, Event: s.Kind.Command() + " change", Object: s.name(), Keys: &diff}
	if err := webhook.Send(ctx, s.HTTP, s.Webhook, msg); err != nil {
		s.say("warning: %v", err)
	}
}

// afterChange restarts the app on --auto-pilot, or says how to.
func (s *Session) afterChange(ctx context.Context) error {
	if s.Deployed != nil && !s.Deployed(ctx) {
		s.say("%s is not deployed on cluster %s yet: its pods will read %s when you deploy it (lain deploy)", s.App, s.Cluster, s.name())
		return nil
	}
	if s.AutoPilot && s.Restart != nil {
		s.say("--auto-pilot: restarting %s gracefully so its pods read the new %s", s.App, s.name())
		return s.Restart(ctx)
	}
	s.say("running pods read %s when they start; restart them gracefully with:\n  kubectl rollout restart deployment -l %s\n(with lain --auto-pilot %s ..., lain does it for you)", s.name(), kube.AppSelector(s.App), s.Kind.Command())
	return nil
}

func (s *Session) adviseIfNotDeployed(ctx context.Context) {
	if s.Deployed != nil && !s.Deployed(ctx) {
		s.say("note: %s is not deployed on cluster %s yet (lain deploy)", s.App, s.Cluster)
	}
}

// setAttempts bounds how often Set reads the Secret again after another
// writer changed it between Set's read and its write.
// Each lain that loses waits a random moment, so that several at once
// (a script adding keys in parallel) finish one after the other.
const setAttempts = 8

// Set adds or replaces keys (env add, addfile; secret add). It only adds
// to what the cluster holds, so when someone else changed the Secret
// between the read and the write (409 Conflict), it reads theirs and adds
// again: two env add run at once both keep their keys.
func (s *Session) Set(ctx context.Context, values map[string][]byte) error {
	if err := s.checkKeys(values); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.setOnce(ctx, values)
		if attempt == setAttempts || !errors.Is(err, kube.ErrConflict) {
			return err
		}
		s.say("%s changed on cluster %s meanwhile (someone else's change): reading it again to add to theirs", s.name(), s.Cluster)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(50+rand.IntN(100*attempt)) * time.Millisecond):
		}
	}
}

func (s *Session) setOnce(ctx context.Context, values map[string][]byte) error {
	sec, err := s.currentOr(ctx, map[string][]byte{})
	if err != nil {
		return err
	}
	after := copyData(sec.Data)
	// The example lain made on first use has served its purpose once the
	// user adds a file of their own; a changed one is theirs and stays.
	if ex, ok := after[ExampleFile]; ok && s.Kind != Env && string(ex) == string(s.Kind.Defaults(s.App)[ExampleFile]) && values[ExampleFile] == nil {
		delete(after, ExampleFile)
		s.say("removing the example file %s lain created on first use (unchanged)", ExampleFile)
	}
	for k, v := range values {
		after[k] = v
	}
	return s.apply(ctx, sec, after, Kept{}, "", false)
}

func (s *Session) checkKeys(values map[string][]byte) error {
	var problems []string
	for _, k := range sortedKeys(values) {
		if why := s.Kind.ValidKey(k); why != "" {
			problems = append(problems, k+": "+why)
		}
	}
	if len(problems) > 0 {
		return clierr.Usage(s.name()+" was not changed:\n  "+strings.Join(problems, "\n  "), "lain "+s.Kind.Command()+" --help")
	}
	return nil
}

// Replace makes the Secret hold exactly data (secret apply -f FILE).
func (s *Session) Replace(ctx context.Context, data map[string][]byte) error {
	if err := s.checkKeys(data); err != nil {
		return err
	}
	sec, err := s.currentOr(ctx, map[string][]byte{})
	if err != nil {
		return err
	}
	return s.apply(ctx, sec, data, Kept{}, "", false)
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
