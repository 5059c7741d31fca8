package gitlab_test

import (
	"context"
	"testing"

	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
)

func TestCandidatesAndChoose(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	c, _, _ := client(s, gitlab.Token{Private: gitlabtest.Token})
	ctx := context.Background()
	ms, _ := c.Members(ctx, "7")
	cs, _ := c.Contributors(ctx, "7")
	mr, _ := c.MergeRequest(ctx, "7", 1)
	cands := gitlab.Candidates(ms, cs, mr.Author)
	var names []string
	for _, x := range cands {
		names = append(names, x.User.Username)
	}
	// Not alice (author), dave (blocked), the project bot, nor members
	// without commits; carol matched by her email's name, on page 3.
	if len(names) != 2 || names[0] != "bob" || names[1] != "carol" {
		t.Fatalf("candidates %v", names)
	}
	ch, err := gitlab.Choose(mr, cands, 1)
	if err != nil || ch.Reviewer.User.ID == ch.Assignee.User.ID {
		t.Fatalf("%+v %v", ch, err)
	}
	again, _ := gitlab.Choose(mr, cands, 1)
	if again != ch {
		t.Error("same seed, same choice")
	}
	seen := map[string]bool{}
	for seed := uint64(0); seed < 20; seed++ {
		ch, _ := gitlab.Choose(mr, cands, seed)
		seen[ch.Reviewer.User.Username] = true
	}
	if !seen["bob"] || !seen["carol"] {
		t.Errorf("seeds pick both: %v", seen)
	}
	mr.Reviewers = []gitlab.User{{ID: 4, Username: "dave", State: "blocked"}}
	mr.Assignees = []gitlab.User{{ID: 3, Username: "carol", State: "active"}}
	ch, _ = gitlab.Choose(mr, cands, 1)
	if !ch.KeptAssignee || ch.KeptReviewer || ch.Reviewer.User.Username != "bob" {
		t.Errorf("a blocked reviewer is replaced, the active assignee kept: %+v", ch)
	}
	if gitlab.Complete(mr) {
		t.Error("blocked reviewer: not complete")
	}
	if _, err := gitlab.Choose(mr, nil, 1); err == nil {
		t.Error("no candidates")
	}
}
