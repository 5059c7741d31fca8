package prompts

import (
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
)

func TestScriptedAnswersInOrder(t *testing.T) {
	p := (&Scripted{}).
		Expect("select", "cluster", "test").
		Expect("input", "app name", "").
		Expect("confirm", "Deploy", true)
	i, err := p.Select("Pick a cluster", []string{"lab", "test (the test cluster)"}, nil, 0)
	if err != nil || i != 1 {
		t.Fatal(i, err)
	}
	name, _ := p.Input("What is the app name?", "hello", nil)
	ok, _ := p.Confirm("Deploy now?", false)
	if name != "hello" || !ok || p.Done() != nil {
		t.Fatal(name, ok, p.Done())
	}
}

func TestScriptedRejectsUnexpectedQuestions(t *testing.T) {
	p := (&Scripted{}).Expect("confirm", "Delete", false)
	if _, err := p.Input("app name", "", nil); err == nil {
		t.Fatal("asked the wrong question without failing")
	}
}

func TestCtrlCIsExit130(t *testing.T) {
	p := (&Scripted{}).ExpectErr("select", "cluster", clierr.ErrInterrupted)
	_, err := p.Select("cluster", []string{"a"}, nil, 0)
	if clierr.Code(err) != 130 || clierr.Format(err) != "lain: interrupted\n" {
		t.Fatal(err)
	}
}

func TestNeedFlagNamesTheFlag(t *testing.T) {
	err := NeedFlag("the app name", "--appname NAME")
	msg := clierr.Format(err)
	if !strings.Contains(msg, "not on a terminal") || !strings.Contains(msg, "next: pass --appname NAME") || clierr.Code(err) != 2 {
		t.Fatal(msg)
	}
}
