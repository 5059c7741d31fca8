package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
)

// TestDownloadResumes: a part left by an earlier attempt is continued with
// a range request; a server that ignores ranges gets the whole file again;
// a part that does not hash right is started over; one that is already
// whole (416) is taken as is.
func TestDownloadResumes(t *testing.T) {
	bin := bytes.Repeat([]byte("lain binary "), 10000)
	sum := sha256.Sum256(bin)
	var ranges []string
	honour := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ranges = append(ranges, r.Header.Get("Range"))
		if !honour {
			r.Header.Del("Range")
		}
		http.ServeContent(w, r, "lain", time.Time{}, bytes.NewReader(bin))
	}))
	defer srv.Close()
	src, _ := NewSource(srv.URL, srv.Client(), env())
	rel := &Release{Version: semver.MustParse("1.4.0"), Asset: "lain_x", SHA256: sum[:]}
	part := filepath.Join(t.TempDir(), ".lain-1.4.0.part")
	for _, c := range []struct {
		name    string
		kept    []byte
		honour  bool
		wantHdr []string
	}{
		{"fresh", nil, true, []string{""}},
		{"resumed", bin[:5000], true, []string{"bytes=5000-"}},
		{"range ignored", bin[:5000], false, []string{"bytes=5000-"}},
		{"corrupt part", bytes.Repeat([]byte("x"), 5000), true, []string{"bytes=5000-", ""}},
		{"already whole", bin, true, []string{"bytes=120000-"}},
	} {
		ranges, honour = nil, c.honour
		os.Remove(part)
		if c.kept != nil {
			os.WriteFile(part, c.kept, 0o600)
		}
		if err := src.Download(context.Background(), rel, part, nil); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, _ := os.ReadFile(part); !bytes.Equal(got, bin) {
			t.Errorf("%s: the file is not the binary (%d bytes)", c.name, len(got))
		}
		if strings.Join(ranges, ",") != strings.Join(c.wantHdr, ",") {
			t.Errorf("%s: requests with Range %q, want %q", c.name, ranges, c.wantHdr)
		}
	}

	// A size cap below the file: refused, nothing kept.
	os.Remove(part)
	rel.Size = 1000
	var re *RefusedError
	if err := src.Download(context.Background(), rel, part, nil); !errors.As(err, &re) || !strings.Contains(err.Error(), "more than the 1000 the release index gives") {
		t.Errorf("capped: %v", err)
	}
	if fi, _ := os.Stat(part); fi != nil && fi.Size() != 0 {
		t.Errorf("a refused download kept %d bytes", fi.Size())
	}
}

func TestContentRange(t *testing.T) {
	for in, want := range map[string][2]int64{"bytes 10-99/100": {10, 100}, "bytes 0-0/1": {0, 1}} {
		if s, n, ok := contentRange(in); !ok || s != want[0] || n != want[1] {
			t.Errorf("%q: %d %d %v", in, s, n, ok)
		}
	}
	for _, bad := range []string{"", "bytes */100", "bytes 10-99/*", "items 1-2/3", "bytes -1-2/3"} {
		if _, _, ok := contentRange(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestWatchdogGivesUpOnATrickle: a server sending a byte now and then is
// stuck, not slow; one sending steadily is never cut off.
func TestWatchdogGivesUpOnATrickle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := 1
		if r.URL.Path == "/steady" {
			chunk = 32 << 10
		}
		for i := 0; i < 40 && r.Context().Err() == nil; i++ {
			w.Write(bytes.Repeat([]byte("x"), chunk))
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	}))
	defer srv.Close()
	f := newFakeLain(t, "1.2.3", srv.URL)
	f.o.StallTimeout = 600 * time.Millisecond
	for path, stalls := range map[string]bool{"/trickle": true, "/steady": false} {
		ctx, client, stop := f.o.watchdog(context.Background(), srv.Client())
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		resp, err := client.Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		var se *StalledError
		if got := errors.As(context.Cause(ctx), &se); got != stalls || (stalls && err == nil) {
			t.Errorf("%s: stalled %v (%v), want %v", path, got, err, stalls)
		}
		stop()
	}
}
