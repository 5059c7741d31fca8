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
	"github.com/lain-cli/lain/internal/yamldoc"
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
		name := filepath.Join("chart", fileName(cl.Name))
		app, err := readOverrides(filepath.Join(appDir, name), name)
		if err != nil {
			return nil, err
		}
		if app != nil {
			m = DeepMerge(m, app)
			sources = append(sources, name)
		}
	}
	cfg := &Config{Cluster: cl.Name, Map: m, Sources: sources, Values: valuesFromMap(m)}
	// secrets_env may fill the registry from the environment: check what
	// the commands will really use.
	for _, r := range []struct{ key, value string }{{"registry", cfg.Values.Registry}, {"internalRegistry", cfg.Values.InternalRegistry}} {
		if _, fromEnv := secrets[r.key]; !fromEnv || (r.key == "internalRegistry" && r.value == "") {
			continue
		}
		if msg := RegistryProblem(r.value); msg != "" {
			return nil, clierr.Of(clierr.ClusterConfig, fmt.Sprintf("%s, read from $%s (secrets_env of %s): %s", r.key, cl.Values.SecretsEnv[r.key].EnvName, cl.File, msg),
				"export "+cl.Values.SecretsEnv[r.key].EnvName+"=<registry host>/<path>")
		}
	}
	return cfg, nil
}

// readOverrides reads an app's chart/values-<CLUSTER>.yaml (nil when there
// is none) and checks the cluster keys it sets, as the cluster's own file
// is checked: helm merges it over the cluster values.
func readOverrides(path, name string) (map[string]any, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const next = "fix the file, then run: lain lint"
	raw, err := yamldoc.ReadAll(f, name)
	if err != nil {
		return nil, clierr.Usage(err.Error(), next)
	}
	doc, err := yamldoc.Parse(name, raw)
	if err != nil {
		return nil, clierr.Usage(err.Error(), next)
	}
	if doc.Root == nil {
		return nil, nil
	}
	c := &checker{file: name}
	if doc.Map() == nil {
		c.add(doc.Root, "(file)", "must be a map of keys to values (key: value)", false)
	} else {
		c.checkOverrides(doc.Root)
	}
	if len(c.problems) > 0 {
		e := problemsError("", name+" sets cluster values wrongly", c.problems).(*clierr.Error)
		e.Next = next
		return nil, e
	}
	return doc.Map(), nil
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
		return nil, clierr.Of(clierr.ClusterConfig, fmt.Sprintf("cluster %s needs environment variables that are not set:\n  %s", cluster, strings.Join(missing, "\n  ")),
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
