package toolcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHelmDecisionsOnRealOutputs(t *testing.T) {
	cases := []struct {
		file, want string
		tooOld     bool
	}{
		{"helm-3.16.3.txt", "3.16.3", false},
		{"helm-3.16.3-source-build.txt", "3.16.3", false},
		{"helm-3.16.3-lab.txt", "3.16.3", false},
		{"helm-3.8.0.txt", "3.8.0", false},
		{"helm-3.7.1.txt", "3.7.1", true},
		{"helm-2.16.9.txt", "2.16.9", true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			rec := &runner.Recorder{}
			rec.On("helm version --short", fixture(t, c.file), 0)
			chk := &Checker{Runner: rec, Platform: tools.Platform{GOOS: "darwin"}}
			v, err := chk.Helm(context.Background())
			if v == nil || v.String() != c.want {
				t.Fatalf("version = %v, want %s (err %v)", v, c.want, err)
			}
			if (err != nil) != c.tooOld {
				t.Fatalf("err = %v, tooOld = %v", err, c.tooOld)
			}
			if c.tooOld {
				msg := clierr.Format(err)
				for _, want := range []string{"helm " + c.want + " is too old", ">= 3.8.0", "next: brew install helm"} {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q lacks %q", msg, want)
					}
				}
			}
		})
	}
}

func TestKubectlSkewOnRealOutputs(t *testing.T) {
	cases := []struct {
		file    string
		wantErr string
	}{
		{"kubectl-1.28-eks-1.27.json", ""},
		{"kubectl-1.30-no-server.json", ""},
		{"kubectl-1.33-lab-client.json", ""},
		{"kubectl-1.33-lab-server-1.33.json", ""},
		{"kubectl-1.24-gke-1.21.json", "kubectl v1.24.17 is too far from the cluster's v1.21.14-gke.18800"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			v, err := ParseKubectl([]byte(fixture(t, c.file)))
			if err != nil {
				t.Fatal(err)
			}
			err = Skew(v, tools.Platform{GOOS: "linux", HaveApt: true})
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			msg := clierr.Format(err)
			if !strings.Contains(msg, c.wantErr) || !strings.Contains(msg, "1.20 to 1.22") || !strings.Contains(msg, "version 1.21") {
				t.Fatalf("message %q", msg)
			}
		})
	}
}

func TestKubectlUnreachableServerStillReadsClient(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl version -o json", fixture(t, "kubectl-1.30-no-server.json"), 1)
	chk := &Checker{Runner: rec}
	v, err := chk.Kubectl(context.Background())
	if err != nil || v.Client.GitVersion != "v1.30.2" || v.Server != nil {
		t.Fatalf("got %+v, %v", v, err)
	}
}

func TestDockerVersions(t *testing.T) {
	for file, want := range map[string]string{
		"docker-28.2.2.txt":                 "28.2.2",
		"docker-20.10.24-debian.txt":        "20.10.24+dfsg1",
		"docker-24.0.7-rancher-desktop.txt": "24.0.7-rd",
	} {
		v, err := ParseDocker(fixture(t, file))
		if err != nil || v.Original() != want {
			t.Errorf("%s: %v %v", file, v, err)
		}
	}
}

func TestMissingToolNamesInstallCommandPerPlatform(t *testing.T) {
	cases := []struct {
		tool string
		p    tools.Platform
		want string
	}{
		{"helm", tools.Platform{GOOS: "darwin"}, "brew install helm"},
		{"helm", tools.Platform{GOOS: "windows"}, "choco install kubernetes-helm"},
		{"helm", tools.Platform{GOOS: "linux", HaveApt: true}, "install it from https://helm.sh/docs/intro/install/"},
		{"docker", tools.Platform{GOOS: "linux", HaveApt: true}, "sudo apt-get install docker.io"},
		{"kubectl", tools.Platform{GOOS: "linux"}, "https://kubernetes.io/docs/tasks/tools/"},
	}
	for _, c := range cases {
		rec := &runner.Recorder{}
		rec.OnError(c.tool, &runner.NotFoundError{Name: c.tool})
		chk := &Checker{Runner: rec, Platform: c.p}
		var err error
		switch c.tool {
		case "helm":
			_, err = chk.Helm(context.Background())
		case "docker":
			_, err = chk.Docker(context.Background())
		case "kubectl":
			_, err = chk.Kubectl(context.Background())
		}
		msg := clierr.Format(err)
		if !strings.Contains(msg, c.tool+" is not installed") || !strings.Contains(msg, c.want) {
			t.Errorf("%s on %+v: %q", c.tool, c.p, msg)
		}
	}
}
