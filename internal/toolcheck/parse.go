// Package toolcheck decides whether the helm, kubectl and docker a user has
// are good enough, from the real output of their version commands.
package toolcheck

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"

	"github.com/Masterminds/semver/v3"
)

var helmVersion = lazy.Regexp(`v(\d+\.\d+\.\d+)`)

// ParseHelm reads `helm version --short`: "v3.16.3+gcfd0749" for helm 3,
// "Client: v2.16.9+g8ad7037" (plus a tiller error) for helm 2.
func ParseHelm(out string) (*semver.Version, error) {
	m := helmVersion().FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("cannot read a version from `helm version --short` output %q", strings.TrimSpace(out))
	}
	return semver.NewVersion(m[1])
}

// KubeVersion is one side of `kubectl version -o json`.
type KubeVersion struct {
	Major      string `json:"major"`
	Minor      string `json:"minor"`
	GitVersion string `json:"gitVersion"`
}

// MinorNumber is the minor version as a number; cloud builds say "27+".
func (k KubeVersion) MinorNumber() (int, error) {
	return strconv.Atoi(strings.TrimRight(k.Minor, "+"))
}

// KubectlVersions is `kubectl version -o json`; Server is nil when the
// cluster did not answer.
type KubectlVersions struct {
	Client *KubeVersion `json:"clientVersion"`
	Server *KubeVersion `json:"serverVersion"`
}

// ParseKubectl reads `kubectl version -o json`. kubectl prints the client
// part even when it cannot reach the server (and exits 1 then).
func ParseKubectl(out []byte) (KubectlVersions, error) {
	var v KubectlVersions
	if err := json.Unmarshal(out, &v); err != nil || v.Client == nil {
		return v, fmt.Errorf("cannot read `kubectl version -o json` output %q", firstLine(string(out)))
	}
	return v, nil
}

// ParseDocker reads `docker version --format '{{.Client.Version}}'`, e.g.
// "28.2.2" or Debian's "20.10.24+dfsg1".
func ParseDocker(out string) (*semver.Version, error) {
	s := strings.TrimSpace(firstLine(out))
	v, err := semver.NewVersion(s)
	if err != nil {
		return nil, fmt.Errorf("cannot read a version from `docker version` output %q", s)
	}
	return v, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
