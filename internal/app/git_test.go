package app

import "testing"

// A CI clone's origin carries the job token; the chart must never get it.
func TestRepoURLDropsCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"https://gitlab-ci-token:glcbt-s3cret@gitlab.example.com/team/shop.git": "https://gitlab.example.com/team/shop.git",
		"https://oauth2:tok@gitlab.example.com:8443/team/shop":                  "https://gitlab.example.com:8443/team/shop",
		"ssh://git@gitlab.example.com/team/shop.git":                            "ssh://gitlab.example.com/team/shop.git",
		"https://user:p%zz@host/x":                                              "https://host/x",
		"git@gitlab.example.com:team/shop.git":                                  "git@gitlab.example.com:team/shop.git",
		"https://gitlab.example.com/team/shop.git":                              "https://gitlab.example.com/team/shop.git",
		"": "",
	} {
		if got := withoutCredentials(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
