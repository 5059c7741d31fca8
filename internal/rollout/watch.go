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
	c := kube.New(t.Runner)
	ns := t.Namespace
	if ns == "" {
		ns = c.Namespace(ctx)
	}
	s, starts, err := t.firstLook(ctx, c, ns)
	if err != nil {
		return Status{}, err
	}
	st := evaluate(s, t.Release)
	out.show(st)
	if end, err := t.end(ctx, st); end {
		return st, err
	}
	f := &follower{c: c, sel: t.selector(), changes: make(chan change, 256)}
	f.ctx, f.stop = context.WithCancel(ctx)
	defer f.stopAll() // no kubectl outlives the rollout
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

// watchStart is where one kind's watch begins: a resourceVersion no newer
// than the list that read the kind (what changed after comes from the
// watch) and what the list had.
type watchStart struct {
	kind  string // as kubectl spells it: pods, deployments...
	rv    string // "": the watch starts with what there is, as added
	top   uint64
	known map[string]string // namespace/name -> resourceVersion
}

// resources are the kubectl names of the workload kinds.
var resources = map[string]string{"Deployment": "deployments", "StatefulSet": "statefulsets", "ReplicaSet": "replicasets"}

// firstLook lists the release in two kubectl calls side by side: its
// workloads (-o json, a few objects) and its pods (get --raw: at 200
// replicas -o json takes seconds to print them). It returns what they
// show and the watches they call for: pods always; the workload kinds
// listed (ReplicaSets with the Deployments, to tell their new pods from
// the old ones).
func (t *Tracker) firstLook(ctx context.Context, c *kube.Client, ns string) (*objects, []watchStart, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type podList struct {
		items []json.RawMessage
		rv    string
		err   error
	}
	podsQ := make(chan podList, 1)
	go func() {
		items, rv, err := c.ListFrom(ctx, ns, "pods", t.selector())
		podsQ <- podList{items, rv, err}
	}()
	items, err := c.List(ctx, workloadKinds, t.selector())
	if err != nil {
		return nil, nil, err
	}
	pods := <-podsQ
	if pods.err != nil {
		return nil, nil, pods.err
	}
	s := newObjects()
	byKind := map[string]*watchStart{}
	for _, raw := range items {
		d, err := decode(raw)
		if err != nil {
			return nil, nil, err
		}
		var m kube.ObjectMeta
		if json.Unmarshal(raw, &m) != nil || resources[d.kind] == "" {
			continue
		}
		// The namespace lain looked up must be the one kubectl used.
		if t.Namespace == "" && m.Metadata.Namespace != ns && m.Metadata.Namespace != "" {
			return nil, nil, &watchBroke{kind: "the release", err: fmt.Errorf("lain looks at namespace %s, kubectl at %s", ns, m.Metadata.Namespace)}
		}
		s.set(d, false)
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
	podsFrom := watchStart{kind: "pods", rv: pods.rv, known: map[string]string{}}
	for _, raw := range pods.items {
		d, err := decode(raw)
		if err != nil {
			return nil, nil, err
		}
		var m kube.ObjectMeta
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, nil, err
		}
		s.set(d, false)
		podsFrom.known[m.Key()] = m.Metadata.ResourceVersion
	}
	starts := []watchStart{podsFrom}
	var kinds []string
	if byKind["Deployment"] != nil {
		kinds = append(kinds, "Deployment", "ReplicaSet")
	}
	if byKind["StatefulSet"] != nil {
		kinds = append(kinds, "StatefulSet")
	}
	for _, k := range kinds {
		w := byKind[k]
		if w == nil {
			w = &watchStart{kind: resources[k]}
		}
		starts = append(starts, *w)
	}
	return s, starts, nil
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
