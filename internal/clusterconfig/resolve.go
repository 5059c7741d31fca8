package clusterconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/clierr"
)

// Config is what every command sees for the current cluster: its values
// file, with secrets_env read from the environment and the app's
// chart/values-<CLUSTER>.yaml merged over it (as the original did).
type Config struct {
	Cluster string
	Values  Values
	Map     map[string]any
	// Sources are the files merged, in order, for messages.
	Sources []string
}

// Resolve builds the Config of cluster cl for the app in appDir ("" when
// lain runs outside an app). Secrets are read only here, i.e. only for the
// cluster in use.
func Resolve(cl *Cluster, appDir string, getenv func(string) string) (*Config, error) {
	m := deepCopy(cl.Map)
	secrets, err := ReadSecretsEnv(cl.Values.SecretsEnv, getenv, cl.Name)
	if err != nil {
		return nil, err
	}
	for k, v := range secrets {
		m[k] = v
	}
	sources := []string{cl.File}
	if appDir != "" {
		p := filepath.Join(appDir, "chart", fileName(cl.Name))
		raw, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			var app map[string]any
			if err := yaml.Unmarshal(raw, &app); err != nil {
				return nil, clierr.Usage(fmt.Sprintf("%s: not valid YAML: %s", p, strings.TrimPrefix(err.Error(), "yaml: ")), "fix the file, then run: lain lint")
			}
			m = DeepMerge(m, app)
			sources = append(sources, p)
		}
	}
	cfg := &Config{Cluster: cl.Name, Map: m, Sources: sources}
	b, err := yaml.Marshal(m)
	if err == nil {
		err = yaml.Unmarshal(b, &cfg.Values)
	}
	if err != nil {
		return nil, fmt.Errorf("merging %s: %w", strings.Join(sources, " and "), err)
	}
	return cfg, nil
}

// ReadSecretsEnv reads each secrets_env variable. Every missing required
// one is reported at once, each with its hint.
func ReadSecretsEnv(spec map[string]SecretEnv, getenv func(string) string, cluster string) (map[string]string, error) {
	out := map[string]string{}
	var missing []string
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, dest := range keys {
		s := spec[dest]
		if v := getenv(s.EnvName); v != "" {
			out[dest] = v
			continue
		}
		if s.Required {
			line := s.EnvName + " (for " + dest + ")"
			if s.Hint != "" {
				line += ": " + s.Hint
			}
			missing = append(missing, line)
		}
	}
	if len(missing) > 0 {
		first := spec[keys[0]].EnvName
		for _, dest := range keys {
			if spec[dest].Required && getenv(spec[dest].EnvName) == "" {
				first = spec[dest].EnvName
				break
			}
		}
		return nil, clierr.New(fmt.Sprintf("cluster %s needs environment variables that are not set:\n  %s", cluster, strings.Join(missing, "\n  ")),
			"export "+first+"=...   # then run the command again")
	}
	return out, nil
}

// WriteTemp writes the merged config to a private temp file for helm's -f,
// and returns a function that removes it.
func (c *Config) WriteTemp() (path string, cleanup func(), err error) {
	b, err := yaml.Marshal(c.Map)
	if err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp("", "lain-cluster-"+c.Cluster+"-*.yaml")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.Remove(f.Name()) }
	// CreateTemp already makes the file 0600; say so for other platforms.
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, fs.ErrPermission) {
		f.Close()
		cleanup()
		return "", nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		cleanup()
		return "", nil, err
	}
	return f.Name(), cleanup, f.Close()
}

// DeepMerge returns base with over merged in: maps merge key by key, any
// other value in over replaces base's (helm's rule for repeated -f).
func DeepMerge(base, over map[string]any) map[string]any {
	out := deepCopy(base)
	for k, ov := range over {
		if om, ok := ov.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = DeepMerge(bm, om)
				continue
			}
		}
		out[k] = ov
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}
