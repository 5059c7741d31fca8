package update

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockPath is the upgrade lock of the binary at target: a hidden file
// beside it, so that every lain that may replace this binary (another
// user, sudo, a CI runner, each with its own cache dir) takes the same
// lock. The OS releases it when the process dies, so a crash never leaves
// it stuck; the file itself stays (removing a lock file races with the
// next lain opening it).
func LockPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock")
}

// LockBinary takes the upgrade lock of target, waiting until ctx is done.
// waiting, if set, is called once when another lain holds it.
func LockBinary(ctx context.Context, target string, waiting func()) (unlock func(), err error) {
	path := LockPath(target)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if errors.Is(err, fs.ErrPermission) {
		// Created by another user (root after a sudo upgrade): a lock
		// only needs a descriptor, and a read-only one will do.
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("taking the upgrade lock: %w", err)
	}
	for said := false; ; said = true {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("taking the upgrade lock %s: %w", path, err)
		}
		if ok {
			return func() { unlockFile(f); f.Close() }, nil
		}
		if !said && waiting != nil {
			waiting()
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, &BusyError{Lock: path, Err: context.Cause(ctx)}
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// BusyError: another lain held the lock for as long as this one could wait.
type BusyError struct {
	Lock string
	Err  error
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("another lain is upgrading this binary (%s is locked): %v", e.Lock, e.Err)
}
func (e *BusyError) Unwrap() error { return e.Err }
