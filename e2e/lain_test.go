//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// TestLainBinary runs the built lain binary the way a user does.
func TestLainBinary(t *testing.T) {
	home := NewUserHome(t)
	app := NewAppDir(t)
	for _, args := range [][]string{{"--version"}, {"--help"}} {
		r := Lain(t, Cmd{Args: args, Dir: app, Home: home})
		if r.Code != 0 {
			t.Fatalf("lain %s: %s", args[0], r)
		}
		if strings.TrimSpace(r.Stdout+r.Stderr) == "" {
			t.Fatalf("lain %s printed nothing", args[0])
		}
	}
	if r := Lain(t, Cmd{Args: []string{"--help"}, Dir: app, Home: home}); !strings.Contains(strings.ToLower(r.Stdout+r.Stderr), "lain") {
		t.Fatalf("lain --help does not mention lain: %s", r)
	}
}
