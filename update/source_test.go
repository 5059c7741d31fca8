package update

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestNewSourceRecognisesGitLab(t *testing.T) {
	for _, c := range []struct {
		url, api, project, pkg string
	}{
		{"https://gitlab.example.com/api/v4/projects/42/packages/generic/lain", "/api/v4", "42", "lain"},
		{"https://gitlab.example.com/api/v4/projects/team%2Flain/packages/generic/lain/", "/api/v4", "team%2Flain", "lain"},
		{"https://example.com/gitlab/api/v4/projects/7/packages/generic/lain-cli", "/gitlab/api/v4", "7", "lain-cli"},
		{"https://downloads.example.com/lain", "", "", ""},
		{"https://gitlab.example.com/api/v4/projects/42/packages/generic/lain/1.2.3", "", "", ""},
	} {
		s, err := NewSource(c.url, nil, env())
		if err != nil {
			t.Fatal(err)
		}
		if s.api != c.api || s.project != c.project || s.pkg != c.pkg || s.IsGitLab() != (c.api != "") {
			t.Errorf("%s: api %q project %q pkg %q", c.url, s.api, s.project, s.pkg)
		}
	}
	for _, bad := range []string{"", "ftp://x/y", "/srv/lain", "gitlab.example.com/lain"} {
		if _, err := NewSource(bad, nil, env()); err == nil {
			t.Errorf("NewSource(%q) accepted", bad)
		}
	}
}

func TestTokenHeaders(t *testing.T) {
	const u = "https://gitlab.example.com/api/v4/projects/42/packages/generic/lain"
	for _, c := range []struct {
		env    []string
		header string
	}{
		{nil, ""},
		{[]string{EnvGitLabToken, "glpat-abc"}, "PRIVATE-TOKEN"},
		{[]string{EnvGitLabToken, "gldt-abc"}, "Deploy-Token"},
		{[]string{EnvGitLabDeployToken, "abc"}, "Deploy-Token"},
		{[]string{EnvJobToken, "abc"}, "JOB-TOKEN"},
		{[]string{EnvJobToken, "abc", "CI_SERVER_HOST", "gitlab.example.com"}, "JOB-TOKEN"},
		{[]string{EnvJobToken, "abc", "CI_SERVER_HOST", "gitlab.com"}, ""}, // another GitLab's job token stays home
		{[]string{EnvGitLabToken, "glpat-abc", EnvJobToken, "abc"}, "PRIVATE-TOKEN"},
	} {
		s, _ := NewSource(u, nil, env(c.env...))
		var got []string
		for k := range s.auth {
			got = append(got, k)
		}
		if want := http.CanonicalHeaderKey(c.header); strings.Join(got, ",") != want {
			t.Errorf("env %v: headers %v, want %q", c.env, got, want)
		}
	}
	// A plain HTTP source never gets a token.
	s, _ := NewSource("https://downloads.example.com/lain", nil, env(EnvGitLabToken, "glpat-abc"))
	if s.HasToken() {
		t.Error("token sent to a plain HTTP source")
	}
}

func TestTokenNotForwardedToAnotherHost(t *testing.T) {
	var leaked []string
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("PRIVATE-TOKEN"))
		w.Write([]byte("binary"))
	}))
	defer storage.Close()
	// Another host name for the same machine, as object storage would be.
	storageURL := strings.Replace(storage.URL, "127.0.0.1", "localhost", 1)
	gl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storageURL+"/blob", http.StatusFound)
	}))
	defer gl.Close()
	s, _ := NewSource(gl.URL+"/api/v4/projects/1/packages/generic/lain", gl.Client(), env(EnvGitLabToken, "glpat-abc"))
	b, err := s.getSmall(context.Background(), s.FileURL("1.0.0", "x"), 100)
	if err != nil || string(b) != "binary" {
		t.Fatalf("%q %v", b, err)
	}
	if len(leaked) != 1 || leaked[0] != "" {
		t.Errorf("object storage received the token: %q", leaked)
	}
}

func TestPaginationByXNextPageAndSafeLinks(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/channel/index.json") {
			// Published before the channel file: the list API it is.
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"404 Package Not Found"}`))
			return
		}
		switch r.URL.Query().Get("page") {
		case "", "1":
			// No Link header (some proxies drop it): X-Next-Page only.
			w.Header().Set("X-Next-Page", "2")
			w.Write([]byte(`[{"name":"lain","version":"1.0.0","package_type":"generic","status":"default"}]`))
		case "2":
			// A next link to another host is not followed (the token would go with it).
			w.Header().Set("Link", `<http://evil.example.com/api/v4/projects/1/packages?page=3>; rel="next"`)
			w.Header().Set("X-Next-Page", "")
			w.Write([]byte(`[{"name":"lain","version":"1.1.0"},{"name":"lain","version":"9.0.0","status":"processing"}]`))
		default:
			t.Errorf("unexpected request %s", r.URL)
		}
	}))
	defer srv.Close()
	s, _ := NewSource(srv.URL+"/api/v4/projects/1/packages/generic/lain", srv.Client(), env())
	vs, err := s.Versions(context.Background())
	if err != nil || strings.Join(vs, " ") != "1.0.0 1.1.0" {
		t.Errorf("Versions = %q, %v", vs, err)
	}
}

func TestHTTPErrorShowsGitLabMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"404 Project Not Found"}`))
	}))
	defer srv.Close()
	s, _ := NewSource(srv.URL+"/api/v4/projects/1/packages/generic/lain", srv.Client(), env())
	_, err := s.Versions(context.Background())
	if !IsNotFound(err) || !strings.HasSuffix(err.Error(), ": 404 Not Found (404 Project Not Found)") {
		t.Errorf("err = %v", err)
	}
	e := explain(err, s, "1.2.3", false)
	if e.Next != "export LAIN_GITLAB_TOKEN=<GitLab token with read_api scope>, then: lain upgrade" {
		t.Errorf("a 404 without a token should suggest one: %+v", e)
	}
	if explain(err, s, "1.2.3", true) != nil {
		t.Error("on launch, source trouble is silent")
	}
}
