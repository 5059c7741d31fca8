package gitlab

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Candidate is a member who may review: active, a person, not the author,
// and a contributor to the repository.
type Candidate struct {
	User    User
	Commits int
}

// Candidates matches the project's members to the repository's
// contributors (by name, username or email, case-insensitively) and keeps
// the active people other than the author, in member ID order.
func Candidates(members []User, contributors []Contributor, author User) []Candidate {
	var out []Candidate
	seen := map[int]bool{}
	for _, m := range members {
		if !m.Active() || m.ID == author.ID || seen[m.ID] {
			continue
		}
		commits := 0
		for _, c := range contributors {
			if contributedAs(m, c) {
				commits += c.Commits
			}
		}
		if commits > 0 {
			seen[m.ID] = true
			out = append(out, Candidate{User: m, Commits: commits})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User.ID < out[j].User.ID })
	return out
}

func contributedAs(m User, c Contributor) bool {
	same := func(a, b string) bool {
		return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	local, _, _ := strings.Cut(c.Email, "@")
	return same(m.Name, c.Name) || same(m.Username, c.Name) || same(m.Email, c.Email) || same(m.Username, local)
}

// Choice is what assign-mr decided.
type Choice struct {
	Assignee, Reviewer Candidate
	// KeptAssignee, KeptReviewer: the MR already had an active one.
	KeptAssignee, KeptReviewer bool
}

// firstActive is the first active person in users.
func firstActive(users []User) (User, bool) {
	for _, u := range users {
		if u.Active() {
			return u, true
		}
	}
	return User{}, false
}

// Complete reports whether mr already has an active assignee and reviewer.
func Complete(mr *MergeRequest) bool {
	_, a := firstActive(mr.Assignees)
	_, r := firstActive(mr.Reviewers)
	return a && r
}

// Choose keeps the MR's active assignee or reviewer and picks the missing
// ones among cands with a generator seeded by seed: the reviewer first,
// then an assignee other than the reviewer when there is another.
func Choose(mr *MergeRequest, cands []Candidate, seed uint64) (Choice, error) {
	var ch Choice
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	if u, ok := firstActive(mr.Reviewers); ok {
		ch.Reviewer, ch.KeptReviewer = Candidate{User: u}, true
	}
	if u, ok := firstActive(mr.Assignees); ok {
		ch.Assignee, ch.KeptAssignee = Candidate{User: u}, true
	}
	if len(cands) == 0 {
		return ch, fmt.Errorf("no active member besides the author %s has commits in the repository", mr.Author.Username)
	}
	if !ch.KeptReviewer {
		ch.Reviewer = pickOther(cands, ch.Assignee.User.ID, rng)
	}
	if !ch.KeptAssignee {
		ch.Assignee = pickOther(cands, ch.Reviewer.User.ID, rng)
	}
	return ch, nil
}

// pickOther picks at random among cands, avoiding the user with ID not
// when anyone else is left.
func pickOther(cands []Candidate, not int, rng *rand.Rand) Candidate {
	var pool []Candidate
	for _, c := range cands {
		if c.User.ID != not {
			pool = append(pool, c)
		}
	}
	if len(pool) == 0 {
		pool = cands
	}
	return pool[rng.IntN(len(pool))]
}
