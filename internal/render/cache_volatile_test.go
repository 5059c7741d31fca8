package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCallsVolatile(t *testing.T) {
	for in, want := range map[string]bool{
		"time: {{ now | date \"2006\" }}":                  true,
		"{{- $p := randAlphaNum 16 }}{{ $p }}":             true,
		"{{ uuidv4 }}":                                     true,
		"{{ genCA \"x\" 365 }}":                            true,
		"{{ (getHostByName \"example.com\") }}":            true,
		"{{ tpl .Values.x . }}":                            false,
		"# deploy now, then {{ .Values.now }} {{ $now }}":  false,
		"{{ include \"generic.random\" . }} {{ \"now\" }}": false,
		"now rand uuidv4 outside any action":               false,
		"{{ .Release.Namespace }} {{ ago":                  true, // unclosed: read to the end
		"{{ `now` }} {{ \"a\\\"now\" }}":                   false,
	} {
		if got := callsVolatile([]byte(in)); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

// A chart that calls now, or a values file that does (for tpl), renders
// anew on every deploy: helm runs each time.
func TestRenderCacheOffForAVolatileChart(t *testing.T) {
	for name, spoil := range map[string]func(*Target, string){
		"template": func(_ *Target, dir string) {
			os.WriteFile(filepath.Join(dir, "app/chart/templates/stamp.yaml"), []byte("at: {{ now | unixEpoch }}\n"), 0o644)
		},
		"values file": func(tg *Target, dir string) {
			os.WriteFile(tg.Helm.ClusterValues, []byte("stamp: '{{ randAlphaNum 8 }}'\n"), 0o600)
		},
	} {
		tg, rec, dir := cachedApp(t)
		spoil(tg, dir)
		for i := 1; i <= 2; i++ {
			if _, err := tg.Render(context.Background(), rec, ""); err != nil || helmRuns(rec) != i {
				t.Fatal(name, err, rec)
			}
		}
	}
}

// Whatever a chart file holds, the scan ends without a panic, and finds
// a call only inside an action.
func FuzzCallsVolatile(f *testing.F) {
	for _, s := range []string{"{{ now }}", "{{ \"now\" }}", "{{ `x", "{{ \"\\", "a {{ .now }} b", "{{ randInt 1 2 }}{{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if callsVolatile([]byte(s)) && !strings.Contains(s, "{{") {
			t.Errorf("%q: a call outside any action", s)
		}
	})
}
