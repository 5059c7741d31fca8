package kube

import (
	"context"
	"sort"
	"time"
)

// Event is one Kubernetes event about an object.
type Event struct {
	Kind, Name string // the object it is about
	Type       string // Normal or Warning
	Reason     string
	Message    string
	Count      int
	Last       time.Time
}

// Events returns the events about objects of kind with the given names,
// oldest first, at most max per object (0: all). One kubectl call for all
// names.
func (c *Client) Events(ctx context.Context, kind string, names []string, max int) (map[string][]Event, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string][]Event{}
	if len(want) == 0 {
		return out, nil
	}
	var list struct {
		Items []struct {
			InvolvedObject struct{ Kind, Name string } `json:"involvedObject"`
			Type           string                      `json:"type"`
			Reason         string                      `json:"reason"`
			Message        string                      `json:"message"`
			Count          int                         `json:"count"`
			LastTimestamp  string                      `json:"lastTimestamp"`
			EventTime      string                      `json:"eventTime"`
			Series         *struct {
				Count            int    `json:"count"`
				LastObservedTime string `json:"lastObservedTime"`
			} `json:"series"`
			Metadata meta `json:"metadata"`
		} `json:"items"`
	}
	if err := c.getJSON(ctx, &list, "events", "--field-selector", "involvedObject.kind="+kind); err != nil {
		return nil, err
	}
	for _, e := range list.Items {
		if !want[e.InvolvedObject.Name] {
			continue
		}
		ev := Event{Kind: e.InvolvedObject.Kind, Name: e.InvolvedObject.Name, Type: e.Type, Reason: e.Reason, Message: e.Message, Count: e.Count}
		stamp := e.LastTimestamp
		if e.Series != nil {
			ev.Count, stamp = e.Series.Count, e.Series.LastObservedTime
		}
		for _, s := range []string{stamp, e.EventTime, e.Metadata.CreationTimestamp} {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil && s != "" {
				ev.Last = t
				break
			}
		}
		out[ev.Name] = append(out[ev.Name], ev)
	}
	for n, evs := range out {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Last.Before(evs[j].Last) })
		if max > 0 && len(evs) > max {
			evs = evs[len(evs)-max:]
		}
		out[n] = evs
	}
	return out, nil
}
