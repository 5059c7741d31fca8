package appvalues

import "gopkg.in/yaml.v3"

// CPUProblem says what is wrong with a cpu quantity, "" when nothing
// (for flags and answers, before they reach a file).
func CPUProblem(s string) string { return single(s, (*checker).checkCPU) }

// MemoryProblem says what is wrong with a memory quantity, "" when nothing.
func MemoryProblem(s string) string { return single(s, (*checker).checkMemory) }

// ScheduleProblem says what is wrong with a cron schedule, "" when nothing.
func ScheduleProblem(s string) string {
	return single(s, func(c *checker, at, v *yaml.Node, path string) { checkSchedule(c, at, v, path) })
}

// single runs one value check on s and returns its first problem as
// "problem (hint)".
func single(s string, check func(c *checker, at, v *yaml.Node, path string)) string {
	c := &checker{t: &tree{file: map[*yaml.Node]string{}}}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	check(c, n, n, "")
	if len(c.problems) == 0 {
		return ""
	}
	p := c.problems[0]
	if p.Hint != "" {
		return p.Msg + " (" + p.Hint + ")"
	}
	return p.Msg
}
