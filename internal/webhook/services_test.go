package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// toServer sends every request to srv, whatever host it names, so the real
// Feishu and Slack URLs can be tested.
type toServer struct{ srv *httptest.Server }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(t.srv.URL)
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
	return http.DefaultTransport.RoundTrip(r)
}

// chat is a fake chat service: it records the body and answers status and
// reply.
func chat(t *testing.T, status int, reply string) (*http.Client, *string) {
	got := new(string)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*got = r.Method + " " + r.URL.Path + " " + string(b)
		w.WriteHeader(status)
		io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return &http.Client{Transport: toServer{srv}}, got
}

var say = Message{App: "hello", Cluster: "prod", User: "alice", Event: "message", Say: "release 1.2 is out \"now\""}

func TestServicesPayloadsAndReplies(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, url     string
		status        int
		reply         string
		body, failure string
	}{
		{"feishu accepted", "https://open.feishu.cn/open-apis/bot/v2/hook/secret-tok", 200, `{"code":0,"data":{},"msg":"success"}`,
			`POST /open-apis/bot/v2/hook/secret-tok {"content":{"text":"release 1.2 is out \"now\""},"msg_type":"text"}`, ""},
		{"feishu refused with 200", "https://open.feishu.cn/open-apis/bot/v2/hook/secret-tok", 200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`,
			"", "refused the message: 19021 sign match fail"},
		{"lark", "https://open.larksuite.com/open-apis/bot/v2/hook/secret-tok", 200, `{"StatusCode":0,"code":0}`,
			`POST /open-apis/bot/v2/hook/secret-tok {"content":{"text":"release 1.2 is out \"now\""},"msg_type":"text"}`, ""},
		{"slack ok", "https://hooks.slack.com/services/T0/B0/secret-tok", 200, "ok",
			`POST /services/T0/B0/secret-tok {"text":"release 1.2 is out \"now\""}`, ""},
		{"slack invalid payload", "https://hooks.slack.com/services/T0/B0/secret-tok", 400, "invalid_payload", "", "400 Bad Request: invalid_payload"},
		{"slack 200 without ok", "https://hooks.slack.com/services/T0/B0/secret-tok", 200, "<html>proxy</html>", "", `did not confirm the message (answered "<html>proxy</html>", not ok)`},
		{"generic", "https://chat.example.com/hooks/secret-tok", 204, "",
			`POST /hooks/secret-tok {"app":"hello","cluster":"prod","event":"message","text":"release 1.2 is out \"now\"","user":"alice"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hc, got := chat(t, tc.status, tc.reply)
			err := Send(ctx, hc, Config{URL: tc.url}, say)
			if tc.failure == "" && (err != nil || *got != tc.body) {
				t.Fatalf("err %v\ngot  %s\nwant %s", err, *got, tc.body)
			}
			if tc.failure != "" && (err == nil || !strings.Contains(err.Error(), tc.failure)) {
				t.Fatalf("want %q, got %v", tc.failure, err)
			}
			if err != nil && strings.Contains(err.Error(), "secret-tok") {
				t.Errorf("the URL's token is printed: %v", err)
			}
		})
	}
}
