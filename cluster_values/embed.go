// Package clustervalues carries the team's cluster configuration inside the
// lain binary: every values-<CLUSTER>.yaml in this directory is embedded at
// build time. A team's admin adds its clusters here in the team's fork (see
// example-values.yaml for every key). CLUSTER_VALUES_DIR makes lain read
// another directory instead (internal/clusterconfig decides).
package clustervalues

import (
	"embed"
	"io/fs"
)

//go:embed values-*.yaml
var files embed.FS

// FS returns the embedded cluster values files.
func FS() fs.FS { return files }
