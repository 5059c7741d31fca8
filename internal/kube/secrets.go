package kube

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
)

// Secret is an Opaque Secret's data, decoded.
type Secret struct {
	Name string
	Data map[string][]byte
	// Labels are kept as they are when the Secret is replaced.
	Labels map[string]string
	// ResourceVersion is the version read; ApplySecret replaces only that
	// version, so a change made by someone else in between is refused
	// instead of overwritten. "" for a Secret that does not exist yet.
	ResourceVersion string
}

// Keys are the Secret's keys, sorted.
func (s *Secret) Keys() []string {
	keys := make([]string, 0, len(s.Data))
	for k := range s.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// GetSecret reads a Secret; ErrNotFound when it does not exist.
func (c *Client) GetSecret(ctx context.Context, name string) (*Secret, error) {
	var j struct {
		Metadata meta              `json:"metadata"`
		Data     map[string][]byte `json:"data"` // base64 in JSON: encoding/json decodes it
	}
	if err := c.getJSON(ctx, &j, "secret", name); err != nil {
		return nil, err
	}
	if j.Data == nil {
		j.Data = map[string][]byte{}
	}
	return &Secret{Name: j.Metadata.Name, Data: j.Data, Labels: j.Metadata.Labels, ResourceVersion: j.Metadata.ResourceVersion}, nil
}

// SecretKeys lists a Secret's keys (never its values), for Tab completion.
func (c *Client) SecretKeys(ctx context.Context, name string) ([]string, error) {
	s, err := c.GetSecret(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.Keys(), nil
}

// ErrConflict means the Secret changed in the cluster since it was read.
var ErrConflict = errors.New("changed in the cluster since it was read")

// ApplySecret writes s: `kubectl create -f -` when it is new (no
// ResourceVersion), else `kubectl replace -f -` of exactly the version read.
// The Secret goes on stdin, so its values never appear on a command line
// (and no last-applied annotation copies them, as kubectl apply would).
func (c *Client) ApplySecret(ctx context.Context, s *Secret) error {
	md := map[string]any{"name": s.Name}
	if len(s.Labels) > 0 {
		md["labels"] = s.Labels
	}
	verb := "create"
	if s.ResourceVersion != "" {
		verb = "replace"
		md["resourceVersion"] = s.ResourceVersion
	}
	data := s.Data
	if data == nil {
		data = map[string][]byte{}
	}
	body, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": md, "data": data})
	if err != nil {
		return err
	}
	_, err = c.mutate(ctx, body, verb, "-f", "-")
	if err == nil {
		return nil
	}
	reason := Refusal(err)
	switch {
	case containsAny(reason, "(Conflict)", "the object has been modified"):
		return &refusal{reason: reason + ": " + ErrConflict.Error(), causes: []error{ErrConflict, err}}
	case reason != "":
		return &refusal{reason: reason, causes: []error{err}}
	}
	return err
}
