package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// Every kubectl costs ~150 ms of CPU to start, on a machine that also
// runs the rollout: the tracker starts none before the change (helm
// upgrade), then lists the release once (one kubectl) and watches only if
// that list does not settle it, and only the kinds the release has.

// watchBroke is a watch that stopped on its own: the tracker polls
// instead.
type watchBroke struct {
	kind string
	err  error
}

func (e *watchBroke) Error() string { return fmt.Sprintf("watching %s: %v", e.kind, e.err) }
func (e *watchBroke) Unwrap() error { return e.err }

// change is one event of one kind's watch, decoded, or the watch's end.
type change struct {
	kind  string
	typ   string
	obj   decoded
	ended bool
	err   error
}

// follower holds the watches of one rollout.
type follower struct {
	c       *kube.Client
	sel     string
	ctx     context.Context // the watches'
	stop    context.CancelFunc
	wg      sync.WaitGroup
	changes chan change
}

// stopAll ends the watches; every kubectl they ran has exited when it
// returns.
func (f *follower) stopAll() {
	f.stop()
	f.wg.Wait()
}

// follow runs one kind's watch from what the first list saw, its events
// going to f.changes.
func (f *follower) follow(ns string, from watchStart) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		err := f.c.WatchFrom(f.ctx, ns, from.kind, f.sel, from.rv, from.known, forward(f.ctx, from.kind, f.changes))
		select {
		case f.changes <- change{kind: from.kind, ended: true, err: err}:
		case <-f.ctx.Done():
		}
	}()
}

// take records a change with whatever else has come meanwhile (200 pods'
// events are judged once, not 200 times).
func (f *follower) take(s *objects, ch change) error {
	err := apply(s, ch)
	for err == nil && len(f.changes) > 0 {
		err = apply(s, <-f.changes)
	}
	return err
}

// watch lists the release once and judges it: a settled release (lain
// wait on an app that runs) ends there. Otherwise it watches the kinds
// the list showed, from where the list left them, judging the rollout
// again after every change the API server reports.
func (t *Tracker) watch(ctx context.Context, deadline time.Time, out *progress) (Status, error) {
	items, err := kube.New(t.Runner).List(ctx, listKinds, t.selector())
	if err != nil {
		return Status{}, err
	}
	s, starts, ns, err := firstLook(items)
	if err != nil {
		return Status{}, err
	}
	st := evaluate(s, t.Release)
	out.show(st)
	if end, err := t.end(ctx, st); end {
		return st, err
	}
	if t.Namespace != "" {
		ns = t.Namespace
	}
	f := &follower{c: kube.New(t.Runner), sel: t.selector(), changes: make(chan change, 256)}
	f.ctx, f.stop = context.WithCancel(ctx)
	defer f.stopAll() // no kubectl outlives the rollout
	if ns == "" {
		ns = f.c.Namespace(ctx)
	}
	for _, from := range starts {
		f.follow(ns, from)
	}
	timeout := time.NewTimer(deadline.Sub(t.Now()))
	defer timeout.Stop()
	tick := time.NewTicker(out.every())
	defer tick.Stop()
	// A watch that says nothing for a while is checked against a list:
	// a watch that silently stopped must not hang the rollout.
	if t.silence == 0 {
		t.silence = silence
	}
	quiet := time.NewTimer(t.silence)
	defer quiet.Stop()
	dirty := false
	for {
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-timeout.C:
			out.show(st)
			return st, t.timedOut(st, f.sel)
		case <-tick.C:
			if dirty {
				out.show(st)
				dirty = false
			}
		case <-quiet.C:
			polled, err := t.check(ctx, st)
			if err != nil {
				return st, err
			}
			if polled != nil {
				st = *polled
				out.show(st)
				f.stopAll()
				_, err := t.end(ctx, st)
				return st, err
			}
			quiet.Reset(t.silence)
		case ch := <-f.changes:
			if err := f.take(s, ch); err != nil {
				if ctx.Err() != nil {
					return st, ctx.Err()
				}
				return st, err
			}
			if !quiet.Stop() {
				<-quiet.C
			}
			quiet.Reset(t.silence)
			st = evaluate(s, t.Release)
			if st.Failure != nil || (st.Done() && t.replacedGone(st)) {
				out.show(st)
				f.stopAll() // the explanation's queries need not share the machine
				_, err := t.end(ctx, st)
				return st, err
			}
			dirty = true
		}
	}
}

// watchStart is where one kind's watch begins: the newest
// resourceVersion of that kind's listed objects (no newer than its list:
// what changed after comes from the watch) and what the list had.
type watchStart struct {
	kind  string // as kubectl spells it: pods, deployments...
	rv    string // "": none listed; the watch starts with what there is
	top   uint64
	known map[string]string // namespace/name -> resourceVersion
}

// resources are the kubectl names of the kinds the list reads.
var resources = map[string]string{"Deployment": "deployments", "StatefulSet": "statefulsets", "ReplicaSet": "replicasets", "Pod": "pods"}

// firstLook reads the first list: what it shows, the watches it calls
// for (pods always; the workload kinds it has, ReplicaSets with the
// Deployments, to tell their new pods from the old ones) and the
// namespace kubectl listed (from its objects; "" when there are none).
func firstLook(items []json.RawMessage) (*objects, []watchStart, string, error) {
	s := newObjects()
	byKind := map[string]*watchStart{}
	ns := ""
	for _, raw := range items {
		d, err := decode(raw)
		if err != nil {
			return nil, nil, "", err
		}
		s.set(d, false)
		var m kube.ObjectMeta
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		if ns == "" {
			ns = m.Metadata.Namespace
		}
		w := byKind[d.kind]
		if w == nil {
			w = &watchStart{kind: resources[d.kind], known: map[string]string{}}
			byKind[d.kind] = w
		}
		w.known[m.Key()] = m.Metadata.ResourceVersion
		if d.rv > w.top {
			w.top, w.rv = d.rv, m.Metadata.ResourceVersion
		}
	}
	kinds := []string{"Pod"}
	if len(byKind["Deployment"].orNil()) > 0 {
		kinds = append(kinds, "Deployment", "ReplicaSet")
	}
	if len(byKind["StatefulSet"].orNil()) > 0 {
		kinds = append(kinds, "StatefulSet")
	}
	var starts []watchStart
	for _, k := range kinds {
		w := byKind[k]
		if w == nil {
			w = &watchStart{kind: resources[k]}
		}
		if w.rv == "" {
			w.known = nil // not one listed: the watch starts with what there is now
		}
		starts = append(starts, *w)
	}
	return s, starts, ns, nil
}

// orNil is what a kind's list held (nil for a kind it had none of).
func (w *watchStart) orNil() map[string]string {
	if w == nil {
		return nil
	}
	return w.known
}

// silence is how long the watches may say nothing before a list checks
// them.
const silence = 5 * time.Second

// check lists the release (as a poll) when the watches have been quiet:
// the rollout that ended meanwhile is returned; a list that shows what
// the watches did not is a broken watch.
func (t *Tracker) check(ctx context.Context, st Status) (*Status, error) {
	objs, err := list(ctx, t.Runner, t.selector())
	if err != nil {
		return nil, err
	}
	polled := evaluate(objs, t.Release)
	if polled.Failure != nil || (polled.Done() && t.replacedGone(polled)) {
		return &polled, nil
	}
	if lines(polled) != lines(st) {
		return nil, &watchBroke{kind: "the release", err: fmt.Errorf("a list shows what the watches did not: %s", lines(polled))}
	}
	return nil, nil
}

func lines(st Status) string {
	var b strings.Builder
	for _, p := range st.Procs {
		b.WriteString(p.Line() + "; ")
	}
	return b.String()
}

// forward hands one kind's events, decoded, to the tracker.
func forward(ctx context.Context, kind string, changes chan<- change) func(kube.WatchEvent) error {
	return func(e kube.WatchEvent) error {
		ch := change{kind: kind, typ: e.Type}
		if e.Type != kube.WatchSynced {
			d, err := decode(e.Object)
			if err != nil {
				return err
			}
			ch.obj = d
		}
		select {
		case changes <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
}

// apply records a change in s; a watch that ended is an error.
func apply(s *objects, ch change) error {
	switch {
	case ch.ended:
		if ch.err == nil {
			ch.err = errors.New("it ended")
		}
		return &watchBroke{kind: ch.kind, err: ch.err}
	case ch.typ == kube.WatchSynced:
	default:
		s.set(ch.obj, ch.typ == kube.WatchDeleted)
	}
	return nil
}
