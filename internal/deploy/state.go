package deploy

import (
	"context"
	"errors"
	"sync"

	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
)

// state is what deploy must know of the namespace before helm upgrade:
// the revisions of the releases it looks at, and whether the env Secret
// exists.
type state struct {
	releases  map[string][]release.Revision // nil entry: not installed
	envExists bool
	// fromTable: read from the Secrets' labels (no descriptions).
	fromTable bool
}

// readState asks in one kubectl call when helm keeps its releases in the
// namespace's Secrets (its default), else asks helm history for each
// release and kubectl for the Secret, side by side.
func (d *Deployer) readState(ctx context.Context, names []string, envSecret string) (state, error) {
	if release.InSecrets(d.Getenv) {
		ns, err := release.ReadNamespace(ctx, d.Runner)
		if err != nil {
			return state{}, err
		}
		st := state{releases: map[string][]release.Revision{}, envExists: ns.Secrets[envSecret], fromTable: true}
		for _, n := range names {
			st.releases[n] = ns.Releases[n]
		}
		return st, nil
	}
	var bg sync.WaitGroup
	defer bg.Wait()
	histories := make([]*async[[]release.Revision], len(names))
	for i, n := range names {
		histories[i] = start(&bg, func() ([]release.Revision, error) {
			revs, err := release.History(ctx, d.Runner, n)
			if errors.Is(err, release.ErrNotFound) {
				return nil, nil
			}
			return revs, err
		})
	}
	env := start(&bg, func() (bool, error) { return secretExists(ctx, d.Runner, envSecret) })
	st := state{releases: map[string][]release.Revision{}}
	for i, n := range names {
		revs, err := histories[i].wait()
		if err != nil {
			return state{}, err
		}
		st.releases[n] = revs
	}
	var err error
	st.envExists, err = env.wait()
	return st, err
}

func secretExists(ctx context.Context, r runner.Runner, name string) (bool, error) {
	_, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "secret", name, "-o", "name"}, Capture: true, Quiet: true})
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		return false, nil
	}
	return err == nil, err
}
