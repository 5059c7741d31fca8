package statusview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// Watched keeps what runs of an app up to date for the full-screen view:
// one list plus one watch per kind (kube.AppKinds), however long the view
// stays open, instead of listing the whole app at every refresh. A watch
// that breaks (kubectl killed, the cluster gone) is started again after a
// pause (2 s, doubling up to 30 s while it keeps breaking), which lists
// that kind again; until then the last state is kept and the failure is
// shown.
type Watched struct {
	Kube      *kube.Client
	App       string
	Namespace string
	// Retry is the pause before a broken watch starts again (2 s when 0).
	Retry time.Duration

	mu      sync.Mutex
	objects map[string]map[string]json.RawMessage // kind -> namespace/name -> object
	failed  map[string]error                      // kind -> why its watch is down
	changed chan struct{}
}

// Start runs the watches until ctx ends. Changed delivers a value (at
// most one pending) whenever something changed.
func (w *Watched) Start(ctx context.Context) {
	w.mu.Lock()
	w.objects = map[string]map[string]json.RawMessage{}
	w.failed = map[string]error{}
	w.changed = make(chan struct{}, 1)
	w.mu.Unlock()
	for _, kind := range kube.AppKinds() {
		go w.run(ctx, kind)
	}
}

// Changed is signalled after every change (and failure) of the state.
func (w *Watched) Changed() <-chan struct{} { return w.changed }

func (w *Watched) run(ctx context.Context, kind string) {
	base := w.Retry
	if base == 0 {
		base = 2 * time.Second
	}
	retry := base
	for ctx.Err() == nil {
		started := time.Now()
		// A fresh list after each break: objects deleted meanwhile must go.
		pending := map[string]json.RawMessage{}
		synced := false
		err := w.Kube.WatchIn(ctx, w.Namespace, kind, kube.AppSelector(w.App), func(e kube.WatchEvent) error {
			if e.Type == kube.WatchSynced {
				synced = true
				w.update(kind, pending, nil)
				return nil
			}
			var m struct {
				Metadata struct{ Name, Namespace string } `json:"metadata"`
			}
			if err := json.Unmarshal(e.Object, &m); err != nil {
				return err
			}
			key := m.Metadata.Namespace + "/" + m.Metadata.Name
			// Once synced, pending is the map the view reads.
			if synced {
				w.mu.Lock()
				defer func() { w.mu.Unlock(); w.signal() }()
			}
			if e.Type == kube.WatchDeleted {
				delete(pending, key)
			} else {
				pending[key] = e.Object
			}
			return nil
		})
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("the watch ended")
		}
		w.update(kind, nil, err)
		// A watch that keeps breaking at once (RBAC may allow list but not
		// watch) is tried less and less often, up to every 30 s.
		if time.Since(started) > 30*time.Second {
			retry = base
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
		retry = min(2*retry, max(base, 30*time.Second))
	}
}

// update installs a kind's freshly listed objects, or records why its
// watch is down (keeping the objects last seen).
func (w *Watched) update(kind string, objects map[string]json.RawMessage, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.failed[kind] = err
	} else {
		w.objects[kind] = objects
		delete(w.failed, kind)
	}
	w.signal()
}

// signal notes a change without blocking (one pending is enough).
func (w *Watched) signal() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// ErrLoading is State before every kind has been listed once.
var ErrLoading = errors.New("still listing the app")

// State is the app as the watches last saw it; ErrLoading until every kind
// was listed, the failure of a watch that never listed, or (with the
// state) the failure of a watch that is down: the view shows both.
func (w *Watched) State() (*kube.App, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var objects []json.RawMessage
	var down error
	for _, kind := range kube.AppKinds() {
		listed, ok := w.objects[kind]
		if err := w.failed[kind]; err != nil {
			if !ok {
				return nil, err
			}
			down = fmt.Errorf("watching %s: %w (showing what was last seen; trying again)", kind, err)
		} else if !ok {
			return nil, ErrLoading
		}
		for _, o := range listed {
			objects = append(objects, o)
		}
	}
	st, err := kube.AppFromObjects(w.App, objects)
	if err != nil {
		return nil, err
	}
	return st, down
}
