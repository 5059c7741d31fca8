package chart

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"testing"
)

// lint tells an app its chart is stale by the version in chart/Chart.yaml
// alone, so every change to what lain writes into chart/ must come with a
// new Version: otherwise apps keep the old templates or schema and lint
// calls them current. This pins the content of each released version.
var contentOf = map[string]string{
	"1.2.0": "513c60a6bbe5e4199de2329ea1e954b171cc248102893177a3053f9e8d940569",
}

func TestChartContentChangesWithItsVersion(t *testing.T) {
	files := Files("app")
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	got := fmt.Sprintf("%x", h.Sum(nil))
	if want := contentOf[Version]; got != want {
		t.Errorf("the chart lain writes changed, but chart.Version is still %s (content %s, pinned %q).\n"+
			"Raise chart.Version (apps with the old chart then get it from lain lint / lain init --template-only) and pin the new content here: %q: %q",
			Version, got, want, "x.y.z", got)
	}
}
