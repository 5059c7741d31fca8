package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// watchKinds are the kinds a rollout follows, each watched by its own
// kubectl (kubectl watches one kind at a time).
var watchKinds = []struct{ resource, kind string }{
	{"deployments", "Deployment"}, {"statefulsets", "StatefulSet"}, {"replicasets", "ReplicaSet"}, {"pods", "Pod"},
}

// watchBroke is a watch that stopped on its own: the tracker polls
// instead.
type watchBroke struct {
	kind string
	err  error
}

func (e *watchBroke) Error() string { return fmt.Sprintf("the watch of %s broke: %v", e.kind, e.err) }
func (e *watchBroke) Unwrap() error { return e.err }

// change is one event of one kind's watch, decoded, or the watch's end.
type change struct {
	kind  string
	typ   string
	obj   decoded
	ended bool
	err   error
}

// listed is what the first list said of one kind: where its watch starts.
type listed struct {
	rv    uint64            // the newest object's resourceVersion (0: unknown)
	known map[string]string // namespace/name -> resourceVersion
}

// follower holds the watches of one rollout and what they said.
type follower struct {
	c       *kube.Client
	sel     string
	ctx     context.Context // the watches'
	stop    context.CancelFunc
	wg      sync.WaitGroup
	changes chan change
	ns      chan string // the namespace, once known
	s       *objects
	synced  map[string]bool
	err     error // a watch that broke
}

// Start begins following the release's pods (their list, then a watch)
// now: called before the change that starts the rollout (helm upgrade),
// it leaves Wait only the workloads to read after it. Wait starts it
// itself when nobody did; Stop (or Wait) ends it.
func (t *Tracker) Start(ctx context.Context) {
	if t.f != nil {
		return
	}
	sel := t.Selector
	if sel == "" {
		sel = Selector(t.Release)
	}
	f := &follower{c: kube.New(t.Runner), sel: sel, changes: make(chan change, 256), ns: make(chan string, 1), s: newObjects(), synced: map[string]bool{"pods": false}}
	f.ctx, f.stop = context.WithCancel(ctx)
	t.f = f
	f.follow("pods", func(each func(kube.WatchEvent) error) error {
		ns := t.Namespace
		if ns == "" {
			ns = f.c.Namespace(f.ctx)
		}
		f.ns <- ns
		return f.c.WatchIn(f.ctx, ns, "pods", sel, each)
	})
}

// Stop ends what Start began; every kubectl it ran has exited when it
// returns.
func (t *Tracker) Stop() {
	if t.f != nil {
		t.f.stop()
		t.f.wg.Wait()
	}
}

// Pods are the names of the release's current pods (Snapshot's answer,
// from the pods' watch that Start began).
func (t *Tracker) Pods(ctx context.Context) (map[string]bool, error) {
	t.Start(ctx)
	f := t.f
	for !f.synced["pods"] {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ch := <-f.changes:
			if err := f.take(ch); err != nil {
				return nil, err
			}
		}
	}
	names := map[string]bool{}
	for name, p := range f.s.pods {
		if counted(p) {
			names[name] = true
		}
	}
	return names, nil
}

// follow runs one kind's watch, its events going to f.changes.
func (f *follower) follow(resource string, watch func(each func(kube.WatchEvent) error) error) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		err := watch(forward(f.ctx, resource, f.changes))
		select {
		case f.changes <- change{kind: resource, ended: true, err: err}:
		case <-f.ctx.Done():
		}
	}()
}

// take records a change with whatever else has come meanwhile (a list of
// 200 pods is judged once, not 200 times).
func (f *follower) take(ch change) error {
	err := apply(f.s, f.synced, ch)
	for err == nil && len(f.changes) > 0 {
		err = apply(f.s, f.synced, <-f.changes)
	}
	if err != nil {
		f.err = err // a broken watch stays broken
	}
	return err
}

// watch follows the rollout through a watch per kind, judging it again
// after every change the API server reports. The pods (the big list) are
// listed by their own watch, begun by Start; the workloads are read after
// the change, in one kubectl call, then watched from the newest version
// that list had, so nothing that changed in between is missed and nothing
// is listed twice.
func (t *Tracker) watch(ctx context.Context, deadline time.Time, out *progress) (Status, error) {
	t.Start(ctx)
	f := t.f
	defer t.Stop() // no kubectl outlives the rollout
	c, sel, s, synced := f.c, f.sel, f.s, f.synced
	if f.err != nil {
		return Status{}, f.err // Pods saw it break
	}
	items, err := c.List(ctx, workloadKinds, sel)
	if err != nil {
		return Status{}, err
	}
	from := map[string]*listed{}
	for _, raw := range items {
		d, err := decode(raw)
		if err != nil {
			return Status{}, err
		}
		s.set(d, false)
		var m kube.ObjectMeta
		_ = json.Unmarshal(raw, &m)
		l := from[m.Kind]
		if l == nil {
			l = &listed{known: map[string]string{}}
			from[m.Kind] = l
		}
		l.known[m.Key()] = m.Metadata.ResourceVersion
		// resourceVersions are etcd revisions: numbers, though the API
		// does not promise it; anything else lists the kind again.
		if rv, err := strconv.ParseUint(m.Metadata.ResourceVersion, 10, 64); err == nil && l.rv != math.MaxUint64 {
			l.rv = max(l.rv, rv)
		} else {
			l.rv = math.MaxUint64
		}
	}
	var ns string
	select {
	case ns = <-f.ns:
	case <-ctx.Done():
		return Status{}, ctx.Err()
	}
	for _, k := range watchKinds {
		l := from[k.kind]
		switch {
		case k.kind == "Pod":
			continue // followed already
		case (k.kind == "StatefulSet" && l == nil) || (k.kind == "ReplicaSet" && from["Deployment"] == nil):
			continue // helm made every workload before the rollout: none will come
		case l != nil && l.rv != math.MaxUint64:
			f.follow(k.resource, func(each func(kube.WatchEvent) error) error {
				return c.WatchFrom(f.ctx, ns, k.resource, sel, strconv.FormatUint(l.rv, 10), l.known, each)
			})
		default:
			synced[k.resource] = false
			f.follow(k.resource, func(each func(kube.WatchEvent) error) error {
				return c.WatchIn(f.ctx, ns, k.resource, sel, each)
			})
		}
	}
	var st Status
	timeout := time.NewTimer(deadline.Sub(t.Now()))
	defer timeout.Stop()
	tick := time.NewTicker(out.every())
	defer tick.Stop()
	// What came during the upgrade is judged in the first look.
	for len(f.changes) > 0 {
		if err := f.take(<-f.changes); err != nil {
			return Status{}, err
		}
	}
	dirty, judge := false, true
	for {
		// Judge only whole lists: half of one could end the rollout early.
		if judge && allTrue(synced) {
			first := st.Procs == nil
			st = evaluate(s, t.Release)
			if st.Failure != nil || (st.Done() && t.replacedGone(st)) {
				out.show(st)
				f.stop() // the explanation's queries need not share the machine
				_, err := t.end(ctx, st)
				return st, err
			}
			if dirty = true; first {
				out.show(st)
				dirty = false
			}
		}
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
			judge = false
		case ch := <-f.changes:
			if err := f.take(ch); err != nil {
				if ctx.Err() != nil {
					return st, ctx.Err()
				}
				return st, err
			}
			judge = true
		}
	}
}

func allTrue(m map[string]bool) bool {
	for _, v := range m {
		if !v {
			return false
		}
	}
	return true
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
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// apply records a change in s; a watch that ended is an error.
func apply(s *objects, synced map[string]bool, ch change) error {
	switch {
	case ch.ended:
		return &watchBroke{kind: ch.kind, err: ch.err}
	case ch.typ == kube.WatchSynced:
		synced[ch.kind] = true
	default:
		s.set(ch.obj, ch.typ == kube.WatchDeleted)
	}
	return nil
}
