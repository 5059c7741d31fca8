package prompts

import (
	"fmt"
	"strings"
)

// Scripted is the Prompter for tests: it answers from a script, in order,
// and fails on any question the script did not expect. Each step matches a
// question by a substring of its message.
type Scripted struct {
	steps []step
	// Asked records every message, in order.
	Asked []string
}

type step struct {
	kind, contains string
	answer         any
	err            error
}

// Expect queues an answer to the next question of kind ("select",
// "multiselect", "input", "confirm", "editor") whose message contains
// contains. answer is an int (select: the option index, or a string that
// names the option), []int, string or bool as the kind needs.
func (s *Scripted) Expect(kind, contains string, answer any) *Scripted {
	s.steps = append(s.steps, step{kind: kind, contains: contains, answer: answer})
	return s
}

// ExpectErr queues an error (such as clierr.ErrInterrupted for Ctrl-C).
func (s *Scripted) ExpectErr(kind, contains string, err error) *Scripted {
	s.steps = append(s.steps, step{kind: kind, contains: contains, err: err})
	return s
}

// Done reports questions the script expected but nobody asked.
func (s *Scripted) Done() error {
	if len(s.steps) > 0 {
		return fmt.Errorf("prompts: %d expected question(s) not asked, next: %s %q", len(s.steps), s.steps[0].kind, s.steps[0].contains)
	}
	return nil
}

func (s *Scripted) next(kind, message string) (step, error) {
	s.Asked = append(s.Asked, message)
	if len(s.steps) == 0 {
		return step{}, fmt.Errorf("prompts: unexpected %s %q", kind, message)
	}
	st := s.steps[0]
	if st.kind != kind || !strings.Contains(message, st.contains) {
		return step{}, fmt.Errorf("prompts: got %s %q, script expected %s containing %q", kind, message, st.kind, st.contains)
	}
	s.steps = s.steps[1:]
	return st, st.err
}

func (s *Scripted) Select(message string, options, _ []string, _ int) (int, error) {
	st, err := s.next("select", message)
	if err != nil {
		return 0, err
	}
	if name, ok := st.answer.(string); ok {
		for i, o := range options {
			if o == name || strings.HasPrefix(o, name+" ") {
				return i, nil
			}
		}
		return 0, fmt.Errorf("prompts: %q is not among the options %q", name, options)
	}
	return st.answer.(int), nil
}

func (s *Scripted) MultiSelect(message string, _ []string, _ []int) ([]int, error) {
	st, err := s.next("multiselect", message)
	if err != nil {
		return nil, err
	}
	return st.answer.([]int), nil
}

func (s *Scripted) Input(message, def string, validate func(string) error) (string, error) {
	st, err := s.next("input", message)
	if err != nil {
		return "", err
	}
	ans := st.answer.(string)
	if ans == "" {
		ans = def
	}
	if validate != nil {
		if verr := validate(ans); verr != nil {
			return "", fmt.Errorf("prompts: scripted answer %q to %q is invalid: %w", ans, message, verr)
		}
	}
	return ans, nil
}

func (s *Scripted) Confirm(message string, _ bool) (bool, error) {
	st, err := s.next("confirm", message)
	if err != nil {
		return false, err
	}
	return st.answer.(bool), nil
}

func (s *Scripted) Editor(message, _, _ string) (string, error) {
	st, err := s.next("editor", message)
	if err != nil {
		return "", err
	}
	return st.answer.(string), nil
}
