package kube

// Watching costs the API server one list and one watch per kind, however
// long it lasts: `kubectl get --raw` lists the collection (the list's
// resourceVersion is what a watch starts from; `kubectl get -o json`
// drops it, and `kubectl get --watch` never says when its initial list
// ends), then streams the watch from that version.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// Types of WatchEvent.
const (
	WatchAdded    = "ADDED"
	WatchModified = "MODIFIED"
	WatchDeleted  = "DELETED"
	// WatchSynced follows the initial list (and every list after the
	// watch had to start over): every object that matched has been
	// delivered. Its Object is nil.
	WatchSynced = "SYNCED"
)

// WatchEvent is one change of an object, as the API server reported it.
type WatchEvent struct {
	Type string
	// Object is the object's JSON, kind included. A Deleted event that a
	// new list found (rather than the watch) carries only kind and
	// metadata (name, namespace).
	Object json.RawMessage
}

// ErrWatchBroken is wrapped by the error Watch returns when the watch
// stopped on its own (kubectl exited or was killed, the stream was
// unreadable): the caller may poll instead.
var ErrWatchBroken = errors.New("the watch broke")

// watchedKinds are the kinds Watch knows: the kubectl resource name and
// its API group path and Kind.
var watchedKinds = map[string]struct{ group, kind string }{
	"pods":         {"/api/v1", "Pod"},
	"events":       {"/api/v1", "Event"},
	"services":     {"/api/v1", "Service"},
	"deployments":  {"/apis/apps/v1", "Deployment"},
	"replicasets":  {"/apis/apps/v1", "ReplicaSet"},
	"statefulsets": {"/apis/apps/v1", "StatefulSet"},
	"jobs":         {"/apis/batch/v1", "Job"},
	"cronjobs":     {"/apis/batch/v1", "CronJob"},
	"ingresses":    {"/apis/networking.k8s.io/v1", "Ingress"},
}

// Watch calls each for every object of kind (a resource name as kubectl
// spells it: pods, deployments...) matching the label selector in the
// kubeconfig's namespace, as WatchAdded events, then WatchSynced, then
// for every change, until ctx ends (it returns ctx.Err()), each returns an
// error (returned as is), or the watch breaks (an error wrapping
// ErrWatchBroken). Events come one at a time, from this goroutine.
func (c *Client) Watch(ctx context.Context, kind, selector string, each func(WatchEvent) error) error {
	return c.WatchIn(ctx, c.Namespace(ctx), kind, selector, each)
}

// WatchIn is Watch in namespace ("" for all namespaces), for callers that
// already know it or watch several kinds.
func (c *Client) WatchIn(ctx context.Context, namespace, kind, selector string, each func(WatchEvent) error) error {
	w, err := c.newWatcher(namespace, kind, selector, each)
	if err != nil {
		return err
	}
	if err := w.list(ctx); err != nil {
		return err
	}
	return w.run(ctx)
}

// WatchFrom is WatchIn for a caller that listed kind itself (in one
// kubectl call with other kinds, say): it watches from rv, a
// resourceVersion no newer than that list (the newest of its objects'
// will do), and known holds what the list had (namespace/name ->
// resourceVersion). Nothing is listed and no WatchSynced comes unless rv
// has expired: then Watch lists and delivers what changed, known
// included, as WatchIn does. Changes between rv and the caller's list come
// again.
func (c *Client) WatchFrom(ctx context.Context, namespace, kind, selector, rv string, known map[string]string, each func(WatchEvent) error) error {
	w, err := c.newWatcher(namespace, kind, selector, each)
	if err != nil {
		return err
	}
	w.rv = rv
	for k, v := range known {
		w.known[k] = v
	}
	return w.run(ctx)
}

func (c *Client) newWatcher(namespace, kind, selector string, each func(WatchEvent) error) (*watcher, error) {
	k, ok := watchedKinds[kind]
	if !ok {
		return nil, fmt.Errorf("kube.Watch: unknown kind %q", kind)
	}
	path := k.group + "/" + kind
	if namespace != "" {
		path = k.group + "/namespaces/" + url.PathEscape(namespace) + "/" + kind
	}
	return &watcher{c: c, path: path, kind: k.kind, selector: selector, each: each, known: map[string]string{}}, nil
}

// run watches from w.rv until ctx ends, each fails or the watch breaks.
func (w *watcher) run(ctx context.Context) error {
	for {
		started := time.Now()
		lines, err := w.watch(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errExpired):
			// The version is older than the API server keeps: list again.
			if err := w.list(ctx); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		case lines == 0 && time.Since(started) < time.Second:
			return fmt.Errorf("%w: %s ended at once", ErrWatchBroken, w.line())
		}
		// The API server ends watches after a while (30-60 min): go on
		// from where it stopped.
	}
}

// ParsePod reads one pod's JSON, as Watch delivers it.
func ParsePod(raw json.RawMessage) (Pod, error) { return parsePod(raw) }

// List is what a caller polls instead of watching (when the watch broke):
// the objects of kinds (comma-separated, as kubectl takes them:
// "deployments,pods") matching selector, kind included, in one kubectl
// call.
func (c *Client) List(ctx context.Context, kinds, selector string) ([]json.RawMessage, error) {
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := c.getJSON(ctx, &l, kinds, "-l", selector); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ListFrom lists kind (as Watch spells it) matching selector in
// namespace with `kubectl get --raw`: faster than List's -o json for many
// objects (kubectl does not print them again), and the list's
// resourceVersion, from which WatchFrom goes on (kind included in every
// item).
func (c *Client) ListFrom(ctx context.Context, namespace, kind, selector string) (items []json.RawMessage, rv string, err error) {
	w, err := c.newWatcher(namespace, kind, selector, func(e WatchEvent) error {
		if e.Type != WatchSynced {
			items = append(items, e.Object)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if err := w.list(ctx); err != nil {
		return nil, "", err
	}
	return items, w.rv, nil
}

// errExpired is a watch whose resourceVersion the API server no longer
// has (410 Gone).
var errExpired = errors.New("resource version expired")

type watcher struct {
	c        *Client
	path     string // the collection's API path
	kind     string
	selector string
	each     func(WatchEvent) error
	rv       string            // where the watch goes on from
	known    map[string]string // namespace/name -> resourceVersion
}

func (w *watcher) url(watch bool) string {
	q := url.Values{}
	if w.selector != "" {
		q.Set("labelSelector", w.selector)
	}
	if watch {
		q.Set("watch", "1")
		q.Set("resourceVersion", w.rv)
		q.Set("allowWatchBookmarks", "true")
	}
	if len(q) == 0 {
		return w.path
	}
	return w.path + "?" + q.Encode()
}

func (w *watcher) line() string { return "kubectl get --raw " + w.url(true) }

// ObjectMeta is what Watch reads of every object (and what a caller of
// WatchFrom needs of its own list).
type ObjectMeta struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name            string `json:"name"`
		Namespace       string `json:"namespace"`
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
}

// Key is how WatchFrom's known names an object: namespace/name.
func (m ObjectMeta) Key() string { return m.Metadata.Namespace + "/" + m.Metadata.Name }

// list reads the collection and delivers it: everything as added the
// first time; after an expired watch, only what changed since.
func (w *watcher) list(ctx context.Context) error {
	out, err := w.c.query(ctx, "get", "--raw", w.url(false))
	if err != nil {
		return err
	}
	var l struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(out, &l); err != nil {
		return fmt.Errorf("kubectl get --raw %s: unexpected output: %w", w.url(false), err)
	}
	seen := make(map[string]bool, len(l.Items))
	for _, raw := range l.Items {
		var m ObjectMeta
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("kubectl get --raw %s: unexpected output: %w", w.url(false), err)
		}
		if m.Kind == "" {
			// The API server leaves kind out of list items.
			raw = withKind(raw, w.kind)
		}
		key := m.Key()
		seen[key] = true
		typ := WatchAdded
		if rv, ok := w.known[key]; ok {
			if rv == m.Metadata.ResourceVersion {
				continue
			}
			typ = WatchModified
		}
		w.known[key] = m.Metadata.ResourceVersion
		if err := w.each(WatchEvent{Type: typ, Object: raw}); err != nil {
			return err
		}
	}
	for key := range w.known {
		if seen[key] {
			continue
		}
		delete(w.known, key)
		ns, name, _ := strings.Cut(key, "/")
		gone, _ := json.Marshal(map[string]any{"kind": w.kind, "metadata": map[string]string{"name": name, "namespace": ns}})
		if err := w.each(WatchEvent{Type: WatchDeleted, Object: gone}); err != nil {
			return err
		}
	}
	w.rv = l.Metadata.ResourceVersion
	return w.each(WatchEvent{Type: WatchSynced})
}

// withKind puts "kind" first into an object's JSON.
func withKind(raw json.RawMessage, kind string) json.RawMessage {
	if len(raw) < 2 || raw[0] != '{' {
		return raw
	}
	out := make([]byte, 0, len(raw)+len(kind)+12)
	out = append(out, `{"kind":"`...)
	out = append(out, kind...)
	out = append(out, '"')
	if rest := bytes.TrimSpace(raw[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, raw[1:]...)
}

// watch streams the watch from w.rv until it ends; lines is how many
// events (bookmarks included) it read.
func (w *watcher) watch(ctx context.Context) (lines int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	ran := make(chan error, 1)
	go func() {
		_, err := w.c.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "--raw", w.url(true)}, Capture: true, Quiet: true, Stdout: pw})
		pw.CloseWithError(err) // nil: the reader sees io.EOF
		ran <- err
	}()
	lines, err = decodeWatch(pr, w.event)
	// Stop kubectl (when each stopped the watch) and unblock its output.
	cancel()
	pr.CloseWithError(io.ErrClosedPipe)
	runErr := <-ran
	var own *callerError
	var bad *streamError
	switch {
	case errors.As(err, &own):
		return lines, own.err
	case errors.Is(err, errExpired):
		return lines, err
	case errors.As(err, &bad):
		return lines, fmt.Errorf("%w: %s: %w", ErrWatchBroken, w.line(), bad.err)
	case runErr != nil:
		return lines, fmt.Errorf("%w: %w", ErrWatchBroken, runErr)
	case err != nil:
		return lines, fmt.Errorf("%w: %s: %w", ErrWatchBroken, w.line(), err)
	}
	return lines, nil // the API server ended the watch
}

// streamError is output that is not a watch event, or an error event.
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }

// callerError is each's own error, passed through untouched.
type callerError struct{ err error }

func (e *callerError) Error() string { return e.err.Error() }

// event handles one event of the stream.
func (w *watcher) event(e rawWatchEvent) error {
	switch e.Type {
	case WatchAdded, WatchModified, WatchDeleted:
		var m ObjectMeta
		if err := json.Unmarshal(e.Object, &m); err != nil {
			return &streamError{err}
		}
		if e.Type == WatchDeleted {
			delete(w.known, m.Key())
		} else {
			w.known[m.Key()] = m.Metadata.ResourceVersion
		}
		if m.Metadata.ResourceVersion != "" {
			w.rv = m.Metadata.ResourceVersion
		}
		if err := w.each(WatchEvent{Type: e.Type, Object: e.Object}); err != nil {
			return &callerError{err}
		}
	case "BOOKMARK":
		var m ObjectMeta
		if err := json.Unmarshal(e.Object, &m); err == nil && m.Metadata.ResourceVersion != "" {
			w.rv = m.Metadata.ResourceVersion
		}
	case "ERROR":
		var st struct {
			Code    int    `json:"code"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(e.Object, &st)
		if st.Code == 410 || st.Reason == "Expired" || st.Reason == "Gone" {
			return errExpired
		}
		return &streamError{fmt.Errorf("the API server ended the watch: %s", strings.TrimSpace(st.Reason+" "+st.Message))}
	}
	return nil // a type this version does not know
}

// rawWatchEvent is one event as the API server streams it.
type rawWatchEvent struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

// decodeWatch reads a watch stream (one JSON event after another) and
// hands each event to handle as soon as it is complete; it stops at the
// end of the stream (nil), at output that is not an event (a
// *streamError), or at handle's error.
func decodeWatch(r io.Reader, handle func(rawWatchEvent) error) (int, error) {
	dec := json.NewDecoder(r)
	n := 0
	for {
		var e rawWatchEvent
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF {
				return n, nil
			}
			var syn *json.SyntaxError
			var typ *json.UnmarshalTypeError
			if errors.As(err, &syn) || errors.As(err, &typ) || err == io.ErrUnexpectedEOF {
				return n, &streamError{err}
			}
			return n, err // the reader's own: kubectl's exit, passed on by the pipe
		}
		if e.Type == "" {
			return n, &streamError{errors.New("an event without a type")}
		}
		n++
		if err := handle(e); err != nil {
			return n, err
		}
	}
}
