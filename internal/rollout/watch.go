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
	count int
	rv    uint64            // the newest object's resourceVersion (0: unknown)
	known map[string]string // namespace/name -> resourceVersion
}

// watch judges the rollout from one list of every kind (one kubectl call,
// as a poll), then follows it through a watch per kind, judging it again
// after every change the API server reports. Each watch starts from the
// newest version its kind's list had, so nothing that changed in between is
// missed and no kind is listed twice.
func (t *Tracker) watch(ctx context.Context, sel string, deadline time.Time, out *progress) (Status, error) {
	c := kube.New(t.Runner)
	items, err := c.List(ctx, listKinds, sel)
	if err != nil {
		return Status{}, err
	}
	s := newObjects()
	from := map[string]*listed{}
	ns := t.Namespace
	for _, raw := range items {
		d, err := decode(raw)
		if err != nil {
			return Status{}, err
		}
		s.set(d, false)
		var m kube.ObjectMeta
		_ = json.Unmarshal(raw, &m)
		if ns == "" {
			ns = m.Metadata.Namespace
		}
		l := from[m.Kind]
		if l == nil {
			l = &listed{known: map[string]string{}}
			from[m.Kind] = l
		}
		l.count++
		l.known[m.Key()] = m.Metadata.ResourceVersion
		// resourceVersions are etcd revisions: numbers, though the API
		// does not promise it; anything else lists the kind again.
		if rv, err := strconv.ParseUint(m.Metadata.ResourceVersion, 10, 64); err == nil && l.rv != math.MaxUint64 {
			l.rv = max(l.rv, rv)
		} else {
			l.rv = math.MaxUint64
		}
	}
	st := evaluate(s, t.Release)
	out.show(st)
	if end, err := t.end(ctx, st); end {
		return st, err
	}
	if ns == "" {
		ns = c.Namespace(ctx)
	}

	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stop()
		wg.Wait() // no kubectl outlives the rollout
	}()
	changes := make(chan change, 256)
	synced := map[string]bool{}
	for _, k := range watchKinds {
		l := from[k.kind]
		if (k.kind == "StatefulSet" && l == nil) || (k.kind == "ReplicaSet" && from["Deployment"] == nil) {
			continue // helm made every workload before the rollout: none will come
		}
		watch := func(each func(kube.WatchEvent) error) error {
			return c.WatchIn(wctx, ns, k.resource, sel, each)
		}
		if l != nil && l.rv != math.MaxUint64 {
			synced[k.resource] = true
			watch = func(each func(kube.WatchEvent) error) error {
				return c.WatchFrom(wctx, ns, k.resource, sel, strconv.FormatUint(l.rv, 10), l.known, each)
			}
		} else {
			synced[k.resource] = false
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := watch(forward(wctx, k.resource, changes))
			select {
			case changes <- change{kind: k.resource, ended: true, err: err}:
			case <-wctx.Done():
			}
		}()
	}
	timeout := time.NewTimer(deadline.Sub(t.Now()))
	defer timeout.Stop()
	tick := time.NewTicker(out.every())
	defer tick.Stop()
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
		if !allTrue(synced) {
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
