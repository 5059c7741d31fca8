package update

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLockWaitsForTheOtherUpgrade(t *testing.T) {
	target := filepath.Join(t.TempDir(), "lain")
	unlock, err := LockBinary(context.Background(), target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(target), ".lain.lock")); err != nil {
		t.Fatalf("the lock is not beside the binary: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	waited := 0
	var be *BusyError
	if _, err := LockBinary(ctx, target, func() { waited++ }); !errors.As(err, &be) || waited != 1 {
		t.Fatalf("second lock: %v (waiting called %d times)", err, waited)
	}
	go func() { time.Sleep(100 * time.Millisecond); unlock() }()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock2, err := LockBinary(ctx, target, nil)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}
