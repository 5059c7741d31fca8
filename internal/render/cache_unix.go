//go:build !windows

package render

import (
	"fmt"
	"os"
	"syscall"
)

// fileIdentity adds a file's device and inode to its size and mtime: a
// binary replaced by rename (how installers and package managers put a
// new one) gets a new inode even when it keeps the old size and mtime.
func fileIdentity(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" %d:%d", st.Dev, st.Ino)
}

// private is whether only this process's user can have written fi: a
// render another user could have put in a shared XDG_CACHE_HOME is never
// read.
func private(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid() && fi.Mode().Perm()&0o022 == 0
}
