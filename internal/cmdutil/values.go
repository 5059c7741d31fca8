package cmdutil

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
)

// ValuesOwnAnnotation marks a command that reads -f itself as something
// else than helm values (lain secret apply -f FILE): its -f is left alone.
const ValuesOwnAnnotation = "lain/values-own"

// CopyStreamedValues copies each -f that is not a regular file (a pipe
// from <(...), /dev/stdin, or "-" for standard input) into a private
// temporary file, and -f names that file from then on. lain reads the
// values (lint, the procs, the image) and helm, another process, reads them
// again: a pipe gives its content to the first reader only, and helm could
// not even open lain's /dev/fd/N. Call CleanupValues when the command ends.
func (g *Globals) CopyStreamedValues(stdin io.Reader) error {
	for i, p := range g.Values {
		var src io.Reader
		if p == "-" {
			src = stdin
		} else {
			st, err := os.Stat(p)
			if err != nil || st.Mode().IsRegular() || st.IsDir() {
				continue // a missing file is reported where it is read
			}
			f, err := os.Open(p)
			if err != nil {
				return clierr.Usage(fmt.Sprintf("-f %s: %v", p, err), "check the path")
			}
			defer f.Close()
			src = f
		}
		if g.valuesTmp == "" {
			dir, err := os.MkdirTemp("", "lain-values-")
			if err != nil {
				return &clierr.Error{Kind: clierr.InvalidInput, Msg: fmt.Sprintf("-f %s is a pipe, and lain could not make a private copy of it: %v", p, err), Err: err,
					Next: "save the values to a file and pass that (lain -f values.yaml ...), or set TMPDIR to a writable directory"}
			}
			g.valuesTmp = dir
		}
		// Named for what the user gave, so that a problem in it reads
		// ".../dev-fd-63.yaml:3:1" rather than a random name.
		name := strings.Trim(strings.NewReplacer("/", "-", "\\", "-").Replace(p), "-")
		if p == "-" {
			name = "stdin"
		}
		dst := filepath.Join(g.valuesTmp, fmt.Sprintf("%d-%s.yaml", i+1, name))
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, src)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return &clierr.Error{Kind: clierr.InvalidInput, Msg: fmt.Sprintf("reading -f %s: %v", p, err), Err: err,
				Next: "save the values to a file and pass that: lain -f values.yaml ..."}
		}
		g.Values[i] = dst
	}
	return nil
}

// CleanupValues removes what CopyStreamedValues made.
func (g *Globals) CleanupValues() {
	if g.valuesTmp != "" {
		_ = os.RemoveAll(g.valuesTmp)
		g.valuesTmp = ""
	}
}
