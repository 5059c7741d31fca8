package statusview

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// SlowEvery is how often the full-screen view asks kubectl top again, and
// reads the events and logs of unhealthy pods that did not change:
// metrics-server has new figures every 15-60 s, and these are lists the
// API server would otherwise serve at every refresh.
const SlowEvery = 30 * time.Second

// ProbeEvery is how often the view GETs the ingress URLs again (a refresh
// after every change of a pod would otherwise probe many times a second).
const ProbeEvery = 3 * time.Second

// liveCache is what the full-screen view keeps between refreshes.
type liveCache struct {
	top      topAnswer
	topAt    time.Time
	diag     []kube.Diagnosis
	diagKey  string
	diagAt   time.Time
	urls     []URLCheck
	urlsKey  string
	probedAt time.Time
}

// CollectWatched is Collect for the full-screen view: what runs comes
// from w's watches (no listing per refresh); kubectl top and the
// diagnoses of pods that did not change are asked at most every SlowEvery.
// It waits while w is still listing.
func (c *Collector) CollectWatched(w *Watched) func(ctx context.Context) (*Report, error) {
	return func(ctx context.Context) (*Report, error) {
		c.defaults()
		state, err := w.State()
		for errors.Is(err, ErrLoading) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
			state, err = w.State()
		}
		if state == nil {
			return nil, err
		}
		now := c.Now()
		if c.live.topAt.IsZero() || now.Sub(c.live.topAt) >= SlowEvery {
			c.live.top, c.live.topAt = c.top(ctx), now
		}
		r := c.report(ctx, state, c.live.top, c.cachedDiagnose, c.cachedProbe)
		if err != nil {
			r.Stale = err.Error()
		}
		return r, nil
	}
}

// cachedDiagnose reads the unhealthy pods' events and logs again when
// they changed (another pod, status or restart count), else every
// SlowEvery.
func (c *Collector) cachedDiagnose(ctx context.Context, bad []kube.Pod) []kube.Diagnosis {
	var key strings.Builder
	for _, p := range bad {
		key.WriteString(p.Name + " " + p.Status() + " " + p.Problem() + "\n")
	}
	now := c.Now()
	if key.String() != c.live.diagKey || now.Sub(c.live.diagAt) >= SlowEvery {
		c.live.diag, c.live.diagKey, c.live.diagAt = c.diagnose(ctx, bad), key.String(), now
	}
	return c.live.diag
}

// cachedProbe GETs the URLs again when they changed, else every ProbeEvery.
func (c *Collector) cachedProbe(ctx context.Context, ings []kube.Ingress) []URLCheck {
	var key strings.Builder
	for _, ing := range ings {
		key.WriteString(strings.Join(ing.URLs, " ") + "\n")
	}
	now := c.Now()
	if key.String() != c.live.urlsKey || now.Sub(c.live.probedAt) >= ProbeEvery {
		c.live.urls, c.live.urlsKey, c.live.probedAt = c.probe(ctx, ings), key.String(), now
	}
	return c.live.urls
}

// Watch starts watching the app until ctx ends, for the full-screen view:
// the collect function and the change signal for LiveOptions.
func (c *Collector) Watch(ctx context.Context) (collect func(context.Context) (*Report, error), changed <-chan struct{}) {
	w := &Watched{Kube: c.Kube, App: c.App, Namespace: c.Namespace}
	w.Start(ctx)
	return c.CollectWatched(w), w.Changed()
}
