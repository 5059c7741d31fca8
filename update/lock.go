package update

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile serialises upgrades: two lains launching at once must not both
// write .lain.new next to the binary. The OS releases the lock when the
// process dies, so a crash never leaves it stuck.
const LockFile = "update.lock"

// Lock takes the upgrade lock in dir, waiting until ctx is done.
func Lock(ctx context.Context, dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("taking the upgrade lock: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("taking the upgrade lock: %w", err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		if ok {
			return func() { unlockFile(f); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("another lain is upgrading (%s is locked): %w", filepath.Join(dir, LockFile), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
