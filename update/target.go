package update

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/minio/selfupdate"

	"github.com/lain-cli/lain/internal/clierr"
)

// Target is the lain binary to replace: the real file behind any symlinks
// (replacing a symlink would leave the real binary old and break the link).
type Target struct {
	Path string      // real path, symlinks resolved
	Mode fs.FileMode // kept on the new file
}

// FindTarget resolves exe (the running binary) to the file to replace,
// refusing binaries that a package manager owns.
func FindTarget(exe string) (*Target, error) {
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		return nil, fmt.Errorf("finding the lain binary: %w", err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return nil, err
	}
	if err := managed(real); err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	return &Target{Path: real, Mode: fi.Mode().Perm()}, nil
}

// managed refuses a binary inside a package manager's tree: replacing it
// would fight the package manager (and is often impossible: /nix/store and
// /snap are read-only). The user upgrades through the package manager.
func managed(path string) error {
	p := filepath.ToSlash(path)
	var who, next string
	switch {
	case strings.Contains(p, "/Cellar/"):
		who, next = "Homebrew", "brew upgrade lain"
	case strings.HasPrefix(p, "/nix/store/"):
		who, next = "Nix", "upgrade lain with Nix (e.g. nix profile upgrade lain, or your NixOS/home-manager config)"
	case strings.HasPrefix(p, "/snap/"):
		who, next = "Snap", "sudo snap refresh lain"
	default:
		return nil
	}
	return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("lain at %s is installed by %s; lain does not replace it behind %s's back", path, who, who), Next: next}
}

// CheckWritable makes sure the binary can be replaced before anything is
// downloaded. The answer offers the two ways out: more rights, or a copy
// of lain in a directory the user owns. sudoEnv names environment
// variables the upgrade needs that sudo would drop.
func (t *Target) CheckWritable(sudoEnv []string) error {
	err := (&selfupdate.Options{TargetPath: t.Path}).CheckPermissions()
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("cannot replace %s: %w", t.Path, err)
	}
	sudo := "sudo "
	if len(sudoEnv) > 0 {
		sudo += "--preserve-env=" + strings.Join(sudoEnv, ",") + " "
	}
	return &clierr.Error{Kind: clierr.Update,
		Msg: fmt.Sprintf("cannot upgrade lain: %s is not writable for you, so %s cannot be replaced", filepath.Dir(t.Path), t.Path),
		Next: fmt.Sprintf("%s%s upgrade   (or install lain where you can write: install -D %s ~/.local/bin/lain, put ~/.local/bin first in PATH, then: lain upgrade)",
			sudo, t.Path, t.Path),
		Err: err,
	}
}

// Has reports whether the file on disk already has checksum sum (another
// lain finished the same upgrade while this one waited for the lock).
func (t *Target) Has(sum []byte) bool {
	f, err := os.Open(t.Path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return bytes.Equal(h.Sum(nil), sum)
}

// OldPath is where the binary an upgrade replaced is kept, for
// `lain upgrade --rollback`: lain.old beside lain (lain.old.exe on
// Windows, so that it still runs).
func (t *Target) OldPath() string {
	ext := filepath.Ext(t.Path)
	if ext != ".exe" {
		ext = ""
	}
	return strings.TrimSuffix(t.Path, ext) + ".old" + ext
}

// StagePath is where the binary of rel is downloaded before the swap:
// hidden, beside the binary (the same file system, so the swap is a
// rename), named for the version and checksum, so that a later lain can
// resume it. Only the holder of the lock (LockBinary) touches it.
func (t *Target) StagePath(rel *Release) string {
	base := filepath.Base(t.Path)
	ext := filepath.Ext(base)
	if ext != ".exe" {
		ext = ""
	}
	name := fmt.Sprintf(".%s-%s-%x.part%s", strings.TrimSuffix(base, ext), rel.Version.Original(), rel.SHA256[:4], ext)
	return filepath.Join(filepath.Dir(t.Path), name)
}

// ReadyPath is a name for the verified download unique to this process,
// under which it is trial-run and then renamed into place.
func (t *Target) ReadyPath(stage string) string {
	ext := filepath.Ext(stage)
	if ext != ".exe" {
		ext = ""
	}
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(stage, ext), os.Getpid(), ext)
}

// removeStale deletes staging files of other releases beside the binary
// (downloads given up for a newer release). Call only under the lock.
func (t *Target) removeStale(keep string) {
	base := strings.TrimSuffix(filepath.Base(t.Path), ".exe")
	for _, pattern := range []string{"." + base + "-*.part*", "." + base + ".old-*", "." + base + ".aside-*"} {
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(t.Path), pattern))
		for _, m := range matches {
			if m != keep {
				_ = os.Remove(m)
			}
		}
	}
}

// Install makes the verified, trial-run binary at staged the lain at
// t.Path, keeping the one it replaces at OldPath. Call it under the lock.
// The installed path is only ever touched by one rename (see swap_*.go),
// so at every instant it holds a whole binary, whoever is killed when.
func (t *Target) Install(staged string) error {
	if err := os.Chmod(staged, t.Mode); err != nil {
		return err
	}
	return t.swap(staged)
}

// keepOld makes OldPath a second name of the binary now installed (a
// hard link: no copy, and the installed path is not touched), through a
// unique temporary name so that no one ever sees half a lain.old.
func (t *Target) keepOld() error {
	tmp := t.hidden(fmt.Sprintf(".old-%d", os.Getpid()))
	_ = os.Remove(tmp)
	if err := os.Link(t.Path, tmp); err != nil {
		if err := copyFile(t.Path, tmp, t.Mode); err != nil {
			_ = os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, t.OldPath()); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// hidden is a name beside the binary for a file of this process only.
func (t *Target) hidden(suffix string) string {
	return filepath.Join(filepath.Dir(t.Path), "."+strings.TrimSuffix(filepath.Base(t.Path), ".exe")+suffix)
}

func copyFile(from, to string, mode fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
