// Package tools knows the external programs lain drives: what each is for
// and how a user installs it on their platform.
package tools

import "fmt"

// Install says how to get one tool on each platform.
type Install struct {
	Brew, Choco, Apt string // package-manager commands; empty when none fits
	Upstream         string // the project's install page
}

// catalogue of the tools lain runs.
func catalogue(name string) (Install, bool) {
	switch name {
	case "helm":
		return Install{Brew: "brew install helm", Choco: "choco install kubernetes-helm",
			Upstream: "https://helm.sh/docs/intro/install/"}, true
	case "kubectl":
		return Install{Brew: "brew install kubectl", Choco: "choco install kubernetes-cli",
			Upstream: "https://kubernetes.io/docs/tasks/tools/"}, true
	case "docker":
		return Install{Brew: "brew install --cask docker", Choco: "choco install docker-desktop",
			Apt: "sudo apt-get install docker.io", Upstream: "https://docs.docker.com/engine/install/"}, true
	case "git":
		return Install{Brew: "brew install git", Choco: "choco install git",
			Apt: "sudo apt-get install git", Upstream: "https://git-scm.com/downloads"}, true
	case "stern":
		return Install{Brew: "brew install stern", Choco: "choco install stern",
			Upstream: "https://github.com/stern/stern#installation"}, true
	}
	return Install{}, false
}

// Platform is what install advice depends on.
type Platform struct {
	GOOS    string // runtime.GOOS
	HaveApt bool   // apt-get is on PATH (Debian, Ubuntu, WSL)
}

// Hint returns the one command (or page) that installs name on p.
func Hint(name string, p Platform) string {
	in, ok := catalogue(name)
	if !ok {
		return fmt.Sprintf("install %s and make sure it is on your PATH", name)
	}
	cmd := ""
	switch {
	case p.GOOS == "darwin":
		cmd = in.Brew
	case p.GOOS == "windows":
		cmd = in.Choco
	case p.HaveApt && in.Apt != "":
		cmd = in.Apt
	}
	if cmd == "" {
		return "install it from " + in.Upstream
	}
	return cmd + " (or see " + in.Upstream + ")"
}
