// Command releaseindex adds a release to lain's release index (index.json:
// the versions, and the size of each binary, which bounds downloads). It is
// run by scripts/release, which needs Go anyway, so that the index is
// written by the same types lain reads it with:
//
//	go run ./update/internal/releaseindex -version 1.3.0 -dir OUT/1.3.0 -o new.json old.json [more.json]
//
// Every input that exists is merged (the local OUT/index.json and, for
// GitLab, the channel file downloaded before); missing ones are skipped.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lain-cli/lain/update"
)

func main() {
	version := flag.String("version", "", "the version to add")
	dir := flag.String("dir", "", "the directory holding its binaries (lain_<os>_<arch>[.exe])")
	out := flag.String("o", "", "where to write the merged index")
	flag.Parse()
	if err := run(*version, *dir, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "releaseindex:", err)
		os.Exit(1)
	}
}

func run(version, dir, out string, inputs []string) error {
	if version == "" || dir == "" || out == "" {
		return errors.New("-version, -dir and -o are required")
	}
	idx := update.Index{Sizes: map[string]map[string]int64{}}
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		var old update.Index
		if err := json.Unmarshal(b, &old); err != nil {
			return fmt.Errorf("%s is not a lain release index: %v", in, err)
		}
		idx.Versions = append(idx.Versions, old.Versions...)
		for v, sizes := range old.Sizes {
			idx.Sizes[v] = sizes
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	sizes := map[string]int64{}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "lain_") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		sizes[e.Name()] = fi.Size()
	}
	if len(sizes) == 0 {
		return fmt.Errorf("no lain_<os>_<arch> binaries in %s", dir)
	}
	idx.Versions = append(idx.Versions, version)
	idx.Sizes[version] = sizes

	// Every valid version once, oldest first for people reading it.
	sorted := update.Sorted(idx.Versions, true)
	idx.Versions = idx.Versions[:0]
	for i := len(sorted) - 1; i >= 0; i-- {
		idx.Versions = append(idx.Versions, sorted[i].Original())
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
