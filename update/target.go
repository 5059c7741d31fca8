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
	return &clierr.Error{Msg: fmt.Sprintf("lain at %s is installed by %s; lain does not replace it behind %s's back", path, who, who), Next: next}
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
	return &clierr.Error{
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

// Replace swaps in bin, whose sha256 must be sum. selfupdate writes and
// checks .lain.new beside the binary; commit (per OS) puts it in place.
// On any failure the old binary stays where it was.
func (t *Target) Replace(bin, sum []byte) error {
	opts := selfupdate.Options{TargetPath: t.Path, TargetMode: t.Mode, Checksum: sum}
	if err := selfupdate.PrepareAndCheckBinary(bytes.NewReader(bin), opts); err != nil {
		_ = os.Remove(newPath(t.Path))
		return fmt.Errorf("writing the new lain beside %s: %w", t.Path, err)
	}
	return commit(opts)
}

// newPath is where selfupdate stages the new binary.
func newPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".new")
}

// commitRename is the Unix commit: one rename(2) over the old file, which
// is atomic, so at every instant the path holds either the whole old or the
// whole new binary, even if lain is killed mid-swap. (selfupdate's own
// commit first moves the old binary aside; a crash between its two renames
// would leave no lain at all. The running process keeps its old inode.)
func commitRename(opts selfupdate.Options) error {
	if err := os.Rename(newPath(opts.TargetPath), opts.TargetPath); err != nil {
		_ = os.Remove(newPath(opts.TargetPath))
		return fmt.Errorf("replacing %s: %w", opts.TargetPath, err)
	}
	return nil
}

// commitSelfupdate is the Windows commit: a running .exe cannot be
// overwritten, only renamed, so selfupdate moves it to .lain.exe.old, moves
// the new one in, and renames the old one back if that fails.
func commitSelfupdate(opts selfupdate.Options) error {
	err := selfupdate.CommitBinary(opts)
	if err == nil {
		return nil
	}
	if rerr := selfupdate.RollbackError(err); rerr != nil {
		old := filepath.Join(filepath.Dir(opts.TargetPath), "."+filepath.Base(opts.TargetPath)+".old")
		return &clierr.Error{
			Msg:  fmt.Sprintf("upgrading lain failed (%v) and putting the old binary back failed too (%v)", err, rerr),
			Next: fmt.Sprintf("move %s back to %s", old, opts.TargetPath),
		}
	}
	_ = os.Remove(newPath(opts.TargetPath))
	return fmt.Errorf("replacing %s (the old binary is back in place): %w", opts.TargetPath, err)
}
