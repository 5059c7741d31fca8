package admin

import (
	"context"
	"sort"
)

// Node is a node that is not Ready, with the conditions that say why.
type Node struct {
	Name string
	// Conditions are "Type=Status (reason: message)" for Ready when it is
	// not True and for each pressure condition that is True.
	Conditions []string
}

type nodeList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Unschedulable bool `json:"unschedulable"`
		} `json:"spec"`
		Status struct {
			Conditions []struct {
				Type, Status, Reason, Message string
			} `json:"conditions"`
		} `json:"status"`
	} `json:"items"`
}

// BadNodes lists the nodes that are not Ready (a node without a Ready
// condition has never reported, and counts as not Ready).
func (k Kubectl) BadNodes(ctx context.Context) ([]Node, error) {
	var l nodeList
	if err := k.GetJSON(ctx, &l, "nodes"); err != nil {
		return nil, err
	}
	var out []Node
	for _, n := range l.Items {
		ready, conds := false, []string{}
		for _, c := range n.Status.Conditions {
			desc := c.Type + "=" + c.Status
			if c.Reason != "" || c.Message != "" {
				desc += " (" + c.Reason + ": " + firstLine(c.Message) + ")"
			}
			switch {
			case c.Type == "Ready":
				ready = c.Status == "True"
				if !ready {
					conds = append([]string{desc}, conds...)
				}
			case c.Status == "True": // MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable
				conds = append(conds, desc)
			}
		}
		if len(n.Status.Conditions) == 0 {
			conds = append(conds, "no conditions reported: the node's kubelet never posted its status")
		}
		if !ready {
			out = append(out, Node{Name: n.Metadata.Name, Conditions: conds})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
