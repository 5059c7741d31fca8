package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// Cache keeps the last few renders: helm template is a pure function of
// the chart, the values files, the arguments and the helm binary (no
// cluster is asked), and its process costs ~150-250 ms of a deploy's
// critical path. An entry is found by the sha256 of all of those, so any
// changed byte misses; an entry that does not read back whole is a miss.
type Cache struct {
	Dir string // lain's cache dir; renders go to Dir/render
	// Version identifies this lain (version, commit): a new lain may pass
	// helm other arguments or read the render otherwise.
	Version string
	// LookPath finds helm as the runner does; exec.LookPath when nil.
	LookPath func(string) (string, error)
}

// cacheEntries is how many renders the cache keeps (an app, its canary,
// a few clusters).
const cacheEntries = 6

const cacheMagic = "lain-render-cache v1 "

// NewCache is the render cache under lain's cache dir.
func NewCache(dir, version string) *Cache { return &Cache{Dir: dir, Version: version} }

// key is the hex sha256 of every input of `helm <args>` run in dir; false
// when one cannot be read (then nothing is cached).
func (c *Cache) key(dir string, args []string) (string, bool) {
	if (runner.Masker{}).Hides("helm", args) {
		return "", false // a --set secret would be kept in the render on disk
	}
	h := sha256.New()
	field := func(kind, v string) { fmt.Fprintf(h, "%s %d %s\n", kind, len(v), v) }
	field("lain", c.Version)
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			field("lain-binary", fmt.Sprintf("%s %d %d", exe, st.Size(), st.ModTime().UnixNano())+fileIdentity(st))
		}
	}
	helm, ok := c.helmBinary()
	if !ok {
		return "", false
	}
	field("helm", helm)
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "HELM_") || helmEnv[name] {
			field("env", kv)
		}
	}
	if !kubeconfigInputs(dir, field) {
		return "", false
	}
	field("dir", dir)
	for i, a := range args {
		if i == 0 || (args[i-1] != "-f" && args[i-1] != "--values") {
			field("arg", a)
			continue
		}
		// The file's content, not its name: the cluster values are a temp
		// file with a new name each run.
		b, err := readRegular(abs(dir, a))
		if err != nil || callsVolatile(b) { // a value can be a template (tpl)
			return "", false
		}
		field("values", string(b))
	}
	chart := abs(dir, chartArg(args))
	err := filepath.WalkDir(chart, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chart, path)
		field("path", filepath.ToSlash(rel)+" "+d.Type().String())
		if d.IsDir() {
			return nil
		}
		// helm follows a link to a directory, the walk does not; and a
		// pipe or device would block or never end: such a chart is
		// rendered every time.
		b, err := readRegular(path)
		if err != nil {
			return err
		}
		if callsVolatile(b) {
			return errVolatile
		}
		field("content", string(b))
		return nil
	})
	if err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// helmEnv is the environment helm template reads besides HELM_*: where
// its config lives, and what decides .Release.Namespace when HELM_NAMESPACE
// is unset (the kubeconfig's current context, or the pod's namespace in a
// cluster).
var helmEnv = map[string]bool{"KUBECONFIG": true, "HOME": true, "XDG_CONFIG_HOME": true, "XDG_CACHE_HOME": true, "XDG_DATA_HOME": true,
	"POD_NAMESPACE": true, "KUBERNETES_SERVICE_HOST": true, "KUBERNETES_SERVICE_PORT": true}

// inClusterNamespace is the file client-go reads the namespace from in a pod.
const inClusterNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// kubeconfigInputs hashes the files helm takes the namespace from (helm
// template asks no cluster, but renders .Release.Namespace from the
// current context): the KUBECONFIG list, else ~/.kube/config, and a pod's
// namespace file. A missing one counts as missing; false when one exists
// but does not read as a file.
func kubeconfigInputs(dir string, field func(kind, v string)) bool {
	var files []string
	if list := os.Getenv("KUBECONFIG"); list != "" {
		for _, f := range filepath.SplitList(list) {
			if f != "" {
				files = append(files, abs(dir, f)) // helm runs in dir
			}
		}
	} else if home, err := os.UserHomeDir(); err == nil {
		files = append(files, filepath.Join(home, ".kube", "config"))
	} else {
		return false // client-go would look in dir/.kube
	}
	for _, f := range append(files, inClusterNamespace) {
		b, err := readRegular(f)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			field("kubeconfig", f+" missing")
		case err != nil:
			return false
		default:
			field("kubeconfig", f+" "+string(b))
		}
	}
	return true
}

// helmBinary identifies the helm the runner will start; false when it is
// not found, or is a shim that picks a helm by something the key cannot
// see (asdf's script reads .tool-versions; mise's, snap's and aqua's links
// lead to one program that dispatches on its name).
func (c *Cache) helmBinary() (string, bool) {
	look := c.LookPath
	if look == nil {
		look = exec.LookPath
	}
	helm, err := look("helm")
	if err != nil {
		return "", false
	}
	if p, err := filepath.EvalSymlinks(helm); err == nil {
		helm = p
	}
	if !strings.HasPrefix(strings.ToLower(filepath.Base(helm)), "helm") {
		return "", false
	}
	f, err := os.Open(helm)
	if err != nil {
		return "", false
	}
	defer f.Close()
	st, err := f.Stat()
	head := make([]byte, 2)
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	if _, err := io.ReadFull(f, head); err != nil || string(head) == "#!" {
		return "", false
	}
	return fmt.Sprintf("%s %d %d", helm, st.Size(), st.ModTime().UnixNano()) + fileIdentity(st), true
}

// errVolatile: a chart renders anew each time (callsVolatile).
var errVolatile = errors.New("the chart calls a volatile function")

// errNotRegular: a directory (through a link), a pipe, a socket or a
// device is no input the key can hold.
var errNotRegular = errors.New("not a regular file")

// readRegular is the content of the regular file at p (links followed).
func readRegular(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return os.ReadFile(p)
}

// chartArg is the chart of helm template's arguments: the second
// positional one (helm template RELEASE CHART).
func chartArg(args []string) string {
	var pos []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--set" || a == "-f" || a == "--values" || a == "--set-string" || a == "--namespace" || a == "-n":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) < 2 {
		return "chart"
	}
	return pos[1]
}

func abs(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, "render", key) }

// get is the cached render of key; false when there is none, when
// another user could have written it, or when it does not read back whole
// (its header holds the render's own sha256).
func (c *Cache) get(key string) ([]byte, bool) {
	for _, p := range []string{filepath.Join(c.Dir, "render"), c.path(key)} {
		if st, err := os.Lstat(p); err != nil || !private(st) || !(st.IsDir() || st.Mode().IsRegular()) {
			return nil, false
		}
	}
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	head, body, ok := bytes.Cut(b, []byte("\n"))
	sum, found := strings.CutPrefix(string(head), cacheMagic)
	if !ok || !found {
		return nil, false
	}
	got := sha256.Sum256(body)
	if hex.EncodeToString(got[:]) != sum {
		return nil, false
	}
	now := time.Now() // the newest is kept longest
	os.Chtimes(c.path(key), now, now)
	return body, true
}

// put stores a render atomically (a private temp file renamed into
// place), readable by the user only, and keeps the newest cacheEntries.
// Failing to cache is not an error: the next deploy renders again.
func (c *Cache) put(key string, rendered []byte) {
	dir := filepath.Join(c.Dir, "render")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return
	}
	sum := sha256.Sum256(rendered)
	_, werr := io.WriteString(f, cacheMagic+hex.EncodeToString(sum[:])+"\n")
	if werr == nil {
		_, werr = f.Write(rendered)
	}
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), c.path(key)) != nil {
		os.Remove(f.Name())
		return
	}
	c.prune(dir)
}

// prune removes all but the newest cacheEntries renders.
func (c *Cache) prune(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		mod  int64
	}
	var es []entry
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && strings.HasPrefix(e.Name(), ".tmp-") && time.Since(info.ModTime()) > time.Hour {
			os.Remove(filepath.Join(dir, e.Name())) // a killed lain's
		}
		if err == nil && !strings.HasPrefix(e.Name(), ".") {
			es = append(es, entry{e.Name(), info.ModTime().UnixNano()})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod > es[j].mod })
	for i := cacheEntries; i < len(es); i++ {
		os.Remove(filepath.Join(dir, es[i].name))
	}
}
