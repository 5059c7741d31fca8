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

// watch follows the rollout through a watch per kind, judging it again
// after every change the API server reports. The pods (the big list) are
// listed by their own watch at once; the workloads, in one kubectl call
// meanwhile, then watched from the newest version that list had, so
// nothing that changed in between is missed and nothing is listed twice.
func (t *Tracker) watch(ctx context.Context, sel string, deadline time.Time, out *progress) (Status, error) {
	c := kube.New(t.Runner)
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stop()
		wg.Wait() // no kubectl outlives the rollout
	}()
	changes := make(chan change, 256)
	synced := map[string]bool{}
	follow := func(resource string, watch func(each func(kube.WatchEvent) error) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := watch(forward(wctx, resource, changes))
			select {
			case changes <- change{kind: resource, ended: true, err: err}:
			case <-wctx.Done():
			}
		}()
	}
	namespace := make(chan string, 1)
	synced["pods"] = false
	follow("pods", func(each func(kube.WatchEvent) error) error {
		ns := t.Namespace
		if ns == "" {
			ns = c.Namespace(wctx)
		}
		namespace <- ns
		return c.WatchIn(wctx, ns, "pods", sel, each)
	})

	items, err := c.List(ctx, workloadKinds, sel)
	if err != nil {
		return Status{}, err
	}
	s := newObjects()
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
	case ns = <-namespace:
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
			follow(k.resource, func(each func(kube.WatchEvent) error) error {
				return c.WatchFrom(wctx, ns, k.resource, sel, strconv.FormatUint(l.rv, 10), l.known, each)
			})
		default:
			synced[k.resource] = false
			follow(k.resource, func(each func(kube.WatchEvent) error) error {
				return c.WatchIn(wctx, ns, k.resource, sel, each)
			})
		}
	}
	var st Status
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
		first := st.Procs == nil
		st = evaluate(s, t.Release)
		if st.Failure != nil || (st.Done() && t.replacedGone(st)) {
			out.show(st)
			stop() // the explanation's queries need not share the machine
			_, err := t.end(ctx, st)
			return st, err
		}
		if dirty = true; first {
			out.show(st)
			dirty = false
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
