// Package webhook tells a team's chat what lain did to an app: the app's
// `webhook: {url, clusters}` values. Feishu (and Lark) bot URLs get Feishu's
// text message; any other URL gets a small JSON document with a `text` field
// (what Slack-style incoming webhooks read) and the same facts as fields.
// For env and secret edits only the changed KEYS are ever sent, never values.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config is the app's webhook values.
type Config struct {
	URL string
	// Clusters limits the messages to these clusters; empty: every cluster.
	Clusters []string
}

// FromValues reads webhook.url and webhook.clusters from the app's merged
// values (zero Config when absent).
func FromValues(values map[string]any) Config {
	w, _ := values["webhook"].(map[string]any)
	var c Config
	c.URL, _ = w["url"].(string)
	if list, ok := w["clusters"].([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				c.Clusters = append(c.Clusters, s)
			}
		}
	}
	return c
}

// For reports whether messages about cluster go out.
func (c Config) For(cluster string) bool {
	if c.URL == "" {
		return false
	}
	if len(c.Clusters) == 0 {
		return true
	}
	for _, x := range c.Clusters {
		if x == cluster {
			return true
		}
	}
	return false
}

// KeyChanges are the keys an edit added, changed and removed (never values).
type KeyChanges struct {
	Added   []string `json:"added"`
	Changed []string `json:"changed"`
	Removed []string `json:"removed"`
}

// Empty is true when nothing changed.
func (k KeyChanges) Empty() bool { return len(k.Added)+len(k.Changed)+len(k.Removed) == 0 }

// String is "added A, B; changed C; removed D".
func (k KeyChanges) String() string {
	var parts []string
	for _, p := range []struct {
		verb string
		keys []string
	}{{"added", k.Added}, {"changed", k.Changed}, {"removed", k.Removed}} {
		if len(p.keys) > 0 {
			parts = append(parts, p.verb+" "+strings.Join(p.keys, ", "))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}

// Message is one event.
type Message struct {
	App     string
	Cluster string
	User    string
	// Event names what happened: "env edit", "secret edit", "deploy"...
	Event string
	// Object is what changed, e.g. the Secret hello-env.
	Object string
	// Keys, for env and secret changes.
	Keys *KeyChanges
	// Detail is free text for other events (deploy: the image tag...).
	Detail string
	// Say is a person's own message (lain send-msg): sent as it is.
	Say string
}

// Text is the one-line message a person reads in the chat.
func (m Message) Text() string {
	if m.Say != "" {
		return m.Say
	}
	who := m.User
	if who == "" {
		who = "someone"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[lain] %s: %s", who, m.Event)
	if m.Object != "" {
		b.WriteString(" " + m.Object)
	}
	fmt.Fprintf(&b, " of %s on cluster %s", m.App, m.Cluster)
	if m.Keys != nil {
		b.WriteString(": " + m.Keys.String())
	}
	if m.Detail != "" {
		b.WriteString(": " + m.Detail)
	}
	return b.String()
}

// IsFeishu reports whether u is a Feishu or Lark bot webhook.
func IsFeishu(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := strings.ToLower(p.Hostname())
	for _, d := range []string{"feishu.cn", "larksuite.com", "larkoffice.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// IsSlack reports whether u is a Slack incoming webhook.
func IsSlack(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.EqualFold(p.Hostname(), "hooks.slack.com")
}

// Body is the JSON sent to url for m.
func Body(url string, m Message) ([]byte, error) {
	if IsFeishu(url) {
		return json.Marshal(map[string]any{"msg_type": "text", "content": map[string]string{"text": m.Text()}})
	}
	if IsSlack(url) {
		return json.Marshal(map[string]string{"text": m.Text()})
	}
	doc := map[string]any{"text": m.Text(), "app": m.App, "cluster": m.Cluster, "user": m.User, "event": m.Event}
	if m.Object != "" {
		doc["object"] = m.Object
	}
	if m.Keys != nil {
		// Lists, never null, for whoever reads them.
		doc["keys"] = KeyChanges{Added: orEmpty(m.Keys.Added), Changed: orEmpty(m.Keys.Changed), Removed: orEmpty(m.Keys.Removed)}
	}
	if m.Detail != "" {
		doc["detail"] = m.Detail
	}
	return json.Marshal(doc)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Timeout bounds a webhook call: a slow chat must not hold up lain.
const Timeout = 5 * time.Second

// Send posts m when c is set for m.Cluster (nil otherwise). An error means
// the message did not arrive; callers warn and go on.
func Send(ctx context.Context, client *http.Client, c Config, m Message) error {
	if !c.For(m.Cluster) {
		return nil
	}
	body, err := Body(c.URL, m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		// net/http's error quotes the whole URL, the bot's token included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook %s: %w", redact(c.URL), err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook %s answered %s: %s", redact(c.URL), resp.Status, strings.TrimSpace(string(answer)))
	}
	// Feishu answers 200 with a non-zero code for a refused message.
	var fs struct {
		Code *int   `json:"code"`
		Msg  string `json:"msg"`
	}
	if IsFeishu(c.URL) && json.Unmarshal(answer, &fs) == nil && fs.Code != nil && *fs.Code != 0 {
		return fmt.Errorf("webhook %s refused the message: %d %s", redact(c.URL), *fs.Code, fs.Msg)
	}
	// Slack answers a delivered message with the body "ok".
	if IsSlack(c.URL) && strings.TrimSpace(string(answer)) != "ok" {
		return fmt.Errorf("webhook %s did not confirm the message (answered %q, not ok)", redact(c.URL), strings.TrimSpace(string(answer)))
	}
	return nil
}

// redact hides the path of a bot URL (its token) in messages.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "(the configured URL)"
	}
	return p.Scheme + "://" + p.Host + "/***"
}
