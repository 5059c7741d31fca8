package admin

import (
	"context"
	"github.com/lain-cli/lain/internal/kube"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Ingress is one Ingress and the URLs it serves.
type Ingress struct {
	Namespace, Name string
	// Release is the helm release that owns it ("" for none).
	Release string
	URLs    []string
}

type ingressList struct {
	Items []struct {
		Metadata struct {
			Name        string            `json:"name"`
			Namespace   string            `json:"namespace"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
		Spec kube.IngressSpec `json:"spec"`
	} `json:"items"`
}

// HelmReleaseAnnotation names the release that owns an object helm made.
const HelmReleaseAnnotation = "meta.helm.sh/release-name"

// Ingresses lists the ingresses of every namespace (all) or the current one.
func (k Kubectl) Ingresses(ctx context.Context, all bool) ([]Ingress, error) {
	var l ingressList
	if err := k.GetJSON(ctx, &l, append([]string{"ingresses"}, NamespaceArgs(all)...)...); err != nil {
		return nil, err
	}
	var out []Ingress
	for _, it := range l.Items {
		ing := Ingress{Namespace: it.Metadata.Namespace, Name: it.Metadata.Name, Release: it.Metadata.Annotations[HelmReleaseAnnotation], URLs: it.Spec.URLs()}
		out = append(out, ing)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// URLCheck is how one URL answered.
type URLCheck struct {
	URL    string
	Status int    // 0: no answer
	Err    string // why there was no answer
	// Page is the start of the answer's body: it tells the ingress
	// controller's own error page from the app's.
	Page string
}

// Bad is true for a URL that did not answer or answered 5xx.
func (u URLCheck) Bad() bool { return u.Status == 0 || u.Status >= 500 }

// ProbeTimeout caps each URL's answer.
const ProbeTimeout = 2 * time.Second

// maxProbes bounds how many URLs are asked at once.
const maxProbes = 16

// Prober asks URLs whether they answer.
type Prober struct {
	// Transport sends the requests (nil: a fresh one per Probe).
	Transport http.RoundTripper
	// Via, when set (host:port), is where every request is sent, with the
	// URL's host: the ingress controller's address, for clusters whose
	// hosts do not resolve from where lain runs.
	Via string
}

// Probe GETs every URL in parallel (at most maxProbes at once), each
// capped at ProbeTimeout, without following redirects.
func (p Prober) Probe(ctx context.Context, urls []string) []URLCheck {
	client := &http.Client{
		Transport:     p.transport(),
		Timeout:       ProbeTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	out := make([]URLCheck, len(urls))
	sem := make(chan struct{}, maxProbes)
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = probe(ctx, client, u)
		}()
	}
	wg.Wait()
	return out
}

func (p Prober) transport() http.RoundTripper {
	if p.Transport != nil {
		return p.Transport
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	if p.Via != "" {
		d := &net.Dialer{Timeout: ProbeTimeout}
		t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, p.Via)
		}
	}
	return t
}

func probe(ctx context.Context, client *http.Client, u string) URLCheck {
	c := URLCheck{URL: u}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		c.Err = err.Error()
		return c
	}
	resp, err := client.Do(req)
	if err != nil {
		c.Err = shortNetError(err)
		return c
	}
	page, _ := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	resp.Body.Close()
	c.Status, c.Page = resp.StatusCode, string(page)
	return c
}

// shortNetError is the end of a net error, which says what happened
// ("no such host", "connection refused", "timeout").
func shortNetError(err error) string {
	s := err.Error()
	if strings.Contains(s, "Client.Timeout") || strings.Contains(s, "deadline exceeded") {
		return "no answer in " + ProbeTimeout.String()
	}
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// maxPage is how much of an answer is kept to recognise the controller's
// error page.
const maxPage = 1024

// DefaultBackend reports whether an answer is the ingress controller's own
// "nothing serves this": a 404 or 503 whose page is the controller's
// (ingress-nginx's "default backend - 404", nginx's error page) or empty.
// An app's own 404 (an API without a / route) is not: it has its own page.
func DefaultBackend(c URLCheck) bool {
	if c.Status != http.StatusNotFound && c.Status != http.StatusServiceUnavailable {
		return false
	}
	page := strings.ToLower(strings.TrimSpace(c.Page))
	return page == "" || strings.Contains(page, "default backend") || strings.Contains(page, "<hr><center>nginx")
}

// BadIngress is an ingress whose every URL got the default backend.
type BadIngress struct {
	Ingress
	Checks []URLCheck
	// Unsure is set when a URL answered 503: no ready endpoints, which a
	// restart or a crashing app also gives. Like the original lain, such
	// an ingress is reported, never deleted by lain.
	Unsure bool
}

// BadIngresses are the ingresses whose URLs all answer the default
// backend's 404 or 503. An ingress with no URL, or with a URL that answers
// otherwise or not at all, is not bad: lain cannot tell it is dead.
func BadIngresses(ings []Ingress, checks map[string]URLCheck) []BadIngress {
	var out []BadIngress
	for _, ing := range ings {
		bad := BadIngress{Ingress: ing}
		for _, u := range ing.URLs {
			c := checks[u]
			if !DefaultBackend(c) {
				bad.Checks = nil
				break
			}
			bad.Checks = append(bad.Checks, c)
			bad.Unsure = bad.Unsure || c.Status == http.StatusServiceUnavailable
		}
		if len(bad.Checks) > 0 {
			out = append(out, bad)
		}
	}
	return out
}
