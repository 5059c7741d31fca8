package registry

import (
	"os"
	"path/filepath"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// DockerKeychain finds credentials the way the docker CLI does: in
// $DOCKER_CONFIG/config.json, else ~/.docker/config.json (HOME from
// getenv), asking the credential helper it names (credsStore,
// credHelpers) when there is one. What `docker login` saved, lain uses.
func DockerKeychain(getenv func(string) string) authn.Keychain {
	if getenv == nil {
		getenv = os.Getenv
	}
	return dockerKeychain{dir: dockerConfigDir(getenv)}
}

func dockerConfigDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return "" // docker's own default
	}
	return filepath.Join(home, ".docker")
}

type dockerKeychain struct{ dir string }

// Resolve looks the registry up under the keys docker login uses: the
// repository, then the host (https://index.docker.io/v1/ for Docker Hub).
func (k dockerKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	cf, err := config.Load(k.dir)
	if err != nil {
		return nil, err
	}
	var empty types.AuthConfig
	for _, key := range []string{target.String(), target.RegistryStr()} {
		if key == name.DefaultRegistry {
			key = authn.DefaultAuthKey
		}
		cfg, err := cf.GetAuthConfig(key)
		if err != nil {
			return nil, err
		}
		cfg.ServerAddress = "" // set by GetAuthConfig; not a credential
		if cfg != empty {
			return authn.FromConfig(authn.AuthConfig{
				Username: cfg.Username, Password: cfg.Password, Auth: cfg.Auth,
				IdentityToken: cfg.IdentityToken, RegistryToken: cfg.RegistryToken,
			}), nil
		}
	}
	return authn.Anonymous, nil
}

// basicAuth is the user name and password docker has for host, for APIs
// that take basic auth (Harbor's); ok is false when there are none.
func basicAuth(getenv func(string) string, host string) (user, pass string, ok bool) {
	reg, err := name.NewRegistry(host)
	if err != nil {
		return "", "", false
	}
	a, err := DockerKeychain(getenv).Resolve(reg)
	if err != nil || a == authn.Anonymous {
		return "", "", false
	}
	cfg, err := a.Authorization()
	if err != nil || cfg.Username == "" {
		return "", "", false
	}
	return cfg.Username, cfg.Password, true
}
