package prompts

import (
	"errors"
	"io"
	"os"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/lain-cli/lain/internal/clierr"
)

// Survey is the Prompter for a real terminal.
type Survey struct {
	in     terminal.FileReader
	out    terminal.FileWriter
	errOut io.Writer
}

// NewSurvey asks on stdin and draws on stderr, so stdout stays clean for
// output that scripts read.
func NewSurvey(in, errOut *os.File) *Survey {
	return &Survey{in: in, out: errOut, errOut: errOut}
}

func (s *Survey) ask(p survey.Prompt, resp any, opts ...survey.AskOpt) error {
	opts = append(opts, survey.WithStdio(s.in, s.out, s.errOut))
	err := survey.AskOne(p, resp, opts...)
	if errors.Is(err, terminal.InterruptErr) {
		return clierr.ErrInterrupted
	}
	return err
}

func (s *Survey) Select(message string, options, descriptions []string, def int) (int, error) {
	p := &survey.Select{Message: message, Options: options}
	if def >= 0 && def < len(options) {
		p.Default = options[def]
	}
	if descriptions != nil {
		p.Description = func(_ string, i int) string { return descriptions[i] }
	}
	var i int
	err := s.ask(p, &i)
	return i, err
}

func (s *Survey) MultiSelect(message string, options []string, defaults []int) ([]int, error) {
	p := &survey.MultiSelect{Message: message, Options: options}
	if len(defaults) > 0 {
		p.Default = defaults
	}
	var picked []int
	err := s.ask(p, &picked)
	return picked, err
}

func (s *Survey) Input(message, def string, validate func(string) error) (string, error) {
	var out string
	var opts []survey.AskOpt
	if validate != nil {
		opts = append(opts, survey.WithValidator(func(ans any) error {
			str, _ := ans.(string)
			return validate(str)
		}))
	}
	err := s.ask(&survey.Input{Message: message, Default: def}, &out, opts...)
	return out, err
}

func (s *Survey) Confirm(message string, def bool) (bool, error) {
	var ok bool
	err := s.ask(&survey.Confirm{Message: message, Default: def}, &ok)
	return ok, err
}

func (s *Survey) Editor(message, initial, ext string) (string, error) {
	var out string
	p := &survey.Editor{Message: message, Default: initial, HideDefault: true, AppendDefault: true, FileName: "*" + ext}
	err := s.ask(p, &out)
	return out, err
}
