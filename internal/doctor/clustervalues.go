package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/lain-cli/lain/internal/clusterconfig"
)

// ClusterValuesChecks validate every values-<CLUSTER>.yaml of src, one
// check per file, for the admin who edits the team's cluster values (lain
// doctor --cluster-values DIR). Files that look meant as cluster values
// but that lain never reads (values-x.yml, x.yaml) get a warning line.
func ClusterValuesChecks(src clusterconfig.Source) ([]Check, error) {
	names, err := src.Clusters()
	if err != nil {
		return nil, err
	}
	var checks []Check
	for _, n := range names {
		checks = append(checks, Check{Name: n, Required: true, Run: func(context.Context) Result { return checkClusterFile(src, n) }})
	}
	entries, err := fs.ReadDir(src.FS, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) || clusterFile(n) {
			continue
		}
		checks = append(checks, Check{Name: n, Run: func(context.Context) Result {
			return warn("not read: lain reads only values-<CLUSTER>.yaml files here", "")
		}})
	}
	return checks, nil
}

func clusterFile(name string) bool {
	return strings.HasPrefix(name, "values-") && strings.HasSuffix(name, ".yaml")
}

func checkClusterFile(src clusterconfig.Source, cluster string) Result {
	cl, err := src.Load(cluster)
	var inv *clusterconfig.Invalid
	switch {
	case errors.As(err, &inv):
		return problemsResult(src.Path(cluster), inv.Problems)
	case err != nil:
		return fromErr(err)
	case len(cl.Warnings) > 0:
		var lines []string
		for _, w := range cl.Warnings {
			lines = append(lines, w.String())
		}
		return Result{Status: Warn, Detail: fmt.Sprintf("%s: %d warning(s)", cl.File, len(lines)), Problems: lines}
	}
	return ok("%s (registry %s)", cl.File, cl.Values.Registry)
}

// problemsResult fails a cluster values file, listing every problem
// (warnings marked: a misspelt key often explains an error).
func problemsResult(file string, ps []clusterconfig.Problem) Result {
	var lines []string
	errs := 0
	for _, p := range ps {
		line := p.String()
		if p.Warning {
			line += " (warning)"
		} else {
			errs++
		}
		lines = append(lines, line)
	}
	return Result{Status: Fail, Detail: fmt.Sprintf("%s: %d error(s)", file, errs), Problems: lines}
}
