// Package kubehome manages ~/.kube the way lain users rely on: each
// cluster's kubeconfig lives in ~/.kube/kubeconfig-<CLUSTER>, and
// ~/.kube/config is a symlink to the current one (shell prompts read the
// link's target to show the cluster). Where symlinks are refused (Windows
// without developer mode) the file is copied and the cluster recorded.
package kubehome

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
)

// Home is one user's ~/.kube directory.
type Home struct {
	Dir  string // ~/.kube
	GOOS string
	Now  func() time.Time
	// Symlink is os.Symlink; tests replace it to take the Windows path.
	Symlink func(oldname, newname string) error
}

// New returns the Home for a user home directory.
func New(userHome, goos string, now func() time.Time) Home {
	return Home{Dir: filepath.Join(userHome, ".kube"), GOOS: goos, Now: now, Symlink: os.Symlink}
}

// ConfigPath is ~/.kube/config, what kubectl and helm read.
func (h Home) ConfigPath() string { return filepath.Join(h.Dir, "config") }

// KubeconfigPath is where a cluster's kubeconfig must be saved.
func (h Home) KubeconfigPath(cluster string) string {
	return filepath.Join(h.Dir, "kubeconfig-"+cluster)
}

// recordPath remembers the cluster when config is a copy, not a link.
func (h Home) recordPath() string { return filepath.Join(h.Dir, "config.lain-cluster") }

// Current returns the cluster ~/.kube/config points at, or "" when it is
// not one of lain's (no file, or a config lain did not put there).
func (h Home) Current() string {
	st, err := os.Lstat(h.ConfigPath())
	if err != nil {
		return ""
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(h.ConfigPath())
		if err != nil {
			return ""
		}
		name := filepath.Base(target)
		if c, ok := strings.CutPrefix(name, "kubeconfig-"); ok {
			return c
		}
		return ""
	}
	rec, err := os.ReadFile(h.recordPath())
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(rec))
	if h.sameContent(h.ConfigPath(), h.KubeconfigPath(c)) {
		return c
	}
	return ""
}

func (h Home) sameContent(a, b string) bool {
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// Has reports whether the cluster's kubeconfig is present.
func (h Home) Has(cluster string) bool {
	_, err := os.Stat(h.KubeconfigPath(cluster))
	return err == nil
}

// MissingError explains where to get a cluster's kubeconfig.
func (h Home) MissingError(cluster string) *clierr.Error {
	p := h.KubeconfigPath(cluster)
	return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("no kubeconfig for cluster %s: lain looks for it at %s", cluster, p),
		fmt.Sprintf("get it from your team's password manager (or your admin), save it as %s, then: chmod go-r %s", p, p))
}

// PermissionWarning says how to fix a kubeconfig that others can read (it
// holds cluster-admin credentials); "" when it is private.
func (h Home) PermissionWarning(cluster string) string {
	if h.GOOS == "windows" {
		return ""
	}
	p := h.KubeconfigPath(cluster)
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s is readable by other users (mode %04o); it holds your cluster credentials: chmod go-rwx %s", p, st.Mode().Perm(), p)
}

// Switched says what Switch did.
type Switched struct {
	// Backup is where a regular ~/.kube/config was moved; "" when none.
	Backup string
	// Copied is true when config is a copy (symlinks refused).
	Copied bool
}

// Switch points ~/.kube/config at the cluster's kubeconfig. A regular file
// there that lain did not put there is moved to a timestamped backup, never
// deleted.
func (h Home) Switch(cluster string) (Switched, error) {
	var res Switched
	target := h.KubeconfigPath(cluster)
	if !h.Has(cluster) {
		return res, h.MissingError(cluster)
	}
	cfg := h.ConfigPath()
	st, err := os.Lstat(cfg)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return res, err
	case st.Mode()&fs.ModeSymlink == 0 && !st.IsDir() && h.Current() == "":
		res.Backup = cfg + ".backup-" + h.Now().Format("20060102-150405")
		if err := os.Rename(cfg, res.Backup); err != nil {
			return res, fmt.Errorf("moving your %s aside to %s: %w", cfg, res.Backup, err)
		}
	}
	// Build the new link beside the old one, then rename over it, so a
	// crash never leaves the user without a config.
	tmp := cfg + ".lain-new"
	os.Remove(tmp)
	if err := h.Symlink(target, tmp); err != nil {
		if h.GOOS != "windows" {
			return res, fmt.Errorf("linking %s to %s: %w", cfg, target, err)
		}
		if err := copyFile(target, tmp); err != nil {
			return res, err
		}
		res.Copied = true
	}
	if err := replace(tmp, cfg); err != nil {
		return res, err
	}
	if res.Copied {
		return res, os.WriteFile(h.recordPath(), []byte(cluster+"\n"), 0o600)
	}
	os.Remove(h.recordPath())
	return res, nil
}

// replace renames tmp over dst; Windows cannot rename over an existing file.
func replace(tmp, dst string) error {
	if err := os.Rename(tmp, dst); err == nil {
		return nil
	}
	if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, dst)
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o600)
}
