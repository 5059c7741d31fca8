//go:build !windows

package update

import (
	"fmt"
	"os"
)

// swap keeps the installed binary as lain.old (a hard link, the installed
// path untouched), then renames staged over the installed path: rename(2)
// is atomic, so the path holds the whole old or the whole new binary at
// every instant. Processes still running the old binary keep its inode.
func (t *Target) swap(staged string) error {
	if err := t.keepOld(); err != nil {
		return fmt.Errorf("keeping the current lain as %s: %w", t.OldPath(), err)
	}
	if err := os.Rename(staged, t.Path); err != nil {
		return fmt.Errorf("replacing %s: %w", t.Path, err)
	}
	return nil
}

// swapBack is the rollback: the kept binary goes back to the installed
// path (one rename), and the one it replaces becomes lain.old.
func (t *Target) swapBack() error {
	aside := t.hidden(fmt.Sprintf(".aside-%d", os.Getpid()))
	if err := os.Link(t.Path, aside); err != nil {
		if err := copyFile(t.Path, aside, t.Mode); err != nil {
			return err
		}
	}
	if err := os.Rename(t.OldPath(), t.Path); err != nil {
		_ = os.Remove(aside)
		return fmt.Errorf("putting %s back: %w", t.OldPath(), err)
	}
	return os.Rename(aside, t.OldPath())
}
