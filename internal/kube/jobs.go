package kube

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kballard/go-shellquote"
)

// JobName is the name of the one-off Job running command for an app:
// <appname>-<short stable hash of the command> (lain's reference, section
// 5), so running the same command again replaces the previous run.
func JobName(appname string, command []string) string {
	sum := sha1.Sum([]byte(shellquote.Join(command...)))
	return appname + "-" + hex.EncodeToString(sum[:])[:8]
}

// OneOffJob is a Job built from a workload's pod template: same image,
// environment, volumes and service account, another command.
type OneOffJob struct {
	Name    string // JobName
	App     string
	Command []string
	// Container is the template's container to run (the others, sidecars
	// that would never end, are dropped).
	Container string
	Image     string // "" keeps the template's image
	Memory    string // "" keeps the template's; else the request and limit
	User      *int64 // runAsUser; nil keeps the template's
	// DeadlineSeconds bounds the run (activeDeadlineSeconds); 0 for none.
	DeadlineSeconds int
}

// PodTemplate reads a workload's pod template (kind deployment or
// statefulset), as JSON objects lain edits and sends back.
func (c *Client) PodTemplate(ctx context.Context, kind, name string) (map[string]any, error) {
	var w struct {
		Spec struct {
			Template map[string]any `json:"template"`
		} `json:"spec"`
	}
	if err := c.getJSON(ctx, &w, kind, name); err != nil {
		return nil, err
	}
	if w.Spec.Template == nil {
		return nil, fmt.Errorf("%s %s has no pod template", kind, name)
	}
	return w.Spec.Template, nil
}

// Manifest builds the Job from template: one container running Command, no
// restarts (backoffLimit 0: a one-off command runs once), labelled as the
// app's (so lain status shows it) with its own instance, and OneOffLabel.
func (j OneOffJob) Manifest(template map[string]any) (map[string]any, error) {
	tpl, err := deepCopyJSON(template)
	if err != nil {
		return nil, err
	}
	md := objectAt(tpl, "metadata")
	labels := map[string]any{}
	for k, v := range objectAt(md, "labels") {
		if k != "pod-template-hash" {
			labels[k] = v
		}
	}
	labels[NameLabel], labels[InstanceLabel], labels[OneOffLabel] = j.App, j.Name, "true"
	tpl["metadata"] = map[string]any{"labels": labels}

	spec := objectAt(tpl, "spec")
	spec["restartPolicy"] = "Never"
	var main map[string]any
	containers, _ := spec["containers"].([]any)
	for _, c := range containers {
		if cm, ok := c.(map[string]any); ok && (main == nil || cm["name"] == j.Container) {
			main = cm
		}
	}
	if main == nil {
		return nil, fmt.Errorf("the pod template has no container to run")
	}
	for _, k := range []string{"readinessProbe", "livenessProbe", "startupProbe", "ports", "lifecycle", "args"} {
		delete(main, k)
	}
	cmd := make([]any, len(j.Command))
	for i, a := range j.Command {
		cmd[i] = a
	}
	main["command"] = cmd
	if j.Image != "" {
		main["image"] = j.Image
	}
	main["name"] = j.Name
	if j.Memory != "" {
		setMemory(objectAt(main, "resources"), j.Memory)
	}
	if j.Image != "" {
		setEnv(main, "IMAGE_TAG", imageTag(j.Image))
	}
	if j.User != nil {
		objectAt(spec, "securityContext")["runAsUser"] = *j.User
		if sc, ok := main["securityContext"].(map[string]any); ok {
			sc["runAsUser"] = *j.User
		}
	}
	spec["containers"] = []any{main}

	// Finished Jobs go after a day; the next run of the same command
	// replaces this one sooner.
	jobSpec := map[string]any{"backoffLimit": 0, "ttlSecondsAfterFinished": 86400, "template": tpl}
	if j.DeadlineSeconds > 0 {
		jobSpec["activeDeadlineSeconds"] = j.DeadlineSeconds
	}
	return map[string]any{
		"apiVersion": "batch/v1", "kind": "Job",
		"metadata": map[string]any{
			"name":        j.Name,
			"labels":      map[string]any{NameLabel: j.App, InstanceLabel: j.Name, OneOffLabel: "true"},
			"annotations": map[string]any{"lain.dev/command": shellquote.Join(j.Command...)},
		},
		"spec": jobSpec,
	}, nil
}

// setMemory makes limit the container's memory limit. Its request stays
// (lowered to the limit when above it); without one it is 1Gi at most, so
// that Kubernetes does not make the request as large as the limit.
func setMemory(res map[string]any, limit string) {
	objectAt(res, "limits")["memory"] = limit
	req := objectAt(res, "requests")
	lim, ok := memoryBytes(limit)
	if !ok {
		return
	}
	cur, _ := req["memory"].(string)
	switch v, ok := memoryBytes(cur); {
	case ok && v <= lim:
	case ok || lim <= 1<<30:
		req["memory"] = limit
	default:
		req["memory"] = "1Gi"
	}
}

// setEnv changes the value of an environment variable the container has.
func setEnv(container map[string]any, name, value string) {
	env, _ := container["env"].([]any)
	for _, e := range env {
		if m, ok := e.(map[string]any); ok && m["name"] == name {
			if _, literal := m["value"]; literal {
				m["value"] = value
			}
		}
	}
}

// imageTag is the tag of an image reference ("" when it has none).
func imageTag(image string) string {
	slash := strings.LastIndex(image, "/")
	if i := strings.LastIndex(image, ":"); i > slash {
		return image[i+1:]
	}
	return ""
}

// WithTag is image with its tag replaced by tag (added when it had none).
func WithTag(image, tag string) string {
	slash := strings.LastIndex(image, "/")
	if i := strings.LastIndex(image, ":"); i > slash {
		image = image[:i]
	}
	return image + ":" + tag
}

// MainImage is the image of the template's container that a OneOffJob with
// Container runs.
func MainImage(template map[string]any, container string) string {
	spec, _ := template["spec"].(map[string]any)
	containers, _ := spec["containers"].([]any)
	image := ""
	for i, c := range containers {
		cm, _ := c.(map[string]any)
		if img, _ := cm["image"].(string); i == 0 || cm["name"] == container {
			image = img
		}
	}
	return image
}

// objectAt returns m[key] as an object, creating it when missing.
func objectAt(m map[string]any, key string) map[string]any {
	if o, ok := m[key].(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	m[key] = o
	return o
}

func deepCopyJSON(m map[string]any) (map[string]any, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// DeleteJob deletes a Job and waits until its pods are gone, so a new run
// under the same name starts clean. A missing Job is fine.
func (c *Client) DeleteJob(ctx context.Context, name string) error {
	_, err := c.mutate(ctx, nil, "delete", "job", name, "--ignore-not-found", "--cascade=foreground", "--wait=true", "--timeout=120s")
	return err
}

// Create sends a manifest with `kubectl create -f -`.
func (c *Client) Create(ctx context.Context, manifest map[string]any) error {
	body, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	if _, err := c.mutate(ctx, body, "create", "-f", "-"); err != nil {
		if r := Refusal(err); r != "" {
			return &refusal{reason: r, causes: []error{err}}
		}
		return err
	}
	return nil
}

// CreateJobFromCronJob starts a Job named name from a CronJob's template,
// as the schedule would.
func (c *Client) CreateJobFromCronJob(ctx context.Context, cronjob, name string) error {
	_, err := c.mutate(ctx, nil, "create", "job", name, "--from=cronjob/"+cronjob)
	if r := Refusal(err); r != "" {
		return &refusal{reason: r, causes: []error{err}}
	}
	return err
}

// JobState is a Job and its pods.
type JobState struct {
	Name            string
	Done, Failed    bool
	Reason, Message string // why it failed (BackoffLimitExceeded, DeadlineExceeded...)
	Pods            []Pod  // oldest first
}

// Job reads a Job and its pods (ErrNotFound when it does not exist).
func (c *Client) Job(ctx context.Context, name string) (*JobState, error) {
	var j struct {
		Metadata meta `json:"metadata"`
		Status   struct {
			Conditions []struct {
				Type, Status, Reason, Message string
			} `json:"conditions"`
		} `json:"status"`
	}
	if err := c.getJSON(ctx, &j, "job", name); err != nil {
		return nil, err
	}
	st := &JobState{Name: name}
	for _, cond := range j.Status.Conditions {
		if cond.Status != "True" {
			continue
		}
		switch cond.Type {
		case "Complete":
			st.Done = true
		case "Failed":
			st.Done, st.Failed, st.Reason, st.Message = true, true, cond.Reason, cond.Message
		}
	}
	pods, err := c.Pods(ctx, "batch.kubernetes.io/controller-uid="+j.Metadata.UID)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(pods, func(a, b int) bool { return pods[a].Created.Before(pods[b].Created) })
	st.Pods = pods
	return st, nil
}

// ExitCode is the exit code of the Job's last pod's main container, or 1
// for a failed Job whose container never ended (deadline, eviction...).
func (s *JobState) ExitCode(appname string) int {
	if n := len(s.Pods); n > 0 {
		p := s.Pods[n-1]
		main := p.MainContainer(appname)
		for _, c := range p.Containers {
			if c.Name == main && c.State == "terminated" {
				if c.ExitCode == 0 && s.Failed {
					return 1
				}
				return c.ExitCode
			}
		}
	}
	if s.Failed {
		return 1
	}
	return 0
}

// CronJob is one CronJob of the app.
type CronJob struct {
	Name     string
	Schedule string
}

// CronJobs lists the app's CronJobs, by name.
func (c *Client) CronJobs(ctx context.Context, appname string) ([]CronJob, error) {
	var list struct {
		Items []workloadJSON `json:"items"`
	}
	if err := c.getJSON(ctx, &list, "cronjobs", "-l", AppSelector(appname)); err != nil {
		return nil, err
	}
	out := make([]CronJob, 0, len(list.Items))
	for _, it := range list.Items {
		out = append(out, CronJob{Name: it.Metadata.Name, Schedule: it.Spec.Schedule})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ManualJobName names a run of cronjob started by hand: <cronjob>-manual-<time>,
// cut to the 63 characters a Job name may have.
func ManualJobName(cronjob string, unix int64) string {
	suffix := "-manual-" + strconv.FormatInt(unix, 36)
	if max := 63 - len(suffix); len(cronjob) > max {
		cronjob = strings.TrimRight(cronjob[:max], "-")
	}
	return cronjob + suffix
}
