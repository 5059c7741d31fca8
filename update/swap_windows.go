//go:build windows

package update

import (
	"fmt"
	"os"

	"github.com/lain-cli/lain/internal/clierr"
)

// swap on Windows: a running .exe cannot be overwritten or deleted, only
// renamed. The installed one moves to lain.old.exe, the new one takes its
// name; if that fails, the old one is moved back.
func (t *Target) swap(staged string) error {
	return t.rotate(staged, t.OldPath())
}

// swapBack puts lain.old.exe back and keeps the current one in its place.
func (t *Target) swapBack() error {
	aside := t.hidden(fmt.Sprintf(".aside-%d", os.Getpid()))
	if err := os.Rename(t.OldPath(), aside); err != nil {
		return err
	}
	if err := t.rotate(aside, t.OldPath()); err != nil {
		_ = os.Rename(aside, t.OldPath())
		return err
	}
	return nil
}

// rotate moves the installed binary to old and next into its place.
func (t *Target) rotate(next, old string) error {
	_ = os.Remove(old) // fails if a lain.old.exe still runs; the rename then says so
	if err := os.Rename(t.Path, old); err != nil {
		return fmt.Errorf("moving %s aside: %w", t.Path, err)
	}
	if err := os.Rename(next, t.Path); err != nil {
		if rerr := os.Rename(old, t.Path); rerr != nil {
			return &clierr.Error{Kind: clierr.Update,
				Msg:  fmt.Sprintf("upgrading lain failed (%v) and putting the old binary back failed too (%v)", err, rerr),
				Next: fmt.Sprintf("move %s back to %s", old, t.Path),
			}
		}
		return fmt.Errorf("replacing %s (the old binary is back in place): %w", t.Path, err)
	}
	return nil
}
