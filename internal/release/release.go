// Package release reads a helm release's state through helm: its history,
// whether it is stuck mid-operation, which revision a rollback should go
// to, and the values a revision was deployed with.
package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// ErrNotFound is returned when helm has no such release in the namespace.
var ErrNotFound = errors.New("release not found")

// Revision is one line of `helm history -o json`.
type Revision struct {
	Revision    int    `json:"revision"`
	Updated     string `json:"updated"`
	Status      string `json:"status"`
	Chart       string `json:"chart"`
	AppVersion  string `json:"app_version"`
	Description string `json:"description"`
}

// Statuses of a release that is in the middle of an operation (or was left
// there by one that died): helm refuses to upgrade it.
var stuck = map[string]bool{"pending-install": true, "pending-upgrade": true, "pending-rollback": true, "uninstalling": true}

// IsStuck reports whether status is one helm cannot upgrade from.
func IsStuck(status string) bool { return stuck[status] }

// History returns the release's revisions, oldest first.
func History(ctx context.Context, r runner.Runner, name string) ([]Revision, error) {
	res, err := r.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"history", name, "--max", "50", "-o", "json"}, Capture: true, Quiet: true})
	if err != nil {
		if strings.Contains(string(res.Stderr), "not found") {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var revs []Revision
	if err := json.Unmarshal(res.Stdout, &revs); err != nil {
		return nil, fmt.Errorf("reading `helm history %s -o json`: %w", name, err)
	}
	return revs, nil
}

// Current is the newest revision.
func Current(revs []Revision) (Revision, bool) {
	if len(revs) == 0 {
		return Revision{}, false
	}
	return revs[len(revs)-1], true
}

// RollbackTarget is the newest revision before the current one that was
// really running (deployed or superseded): pending and failed revisions
// never served traffic, so rolling back to them helps nobody.
func RollbackTarget(revs []Revision) (Revision, error) {
	if len(revs) < 2 {
		return Revision{}, errors.New("there is no earlier revision to roll back to")
	}
	for i := len(revs) - 2; i >= 0; i-- {
		switch revs[i].Status {
		case "deployed", "superseded":
			return revs[i], nil
		}
	}
	return Revision{}, errors.New("no earlier revision was ever deployed successfully")
}

// Values returns the values a revision was deployed with (user-supplied
// ones: --set and -f), as `helm get values -o json`.
func Values(ctx context.Context, r runner.Runner, name string, revision int) (map[string]any, error) {
	args := []string{"get", "values", name, "-o", "json"}
	if revision > 0 {
		args = append(args, "--revision", strconv.Itoa(revision))
	}
	res, err := r.Run(ctx, runner.Cmd{Name: "helm", Args: args, Capture: true, Quiet: true})
	if err != nil {
		if strings.Contains(string(res.Stderr), "not found") {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(res.Stdout, &v); err != nil {
		return nil, fmt.Errorf("reading `helm get values %s -o json`: %w", name, err)
	}
	return v, nil
}

// ImageTag is the imageTag a revision was deployed with ("" when unset).
func ImageTag(values map[string]any) string {
	if s, ok := values["imageTag"].(string); ok {
		return s
	}
	if n, ok := values["imageTag"].(float64); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}
