package secretedit

import (
	"context"
	"fmt"
	"io"

	"github.com/kballard/go-shellquote"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

// EditorCommand is the user's editor: $EDITOR, then $VISUAL, then vi
// (notepad on Windows). The variable may hold arguments ("code --wait").
func EditorCommand(getenv func(string) string, goos string) ([]string, error) {
	for _, name := range []string{"EDITOR", "VISUAL"} {
		if v := getenv(name); v != "" {
			argv, err := shellquote.Split(v)
			if err != nil || len(argv) == 0 {
				return nil, clierr.Usage(fmt.Sprintf("$%s=%q is not a command line lain can run", name, v), "export EDITOR=vi   # or your editor")
			}
			return argv, nil
		}
	}
	if goos == "windows" {
		return []string{"notepad"}, nil
	}
	return []string{"vi"}, nil
}

// runEditor opens path in the editor, on the user's terminal.
func runEditor(ctx context.Context, r runner.Runner, argv []string, path string, stdin io.Reader) error {
	_, err := r.Run(ctx, runner.Cmd{Name: argv[0], Args: append(append([]string{}, argv[1:]...), path), Stdin: stdin})
	return err
}
