package rollout

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// watchKinds are the kinds a rollout watches, each in its own kubectl
// (kubectl watches one kind at a time).
var watchKinds = []string{"deployments", "statefulsets", "replicasets", "pods"}

// watchBroke is a watch that stopped on its own: the tracker polls
// instead.
type watchBroke struct {
	kind string
	err  error
}

func (e *watchBroke) Error() string { return fmt.Sprintf("the watch of %s broke: %v", e.kind, e.err) }
func (e *watchBroke) Unwrap() error { return e.err }

// errNotNeeded ends the watch of a kind the release has none of (most
// apps have no StatefulSet; helm made every object before the rollout).
var errNotNeeded = errors.New("nothing to watch")

// change is one event of one kind's watch, decoded, or the watch's end.
type change struct {
	kind  string
	typ   string
	obj   decoded
	ended bool
	err   error
}

// watch follows the rollout from one list plus a watch per kind, judging it
// again after every change the API server reports.
func (t *Tracker) watch(ctx context.Context, sel string, deadline time.Time, out *progress) (Status, error) {
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stop()
		wg.Wait() // no kubectl outlives the rollout
	}()
	c := kube.New(t.Runner)
	ns := t.Namespace
	if ns == "" {
		ns = c.Namespace(ctx)
	}
	changes := make(chan change, 256)
	for _, kind := range watchKinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.WatchIn(wctx, ns, kind, sel, t.forward(wctx, kind, changes))
			select {
			case changes <- change{kind: kind, ended: true, err: err}:
			case <-wctx.Done():
			}
		}()
	}
	s := newObjects()
	synced := map[string]bool{}
	timeout := time.NewTimer(deadline.Sub(t.Now()))
	defer timeout.Stop()
	tick := time.NewTicker(out.every())
	defer tick.Stop()
	var st Status
	dirty := false
	for {
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-timeout.C:
			out.show(st)
			return st, t.timedOut(st, sel)
		case <-tick.C:
			if dirty {
				out.show(st)
				dirty = false
			}
			continue
		case ch := <-changes:
			err := apply(s, synced, ch)
			// Take what else has come before judging: a list of 200 pods
			// is judged once, not 200 times.
			for err == nil && len(changes) > 0 {
				err = apply(s, synced, <-changes)
			}
			if ctx.Err() != nil {
				return st, ctx.Err()
			}
			if err != nil {
				return st, err
			}
		}
		if len(synced) < len(watchKinds) {
			continue // judging half a list could end the rollout early
		}
		st = evaluate(s, t.Release)
		if st.Failure != nil || (st.Done() && t.replacedGone(st)) {
			out.show(st)
			stop() // the explanation's queries need not share the machine
			_, err := t.end(ctx, st)
			return st, err
		}
		dirty = true
	}
}

// forward hands one kind's events, decoded, to the tracker.
func (t *Tracker) forward(ctx context.Context, kind string, changes chan<- change) func(kube.WatchEvent) error {
	seen := 0
	return func(e kube.WatchEvent) error {
		ch := change{kind: kind, typ: e.Type}
		if e.Type != kube.WatchSynced {
			d, err := decode(e.Object)
			if err != nil {
				return err
			}
			ch.obj = d
			seen++
		}
		select {
		case changes <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		if e.Type == kube.WatchSynced && seen == 0 && kind == "statefulsets" {
			return errNotNeeded
		}
		return nil
	}
}

// apply records a change in s; a watch that ended is an error unless it
// was not needed.
func apply(s *objects, synced map[string]bool, ch change) error {
	switch {
	case ch.ended:
		if errors.Is(ch.err, errNotNeeded) {
			return nil
		}
		return &watchBroke{kind: ch.kind, err: ch.err}
	case ch.typ == kube.WatchSynced:
		synced[ch.kind] = true
	default:
		s.set(ch.obj, ch.typ == kube.WatchDeleted)
	}
	return nil
}
