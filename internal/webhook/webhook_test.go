package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFromValuesAndClusters(t *testing.T) {
	c := FromValues(map[string]any{"webhook": map[string]any{"url": "https://open.feishu.cn/open-apis/bot/v2/hook/tok", "clusters": []any{"prod"}}})
	if !c.For("prod") || c.For("test") {
		t.Fatalf("%+v", c)
	}
	if all := FromValues(map[string]any{"webhook": map[string]any{"url": "http://x"}}); !all.For("anything") {
		t.Error("no clusters: every cluster")
	}
	if none := FromValues(map[string]any{}); none.For("prod") {
		t.Error("no url: nothing")
	}
}

var edit = Message{App: "hello", Cluster: "prod", User: "alice", Event: "env change", Object: "hello-env",
	Keys: &KeyChanges{Added: []string{"A"}, Removed: []string{"B", "C"}}}

func TestBodies(t *testing.T) {
	if got := edit.Text(); got != "[lain] alice: env change hello-env of hello on cluster prod: added A; removed B, C" {
		t.Error(got)
	}
	b, _ := Body("https://open.feishu.cn/open-apis/bot/v2/hook/tok", edit)
	if string(b) != `{"content":{"text":"[lain] alice: env change hello-env of hello on cluster prod: added A; removed B, C"},"msg_type":"text"}` {
		t.Errorf("feishu: %s", b)
	}
	b, _ = Body("https://chat.example.com/hook", edit)
	var doc map[string]any
	json.Unmarshal(b, &doc)
	if doc["app"] != "hello" || doc["event"] != "env change" || doc["object"] != "hello-env" || !strings.Contains(string(b), `"keys":{"added":["A"],"changed":[],"removed":["B","C"]}`) {
		t.Errorf("generic: %s", b)
	}
	if !IsFeishu("https://open.larksuite.com/x") || IsFeishu("https://feishu.cn.evil.com/x") {
		t.Error("IsFeishu")
	}
}

func TestSend(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + r.Header.Get("Content-Type") + " " + string(b)
		if strings.HasPrefix(r.URL.Path, "/refuse") {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "no")
		}
	}))
	defer srv.Close()
	if err := Send(context.Background(), srv.Client(), Config{URL: srv.URL + "/hook"}, edit); err != nil || !strings.HasPrefix(got, "POST application/json {") {
		t.Fatal(got, err)
	}
	err := Send(context.Background(), srv.Client(), Config{URL: srv.URL + "/refuse/token123"}, edit)
	if err == nil || !strings.Contains(err.Error(), "403") || strings.Contains(err.Error(), "token123") {
		t.Fatalf("the token must not be printed: %v", err)
	}
	got = ""
	if err := Send(context.Background(), srv.Client(), Config{URL: srv.URL, Clusters: []string{"test"}}, edit); err != nil || got != "" {
		t.Fatal("sent for a cluster not listed")
	}
}

// net/http's errors quote the URL: the token in its path must not reach
// the message (a refused connection, an unknown host, a timeout).
func TestSendErrorsNeverQuoteTheToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	hook := srv.URL + "/services/T0/B0/SEKRITHOOK"
	srv.Close() // connection refused
	err := Send(context.Background(), http.DefaultClient, Config{URL: hook}, Message{App: "a", Cluster: "c", Event: "message", Say: "hi"})
	if err == nil || strings.Contains(err.Error(), "SEKRIT") || !strings.Contains(err.Error(), "/***") {
		t.Fatal(err)
	}
}
