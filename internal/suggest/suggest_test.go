package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"registry", "internalRegistry", "namespace", "domain", "extra_docs"}
	cases := map[string]string{
		"regsitry":   "registry",
		"Registry":   "registry",
		"namspace":   "namespace",
		"extra_doc":  "extra_docs",
		"domian":     "domain",
		"completely": "",
		"x":          "",
	}
	for typed, want := range cases {
		if got := Closest(typed, keys); got != want {
			t.Errorf("Closest(%q) = %q, want %q", typed, got, want)
		}
	}
}
