package chart

import (
	"context"

	"github.com/lain-cli/lain/internal/runner"
)

// CommitMessage is the message of `lain init --commit`; [skip ci] keeps a
// chart upgrade from triggering a deploy pipeline.
const CommitMessage = "[skip ci] upgrade helm chart to " + Version

// commitPaths are chart/ without values*.yaml (the user's, and their
// backups) and the original's templates moved aside. values.schema.json is
// lain's, so it is committed with the templates.
func commitPaths() []string {
	return []string{"--", "chart", ":(exclude)chart/values*.yaml", ":(exclude)chart/values*.backup-*", ":(exclude)chart/templates.backup-*"}
}

// Commit commits the app's chart/ in dir without values*.yaml, leaving
// whatever else the user staged staged and uncommitted. It reports false
// when there was nothing to commit. On a dry run the runner only prints.
func Commit(ctx context.Context, r runner.Runner, dir string, dryRun bool) (bool, error) {
	git := func(mutates bool, args ...string) error {
		_, err := r.Run(ctx, runner.Cmd{Name: "git", Args: append(args, commitPaths()...), Dir: dir, Mutates: mutates, Capture: !mutates, Quiet: !mutates})
		return err
	}
	if err := git(true, "add"); err != nil {
		return false, err
	}
	// diff --quiet exits 0 when the index has nothing new under chart/.
	if !dryRun && git(false, "diff", "--cached", "--quiet") == nil {
		return false, nil
	}
	return true, git(true, "commit", "-m", CommitMessage)
}
