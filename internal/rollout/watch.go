package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// watchKinds are the kinds a rollout follows, each watched by its own
// kubectl (kubectl watches one kind at a time).
var watchKinds = []string{"deployments", "statefulsets", "replicasets", "pods"}

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

// Start begins following the release now (a list, then a watch, of each
// kind): called before the change that starts the rollout (helm upgrade),
// it leaves Wait one small list to read after it, to be sure of the
// workloads' new state. Wait starts it itself when nobody did; Stop (or
// Wait) ends it.
func (t *Tracker) Start(ctx context.Context) {
	if t.f != nil {
		return
	}
	sel := t.Selector
	if sel == "" {
		sel = Selector(t.Release)
	}
	f := &follower{c: kube.New(t.Runner), sel: sel, changes: make(chan change, 256), ns: make(chan string, 1), s: newObjects(), synced: map[string]bool{}}
	for _, kind := range watchKinds {
		f.synced[kind] = false
	}
	f.ctx, f.stop = context.WithCancel(ctx)
	t.f = f
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		ns := t.Namespace
		if ns == "" {
			ns = f.c.Namespace(f.ctx)
		}
		f.ns <- ns
		for _, kind := range watchKinds {
			f.follow(kind, func(each func(kube.WatchEvent) error) error {
				return f.c.WatchIn(f.ctx, ns, kind, sel, each)
			})
		}
	}()
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
// after every change the API server reports. When Start began the
// watches before the change, the workloads are listed once more first
// (one kubectl call): their watch may not have told the change yet, and
// judging the new pods by the old template could end the rollout early.
func (t *Tracker) watch(ctx context.Context, deadline time.Time, out *progress) (Status, error) {
	early := t.f != nil
	t.Start(ctx)
	f := t.f
	defer t.Stop() // no kubectl outlives the rollout
	if f.err != nil {
		return Status{}, f.err // Pods saw it break
	}
	// The workloads' list runs beside the watches: until it is in, only a
	// pod of a ReplicaSet made since Start (so of the new template) can be
	// judged, and only as failing.
	var workloads chan listResult
	if early {
		workloads = make(chan listResult, 1)
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			items, err := f.c.List(lctx, workloadKinds, f.sel)
			workloads <- listResult{items, err}
		}()
	}
	// What came meanwhile is judged in the first look.
	for len(f.changes) > 0 {
		if err := f.take(<-f.changes); err != nil {
			return Status{}, err
		}
	}
	var st Status
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
	dirty, judge := false, true
	for {
		// Judge only whole lists: half of one could end the rollout early.
		if workloads != nil && settledByWatch(f.s) {
			workloads = nil // the watches showed the change: no need to wait for the list
		}
		if judge && workloads != nil {
			if failure := earlyFailure(f.s, t.Release); failure != nil {
				f.stop()
				st.Failure = failure
				_, err := t.end(ctx, st)
				return st, err
			}
		}
		if judge && workloads == nil && allTrue(f.synced) {
			first := st.Procs == nil
			st = evaluate(f.s, t.Release)
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
			return st, t.timedOut(st, f.sel)
		case <-tick.C:
			if dirty {
				out.show(st)
				dirty = false
			}
			judge = false
		case res := <-workloads:
			if err := t.known(res); err != nil {
				return st, err
			}
			workloads, judge = nil, true
		case <-quiet.C:
			polled, err := t.check(ctx, st)
			if err != nil {
				return st, err
			}
			if polled != nil {
				st = *polled
				out.show(st)
				_, err := t.end(ctx, st)
				return st, err
			}
			quiet.Reset(t.silence)
			judge = false
		case ch := <-f.changes:
			if err := f.take(ch); err != nil {
				if ctx.Err() != nil {
					return st, ctx.Err()
				}
				return st, err
			}
			if !quiet.Stop() {
				<-quiet.C
			}
			quiet.Reset(t.silence)
			judge = true
		}
	}
}

// listResult is a list's answer.
type listResult struct {
	items []json.RawMessage
	err   error
}

// known takes the workloads' list read after the change.
func (t *Tracker) known(res listResult) error {
	if res.err != nil {
		return res.err
	}
	f := t.f
	ns := <-f.ns // sent before any watch began
	for _, raw := range res.items {
		d, err := decode(raw)
		if err != nil {
			return err
		}
		var m kube.ObjectMeta
		// The namespace lain looked up must be the one kubectl used.
		if json.Unmarshal(raw, &m) == nil && t.Namespace == "" && m.Metadata.Namespace != "" && m.Metadata.Namespace != ns {
			return &watchBroke{kind: "the release", err: fmt.Errorf("the watches look at namespace %s, the release is in %s", ns, m.Metadata.Namespace)}
		}
		f.s.set(d, false)
	}
	return nil
}

// earlyFailure is a failing pod of a ReplicaSet that appeared since the
// watches began: its template is the new one whatever the workloads say.
func earlyFailure(s *objects, release string) *Failure {
	names := make([]string, 0, len(s.fresh))
	for name, p := range s.pods {
		if counted(p) && p.OwnerKind == "ReplicaSet" && s.fresh["ReplicaSet/"+p.OwnerName] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if failure := podFailure(s.pods[name], release); failure != nil {
			return failure
		}
	}
	return nil
}

// settledByWatch reports whether the watches alone show every workload as
// the change left it: each is a Deployment made since Start (helm
// installed it), or one whose current revision is that of a ReplicaSet
// made since Start (the controller made it for the new template).
func settledByWatch(s *objects) bool {
	if len(s.workloads) == 0 {
		return false
	}
	for key, w := range s.workloads {
		if w.Kind != "Deployment" {
			return false
		}
		if s.fresh[key] {
			continue
		}
		made := false
		for name, rs := range s.replicaSets {
			if _, dep := rs.owner(); dep == w.Metadata.Name && s.fresh["ReplicaSet/"+name] && rs.revision() != "" && rs.revision() == w.revision() {
				made = true
				break
			}
		}
		if !made {
			return false
		}
	}
	return true
}

// silence is how long the watches may say nothing before a list checks
// them.
const silence = 5 * time.Second

// check lists the release (as a poll) when the watches have been quiet:
// the rollout that ended meanwhile is returned; a list that shows what
// the watches did not is a broken watch.
func (t *Tracker) check(ctx context.Context, st Status) (*Status, error) {
	objs, err := list(ctx, t.Runner, t.f.sel)
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

func allTrue(m map[string]bool) bool {
	for _, v := range m {
		if !v {
			return false
		}
	}
	return true
}

// forward hands one kind's events, decoded, to the tracker. A release
// without StatefulSets gets none during a rollout (helm made every
// workload before): that watch ends after its list.
func forward(ctx context.Context, kind string, changes chan<- change) func(kube.WatchEvent) error {
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

// errNotNeeded ends the watch of a kind the release has none of.
var errNotNeeded = errors.New("nothing to watch")

// apply records a change in s; a watch that ended is an error.
func apply(s *objects, synced map[string]bool, ch change) error {
	switch {
	case ch.ended && errors.Is(ch.err, errNotNeeded):
		return nil
	case ch.ended:
		return &watchBroke{kind: ch.kind, err: ch.err}
	case ch.typ == kube.WatchSynced:
		synced[ch.kind] = true
	default:
		if ch.typ == kube.WatchAdded && synced[ch.kind] {
			s.fresh[ch.obj.kind+"/"+ch.obj.name] = true // made since the watch began
		}
		s.set(ch.obj, ch.typ == kube.WatchDeleted)
	}
	return nil
}
