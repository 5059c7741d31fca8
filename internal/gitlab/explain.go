package gitlab

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
)

// ForCluster builds a client for the cluster values' gitlab address, with
// the token from the environment; log (nil: none) gets -v request lines.
func ForCluster(cluster, base string, getenv func(string) string, hc *http.Client, log io.Writer) (*Client, error) {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	if base == "" {
		return nil, clierr.Of(clierr.ClusterConfig, fmt.Sprintf("the values of cluster %s have no gitlab: lain does not know your GitLab's address", cluster),
			"add gitlab: https://gitlab.example.com to the cluster values (values-"+cluster+".yaml)")
	}
	return &Client{Base: base, Token: TokenFromEnv(getenv), HTTP: hc, Log: log}, nil
}

// Explain turns a refusal into what to do about it; other errors pass.
func Explain(err error, c *Client, project string, iid int) error {
	var api *APIError
	if !errors.As(err, &api) {
		return err
	}
	page := c.Base + "/" + strings.Trim(project, "/")
	if _, e := strconv.Atoi(project); e == nil {
		page = c.Base + "/projects/" + project
	}
	e := &clierr.Error{Msg: api.Error(), Err: err}
	switch api.Status {
	case http.StatusUnauthorized:
		e.Kind = clierr.Forbidden
		e.Next = "the token in GITLAB_API_TOKEN is wrong, expired or revoked; create one at " + TokenPage(c.Base) + " (scope api)"
	case http.StatusForbidden:
		e.Kind = clierr.Forbidden
		e.Next = "the token needs scope api, and you at least the Developer role in " + page + "; create one at " + TokenPage(c.Base)
	case http.StatusNotFound:
		e.Kind = clierr.NotFound
		e.Next = fmt.Sprintf("check the project (its ID, or its path like group/name) and the merge request: %s/-/merge_requests/%d", page, iid)
	}
	return e
}
