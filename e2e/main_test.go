//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Lab describes the running lab, read from `scripts/lab env`.
type LabInfo struct {
	Repo             string   // repository root
	Dir              string   // LAIN_LAB_DIR
	Kubeconfig       string   // LAB_KUBECONFIG (admin, namespace default, mode 600)
	Registry         string   // LAB_REGISTRY, e.g. 127.0.0.1:5000/lain
	BaseImage        string   // LAB_BASE_IMAGE, e.g. 127.0.0.1:5000/lab/busybox:latest
	ClusterValuesDir string   // CLUSTER_VALUES_DIR (holds values-lab.yaml)
	Home             string   // the lab's HOME (HOME in the env file)
	Env              []string // the whole environment of a lab shell
	LainBin          string   // the lain binary built for this run
}

// Lab is set by TestMain before any test runs.
var Lab LabInfo

func TestMain(m *testing.M) {
	os.Exit(mainE2E(m))
}

func mainE2E(m *testing.M) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
		return 2
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		return fail("%v", err)
	}
	Lab.Repo = repo
	labScript := filepath.Join(repo, "scripts", "lab")

	// Use a running lab, or bring one up (and take it down at the end).
	started := false
	status := exec.Command(labScript, "status")
	status.Dir = repo
	if status.Run() != nil {
		fmt.Fprintln(os.Stderr, "e2e: the lab is not up; running scripts/lab up")
		up := exec.Command(labScript, "up")
		up.Dir, up.Stdout, up.Stderr = repo, os.Stderr, os.Stderr
		if err := up.Run(); err != nil {
			return fail("scripts/lab up: %v", err)
		}
		started = true
	}
	if started && os.Getenv("LAIN_LAB_KEEP") != "1" {
		defer func() {
			down := exec.Command(labScript, "down")
			down.Dir, down.Stdout, down.Stderr = repo, os.Stderr, os.Stderr
			_ = down.Run()
		}()
	}

	// The environment of a lab shell: eval "$(scripts/lab env)".
	var out, stderr bytes.Buffer
	sh := exec.Command("bash", "-c", `eval "$("$1" env)" && env -0`, "bash", labScript)
	sh.Dir, sh.Stdout, sh.Stderr = repo, &out, &stderr
	if err := sh.Run(); err != nil {
		return fail("scripts/lab env: %v\n%s", err, stderr.String())
	}
	for _, kv := range strings.Split(out.String(), "\x00") {
		if kv == "" || strings.HasPrefix(kv, "_=") {
			continue
		}
		Lab.Env = append(Lab.Env, kv)
	}
	get := func(k string) string {
		for i := len(Lab.Env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(Lab.Env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	Lab.Dir = get("LAIN_LAB_DIR")
	Lab.Kubeconfig = get("LAB_KUBECONFIG")
	Lab.Registry = get("LAB_REGISTRY")
	Lab.BaseImage = get("LAB_BASE_IMAGE")
	Lab.ClusterValuesDir = get("CLUSTER_VALUES_DIR")
	Lab.Home = get("HOME")
	for k, v := range map[string]string{"LAIN_LAB_DIR": Lab.Dir, "LAB_KUBECONFIG": Lab.Kubeconfig, "LAB_REGISTRY": Lab.Registry, "LAB_BASE_IMAGE": Lab.BaseImage} {
		if v == "" {
			return fail("scripts/lab env did not set %s", k)
		}
	}

	// Build lain once (LAIN_BIN: use that binary instead).
	tmp, err := os.MkdirTemp("", "lain-e2e-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(tmp)
	if bin := os.Getenv("LAIN_BIN"); bin != "" {
		Lab.LainBin, err = filepath.Abs(bin)
		if err != nil {
			return fail("%v", err)
		}
	} else {
		Lab.LainBin = filepath.Join(tmp, "lain")
		build := exec.Command("go", "build", "-o", Lab.LainBin, ".")
		build.Dir, build.Stdout, build.Stderr = repo, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fail("go build lain: %v", err)
		}
	}
	return m.Run()
}
