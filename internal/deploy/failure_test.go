package deploy

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// fixture is what helm printed on the lab (internal/toolerr/testdata).
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../toolerr/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Issue 14: the API server went away during helm upgrade. Rollback cannot
// help (it cannot reach the cluster either): lain says the cluster stopped
// answering, whether the release changed, and lain doctor.
func TestUpgradeFailedBecauseTheClusterStoppedAnswering(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("kubectl get secrets,jobs", secretsTable(true, []string{"shop:1:superseded", "shop:2:deployed"}), 0)
	rec.On("helm history shop ", `[{"revision":1,"status":"superseded"},{"revision":2,"status":"deployed"}]`, 0)
	rec.On("helm get values", `{}`, 0)
	rec.OnError("helm upgrade", &runner.ExitError{Name: "helm", Code: 1, Stderr: fixture(t, "unreachable--helm-upgrade-midway.txt")})
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
	_, err := d.Deploy(context.Background(), q)
	got := clierr.Format(err)
	for _, want := range []string{"helm upgrade of shop failed: the cluster stopped answering (", "the release is unchanged (still revision 2, deployed)", "next: lain doctor"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "rollback") {
		t.Errorf("advises a rollback that cannot reach the cluster:\n%s", got)
	}
}

// What lain says of the release, only as far as it knows.
func TestReleaseStateAfterTheClusterStoppedAnswering(t *testing.T) {
	before := []release.Revision{{Revision: 4, Status: "deployed"}}
	unreachable := &helmRecorder{}
	unreachable.OnError("helm history", &runner.ExitError{Name: "helm", Code: 1, Stderr: fixture(t, "unreachable--helm-refused.txt")})
	d := &Deployer{Runner: unreachable, ErrOut: &strings.Builder{}}
	first := toolerr.ClassifyText(fixture(t, "unreachable--helm-refused.txt")) // helm's first check
	if got := d.releaseState(context.Background(), "shop", before, first); !strings.HasPrefix(got, "the release is unchanged (helm stopped before changing anything") {
		t.Error(got)
	}
	midway := toolerr.ClassifyText(fixture(t, "unreachable--helm-upgrade-midway.txt"))
	if got := d.releaseState(context.Background(), "shop", before, midway); !strings.HasPrefix(got, "lain could not check whether the release changed") {
		t.Error(got)
	}
	answers := &helmRecorder{}
	answers.On("helm history", `[{"revision":4,"status":"deployed"},{"revision":5,"status":"pending-upgrade"}]`, 0)
	d.Runner = answers
	if got := d.releaseState(context.Background(), "shop", before, midway); got != "the release is now at revision 5, pending-upgrade: stuck until rolled back (lain --auto-pilot deploy does it first)" {
		t.Error(got)
	}
}

// Two deploys at once (seen on the lab): helm refuses the second. lain
// must not advise a rollback, which would undo the other deploy.
func TestUpgradeRefusedBecauseAnotherRanAtOnce(t *testing.T) {
	for _, stderr := range []string{
		"Error: UPGRADE FAILED: release: already exists\n",
		"Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n",
	} {
		q := request(t)
		rec := &helmRecorder{}
		rec.On("kubectl get secrets,jobs", secretsTable(true, []string{"shop:1:deployed"}), 0)
		rec.On("helm get values", `{}`, 0)
		rec.OnError("helm upgrade", &runner.ExitError{Name: "helm", Code: 1, Stderr: stderr})
		d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
		_, err := d.Deploy(context.Background(), q)
		got := clierr.Format(err)
		if !strings.Contains(got, "ran at the same time") || !strings.Contains(got, "next: lain status") || strings.Contains(got, "rollback   #") {
			t.Errorf("helm said %q; lain said:\n%s", stderr, got)
		}
	}
}
