//go:build e2e

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The webhook gets app, cluster, user, image, previous revision and
// result as JSON, and no secret values.
func TestDeployWebhook(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	d := newDeployApp(t, "webhook:\n  url: "+srv.URL+"/hook\n")
	d.push("latest")
	MustKubectl(t, d.ns, "create", "secret", "generic", d.name+"-env", "--from-literal=DB_PASSWORD=hunter2-topsecret")
	lain := func(args ...string) Result {
		t.Helper()
		r := Lain(t, Cmd{Args: args, Dir: d.dir, Home: d.home, Env: []string{"USER=alice"}})
		if r.Code != 0 {
			t.Fatalf("%s", r)
		}
		return r
	}
	lain("--ignore-lint", "deploy", "--wait")
	lain("--ignore-lint", "deploy", "--wait", "--set", "imageTag=latest")
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("webhook calls: %q", bodies)
	}
	wantIn(t, bodies[0], "application/json", d.name, "lab", "alice", Lab.Registry+"/"+d.name+":latest", "first deploy", "deployed as revision 1")
	wantIn(t, bodies[1], "previous revision 1 (latest)", "deployed as revision 2")
	for _, b := range bodies {
		if strings.Contains(b, "hunter2") {
			t.Errorf("a secret value was sent: %s", b)
		}
	}
}
