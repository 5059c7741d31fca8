package chart

import (
	"context"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/runner"
)

func TestCommitDryRunOnlyPrints(t *testing.T) {
	rec := &runner.Recorder{DryRun: true}
	committed, err := Commit(context.Background(), rec, "/app", true)
	want := "git add -- chart ':(exclude)chart/values*.yaml' ':(exclude)chart/values*.backup-*' ':(exclude)chart/templates.backup-*'\ngit commit -m '[skip ci] upgrade helm chart to " + Version + "' -- chart ':(exclude)chart/values*.yaml' ':(exclude)chart/values*.backup-*' ':(exclude)chart/templates.backup-*'"
	if err != nil || !committed || strings.Join(rec.Lines, "\n") != want {
		t.Fatalf("%v %v\n%s", committed, err, rec)
	}
	for _, c := range rec.Cmds {
		if !c.Mutates || c.Dir != "/app" {
			t.Errorf("%+v", c)
		}
	}
}

func TestCommitNothingStaged(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("git diff", "", 0) // exit 0: nothing new under chart/
	if committed, err := Commit(context.Background(), rec, "/app", false); err != nil || committed || len(rec.Lines) != 2 {
		t.Fatalf("%v %v\n%s", committed, err, rec)
	}
	rec = &runner.Recorder{}
	rec.On("git diff", "", 1)
	if committed, err := Commit(context.Background(), rec, "/app", false); err != nil || !committed || !strings.HasPrefix(rec.Lines[2], "git commit") {
		t.Fatalf("%v %v\n%s", committed, err, rec)
	}
}
