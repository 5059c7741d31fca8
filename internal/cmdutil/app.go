package cmdutil

import (
	"os"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
)

// LoadApp loads the app in dir; an app without appname is reported the way
// lain lint reports it.
func LoadApp(dir string) (*app.App, error) {
	a, err := app.Load(dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	return a, nil
}

// loadOnCluster loads the app in dir, the config of the cluster cluster
// gives for it, and its values files for that cluster (-f files last).
func loadOnCluster(dir string, cluster func(appDir string) (*clusterconfig.Config, error), values []string) (*app.App, *clusterconfig.Config, []*app.ValuesFile, error) {
	a, err := LoadApp(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := cluster(a.Dir)
	if err != nil {
		return nil, nil, nil, err
	}
	files, err := a.ValuesFiles(cfg.Cluster, values)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, cfg, files, nil
}

// Cwd is the current directory, for completions ("" when unknown).
func Cwd() string {
	d, _ := os.Getwd()
	return d
}
