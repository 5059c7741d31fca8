package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Resource is a kind lain lists in the namespace: its API path under
// /namespaces/NS/ and the prefix kubectl names its rows with.
type Resource struct {
	API    string // "/api/v1" or "/apis/apps/v1"
	Plural string // "secrets"
	Prefix string // "secret/", "deployment.apps/"
}

// The kinds of deploy's namespace read.
var (
	Secrets      = Resource{"/api/v1", "secrets", "secret/"}
	Jobs         = Resource{"/apis/batch/v1", "jobs", "job.batch/"}
	Deployments  = Resource{"/apis/apps/v1", "deployments", "deployment.apps/"}
	StatefulSets = Resource{"/apis/apps/v1", "statefulsets", "statefulset.apps/"}
	Pods         = Resource{"/api/v1", "pods", "pod/"}
)

// Path is the list's URL path in namespace ns, as kubectl get --raw takes it.
func (r Resource) Path(ns string) string {
	return r.API + "/namespaces/" + ns + "/" + r.Plural
}

// APITable is a resource's table as the API server prints it for kubectl
// (every column, as -o wide) with each row's name and labels.
type APITable struct {
	Resource Resource
	Columns  []string
	Rows     []APIRow
}

// APIRow is one object of an APITable.
type APIRow struct {
	Name   string
	Cells  []string
	Labels map[string]string
}

// tableAccept asks for the server-side table kubectl prints, with each
// object's metadata only (no Secret's data leaves the server).
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

// apiTimeout bounds an in-process read; past it kubectl is asked instead.
const apiTimeout = 10 * time.Second

// ReadTables lists the resources in cfg's namespace, side by side, over
// one HTTPS connection pool. Any failure (network, TLS, an expired
// certificate, a refusal, a body that does not parse) is an error: the
// caller then asks kubectl, which explains it.
func ReadTables(ctx context.Context, cfg *APIConfig, resources []Resource) ([]APITable, error) {
	client := apiClient(cfg)
	defer client.CloseIdleConnections()
	tables := make([]APITable, len(resources))
	errs := make([]error, len(resources))
	var wg sync.WaitGroup
	for i, r := range resources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tables[i], errs[i] = readTable(ctx, client, cfg, r)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return tables, nil
}

type serverTable struct {
	Kind    string `json:"kind"`
	Columns []struct {
		Name string `json:"name"`
	} `json:"columnDefinitions"`
	Rows []struct {
		Cells  []any `json:"cells"`
		Object struct {
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		} `json:"object"`
	} `json:"rows"`
}

// apiClient is an HTTPS client for cfg's API server; close its idle
// connections when done.
func apiClient(cfg *APIConfig) *http.Client {
	return &http.Client{Timeout: apiTimeout, Transport: &http.Transport{TLSClientConfig: cfg.TLS, ForceAttemptHTTP2: true}}
}

// get is the body of GET pathAndQuery on cfg's API server; anything but
// 200 is an error.
func get(ctx context.Context, client *http.Client, cfg *APIConfig, pathAndQuery, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Server+pathAndQuery, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	if cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		path, _, _ := strings.Cut(pathAndQuery, "?")
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return body, nil
}

// GetRaw is `kubectl get --raw pathAndQuery` in-process, through cfg.
func GetRaw(ctx context.Context, cfg *APIConfig, pathAndQuery string) ([]byte, error) {
	client := apiClient(cfg)
	defer client.CloseIdleConnections()
	return get(ctx, client, cfg, pathAndQuery, "application/json")
}

func readTable(ctx context.Context, client *http.Client, cfg *APIConfig, r Resource) (APITable, error) {
	body, err := get(ctx, client, cfg, r.Path(cfg.Namespace)+"?includeObject=Metadata", tableAccept)
	if err != nil {
		return APITable{}, err
	}
	var st serverTable
	if err := json.Unmarshal(body, &st); err != nil || st.Kind != "Table" {
		return APITable{}, fmt.Errorf("GET %s: not a table", r.Path(cfg.Namespace))
	}
	t := APITable{Resource: r}
	for _, c := range st.Columns {
		t.Columns = append(t.Columns, c.Name)
	}
	for _, row := range st.Rows {
		if len(row.Cells) != len(t.Columns) {
			return APITable{}, fmt.Errorf("GET %s: a row of %d cells for %d columns", r.Path(cfg.Namespace), len(row.Cells), len(t.Columns))
		}
		cells := make([]string, len(row.Cells))
		for i, c := range row.Cells {
			cells[i] = cellText(c)
		}
		t.Rows = append(t.Rows, APIRow{Name: row.Object.Metadata.Name, Cells: cells, Labels: row.Object.Metadata.Labels})
	}
	return t, nil
}

// cellText is a cell as kubectl prints it.
func cellText(v any) string {
	switch c := v.(type) {
	case nil:
		return "<none>"
	case string:
		return c
	case float64:
		return strconv.FormatFloat(c, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(c)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
