// Command gendocs writes lain's command reference from its cobra tree:
// markdown pages (committed in docs/commands, checked for staleness by this
// package's test) and man pages (a build output); and, from the values
// schemas, docs/values.md, docs/cluster-values.md and
// cluster_values/values.schema.json (committed, checked the same way).
// `make docs` runs it.
//
// It is a separate program so that cobra/doc and its markdown-to-roff
// dependency stay out of the lain binary and its start-up.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	mdDir := flag.String("md", "docs/commands", "write the markdown reference into `DIR`")
	manDir := flag.String("man", "", "also write man pages into `DIR` (empty: none)")
	root := flag.String("root", ".", "write the values references and schemas under the repository root `DIR`")
	flag.Parse()
	if err := writeValuesFiles(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if err := writeMarkdown(*mdDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if *manDir == "" {
		return
	}
	if err := writeMan(*manDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
