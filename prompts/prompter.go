// Package prompts asks the user questions. Prompter is the only thing
// commands see; survey.go is the only file that knows the terminal library
// (survey is archived upstream: swap that file to change it).
package prompts

import (
	"github.com/lain-cli/lain/internal/clierr"
)

// Prompter asks one question at a time. Every method returns
// clierr.ErrInterrupted when the user presses Ctrl-C.
type Prompter interface {
	// Select returns the index of the chosen option. descriptions, when not
	// nil, is shown beside each option (same length as options).
	Select(message string, options, descriptions []string, def int) (int, error)
	// MultiSelect returns the indexes of the chosen options.
	MultiSelect(message string, options []string, defaults []int) ([]int, error)
	// Input returns a line of text; validate (may be nil) explains bad
	// answers and the question is asked again.
	Input(message, def string, validate func(string) error) (string, error)
	// Confirm asks yes or no.
	Confirm(message string, def bool) (bool, error)
	// Editor opens $EDITOR on initial and returns the edited text; ext
	// (".yaml") lets the editor pick syntax highlighting.
	Editor(message, initial, ext string) (string, error)
}

// NeedFlag is the error for a question that cannot be asked (no terminal,
// or CI=true): it names the flag that answers it instead.
func NeedFlag(what, flag string) *clierr.Error {
	return clierr.Usage("cannot ask for "+what+": not on a terminal (or CI=true)", "pass "+flag)
}
