package toolerr

import (
	"strings"

	"github.com/lain-cli/lain/internal/lazy"
)

// The texts below are what helm 3 and kubectl print (Go's net errors,
// client-go's and the API server's messages); testdata/ holds real ones,
// captured on the lab, that the tests classify.
var (
	// Checked first: "Kubernetes cluster unreachable: the server has asked
	// for the client to provide credentials" is a credentials problem.
	credentialTexts = []string{
		"provide credentials", "(Unauthorized)", "You must be logged in to the server",
		"x509: certificate signed by unknown authority", "certificate has expired", "x509: certificate is valid for",
	}
	unreachableTexts = []string{
		"connection refused", "i/o timeout", "no such host", "TLS handshake timeout",
		"Kubernetes cluster unreachable", "Unable to connect to the server", "did you specify the right host or port",
		"connection reset by peer", "http2: client connection lost", "no route to host", "network is unreachable",
		"Client.Timeout exceeded", "broken pipe", `": unexpected EOF`, `": EOF`, "use of closed network connection",
		"server sent GOAWAY", "dial tcp",
	}
	busyTexts    = []string{"another operation (install/upgrade/rollback) is in progress"}
	timeoutTexts = []string{"timed out waiting", "context deadline exceeded", "timed out"}

	forbiddenRe = lazy.Regexp(`User "([^"]*)" cannot ([^ ]+) resource "([^"]*)"(?: in API group "[^"]*")?(?: in the namespace "([^"]*)")?`)
)

// ClassifyText reads the cause from a tool's stderr.
func ClassifyText(stderr string) Cause {
	c := classify(strings.TrimSpace(stderr))
	c.Full = stderr
	return c
}

func classify(text string) Cause {
	switch {
	case text == "":
		return Cause{Kind: Other}
	case containsAny(text, credentialTexts):
		return Cause{Kind: Credentials, Detail: strings.TrimPrefix(detail(text, credentialTexts), "Kubernetes cluster unreachable: ")}
	case containsAny(text, unreachableTexts):
		return Cause{Kind: Unreachable, Detail: netDetail(text)}
	}
	if ms := forbiddenRe().FindAllStringSubmatch(text, -1); ms != nil {
		c := Cause{Kind: Forbidden, Detail: detail(text, []string{"forbidden"}), User: ms[0][1], Verb: ms[0][2], Resource: ms[0][3], Namespace: ms[0][4]}
		for _, m := range ms[1:] { // kubectl get a,b,c: one refusal per resource
			if m[1] == c.User && m[2] == c.Verb && m[4] == c.Namespace && !strings.Contains(", "+c.Resource+",", ", "+m[3]+",") {
				c.Resource += ", " + m[3]
			}
		}
		return c
	}
	if containsAny(text, busyTexts) {
		return Cause{Kind: Busy, Detail: detail(text, busyTexts)}
	}
	if obj, why, ok := invalid(text); ok {
		return Cause{Kind: Invalid, Object: obj, Detail: why}
	}
	if containsAny(text, timeoutTexts) {
		return Cause{Kind: TimedOut, Detail: detail(text, timeoutTexts)}
	}
	return Cause{Kind: Other, Detail: lastLine(text)}
}

var (
	objectInvalidRe = lazy.Regexp(`(?:The )?([A-Za-z.]+ "[^"]+") is invalid: (.*)`)
	validatingRe    = lazy.Regexp(`error validating "([^"]*)": error validating data: (.*)`)
	yamlParseRe     = lazy.Regexp(`YAML parse error on ([^:]+): (.*)`)
	templateRe      = lazy.Regexp(`(?:parse error at \(|template: )([^):]+)[^:]*: (.*)`)
	webhookRe       = lazy.Regexp(`admission webhook "([^"]*)" denied the request: (.*)`)
	buildObjectsRe  = lazy.Regexp(`unable to build kubernetes objects from (?:new )?release manifest: (.*)`)
)

// invalid finds a refused manifest: the object (or file) and why.
func invalid(text string) (object, why string, ok bool) {
	if m := objectInvalidRe().FindStringSubmatch(text); m != nil {
		return m[1], m[2], true
	}
	if m := validatingRe().FindStringSubmatch(text); m != nil {
		return m[1], m[2], true
	}
	if m := yamlParseRe().FindStringSubmatch(text); m != nil {
		return m[1], m[2], true
	}
	if m := templateRe().FindStringSubmatch(text); m != nil {
		return m[1], m[2], true
	}
	if m := webhookRe().FindStringSubmatch(text); m != nil {
		return "", "admission webhook " + m[1] + ": " + m[2], true
	}
	if m := buildObjectsRe().FindStringSubmatch(text); m != nil {
		return "", m[1], true
	}
	return "", "", false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// detail is the last line that holds one of subs, without "Error: ".
func detail(text string, subs []string) string {
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if containsAny(lines[i], subs) {
			return clean(lines[i])
		}
	}
	return lastLine(text)
}

// netDetail is the network error itself ("dial tcp 127.0.0.1:1: connect:
// connection refused", "net/http: TLS handshake timeout"), from the last
// line that has one; else the last line that shows the cause.
func netDetail(text string) string {
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		for _, start := range []string{"dial tcp", "net/http: "} {
			if j := strings.LastIndex(lines[i], start); j >= 0 {
				return strings.TrimRight(clean(lines[i][j:]), `"`)
			}
		}
	}
	d := detail(text, unreachableTexts)
	if i := strings.LastIndex(d, `": `); i >= 0 {
		return d[i+3:]
	}
	return d
}

func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return clean(lines[len(lines)-1])
}

func clean(line string) string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "Error: ")
	line = strings.TrimPrefix(line, "error: ")
	if len(line) > 300 {
		line = line[:300] + "..."
	}
	return line
}
