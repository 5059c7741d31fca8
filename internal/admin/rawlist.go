package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// eachItem streams `kubectl get --raw PATH`, a list as the API server
// sends it, and decodes its items one by one as they arrive: kubectl
// does not decode and re-indent the list (kubectl get -o json does), and
// lain never holds the whole text (142 MiB at 10,000 pods before). A
// refusal comes back explained, as GetJSON's.
func (k Kubectl) eachItem(ctx context.Context, path string, item func(*json.Decoder) error) error {
	args := []string{"get", "--raw", path}
	pr, pw := io.Pipe()
	ran := make(chan error, 1)
	go func() {
		_, err := k.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Capture: true, Quiet: k.Quiet, Stdout: pw})
		pw.CloseWithError(err)
		ran <- err
	}()
	decErr := decodeItems(json.NewDecoder(pr), item)
	io.Copy(io.Discard, pr) // the rest, so that kubectl ends
	if err := <-ran; err != nil {
		return Failed(args, err)
	}
	if decErr != nil {
		return fmt.Errorf("kubectl get --raw %s: unexpected output: %w", path, decErr)
	}
	return nil
}

// decodeItems walks {"...": ..., "items": [ITEM, ...], ...}, handing each
// item to item.
func decodeItems(dec *json.Decoder, item func(*json.Decoder) error) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("not a list (%v)", err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key != "items" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if t, err := dec.Token(); err != nil {
			return err
		} else if t == nil {
			continue // "items": null
		} else if t != json.Delim('[') {
			return fmt.Errorf("items is not a list")
		}
		for dec.More() {
			if err := item(dec); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return err
		}
	}
	_, err := dec.Token() // }
	return err
}

// collectionPath is the API path of a core (v1) or grouped collection in
// every namespace (all) or the kubeconfig's current one.
func (k Kubectl) collectionPath(ctx context.Context, group, resource string, all bool) string {
	if all {
		return group + "/" + resource
	}
	return group + "/namespaces/" + url.PathEscape(kube.New(k.Runner).Namespace(ctx)) + "/" + resource
}

// StatusPods is Pods for admin status: the pods of every namespace (all)
// or the current one, streamed from the API server as they come.
func (k Kubectl) StatusPods(ctx context.Context, all bool) ([]Pod, error) {
	var pods []Pod
	err := k.eachItem(ctx, k.collectionPath(ctx, "/api/v1", "pods", all), func(dec *json.Decoder) error {
		var j podJSON
		if err := dec.Decode(&j); err != nil {
			return err
		}
		pods = append(pods, toPod(j))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortPods(pods)
	return pods, nil
}
