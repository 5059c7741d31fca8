package update

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLockWaitsForTheOtherUpgrade(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, dir); err == nil || !strings.Contains(err.Error(), "another lain is upgrading") {
		t.Fatalf("second Lock: %v", err)
	}
	go func() { time.Sleep(100 * time.Millisecond); unlock() }()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock2, err := Lock(ctx, dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}
