package clusterconfig

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/lain-cli/lain/internal/lazy"
)

// RegistryProblem says what is wrong with a registry prefix (registry,
// internalRegistry), "" when nothing. Images are <prefix>/<appname>:<tag>,
// and docker sends a name whose first part is not a host to Docker Hub, so
// the prefix must start with a registry host[:port]; a path may follow.
func RegistryProblem(s string) string {
	const example = "e.g. harbor.example.com/myteam"
	switch {
	case s == "":
		return "must not be empty (the image registry prefix, " + example + ")"
	case strings.Contains(s, "://"):
		_, rest, _ := strings.Cut(s, "://")
		return fmt.Sprintf("%q has a scheme: docker names have none (write %s)", s, strings.TrimSuffix(rest, "/"))
	case strings.ContainsAny(s, " \t\r\n"):
		return fmt.Sprintf("%q contains a space (%s)", s, example)
	}
	host, path, _ := strings.Cut(s, "/")
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return fmt.Sprintf("%q does not start with a registry host, so docker would push to Docker Hub (%s; for Docker Hub, docker.io/%s)", s, example, s)
	}
	reg, err := name.NewRegistry(host, name.StrictValidation)
	if err != nil || strings.HasSuffix(host, ":") {
		return fmt.Sprintf("%q is not a registry host[:port] (%s)", host, example)
	}
	path = strings.TrimSuffix(path, "/") // lain drops it too
	if path == "" {
		return ""
	}
	// Each part of the path as docker's reference grammar has it, and a
	// repository under the prefix must parse, on the same host.
	repo, err := name.NewRepository(host+"/"+path+"/app", name.StrictValidation)
	for _, part := range strings.Split(path, "/") {
		if !pathComponent().MatchString(part) {
			err = fmt.Errorf("bad part %q", part)
		}
	}
	if err != nil || repo.RegistryStr() != reg.RegistryStr() {
		return fmt.Sprintf("%q: the path after the host must be lower-case letters and digits, with . _ or - between them, in parts split by / (%s)", s, example)
	}
	return ""
}

// pathComponent is one part of a docker repository path.
var pathComponent = lazy.Regexp(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
