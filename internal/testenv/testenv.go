// Package testenv decides what a test does when something it needs from the
// machine is missing: on a developer's machine it skips with the reason and
// the install command; in CI (CI=true), where .ci/run installs everything,
// it fails, so that a missing install step can never turn CI green.
package testenv

import (
	"os"
	"testing"
)

// Missing skips t (or fails it in CI) because what is not available.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI must provide it: see .ci/run and scripts/lab)", what)
	}
	t.Skip(what)
}
