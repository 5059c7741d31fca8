package admin

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// pod builds a pod from the JSON kubectl prints for it.
func pod(t *testing.T, js string) Pod {
	t.Helper()
	var j podJSON
	if err := json.Unmarshal([]byte(js), &j); err != nil {
		t.Fatal(err)
	}
	return toPod(j)
}

func TestDiagnose(t *testing.T) {
	cases := map[string]struct{ js, reason string }{
		"healthy": {`{"metadata":{"name":"a"},"status":{"phase":"Running","containerStatuses":[{"name":"m","ready":true,"state":{"running":{}}}]}}`, ""},
		"done":    {`{"metadata":{"name":"a"},"status":{"phase":"Succeeded"}}`, ""},
		"crash": {`{"metadata":{"name":"a"},"status":{"phase":"Running","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"CrashLoopBackOff"}},
			"lastState":{"terminated":{"reason":"Error","exitCode":1}}}]}}`, ReasonCrashLoop},
		"oom crash": {`{"metadata":{"name":"a"},"status":{"phase":"Running","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"CrashLoopBackOff"}},
			"lastState":{"terminated":{"reason":"OOMKilled","exitCode":137}}}]}}`, ReasonOOMKilled},
		"pull":     {`{"metadata":{"name":"a"},"status":{"phase":"Pending","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"ErrImagePull"}}}]}}`, ReasonImagePull},
		"config":   {`{"metadata":{"name":"a"},"status":{"phase":"Pending","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"CreateContainerConfigError"}}}]}}`, "CreateContainerConfigError"},
		"creating": {`{"metadata":{"name":"a"},"status":{"phase":"Pending","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"ContainerCreating"}}}]}}`, ""},
		"unschedulable": {`{"metadata":{"name":"a"},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable",
			"message":"0/1 nodes are available: 1 Insufficient cpu."}]}}`, ReasonUnschedulable},
		"job failed": {`{"metadata":{"name":"a","ownerReferences":[{"kind":"Job","name":"j","controller":true}]},"status":{"phase":"Failed",
			"containerStatuses":[{"name":"m","state":{"terminated":{"reason":"Error","exitCode":1}}}]}}`, ReasonError},
		"job running": {`{"metadata":{"name":"a","ownerReferences":[{"kind":"Job","name":"j"}]},"status":{"phase":"Running","containerStatuses":[{"name":"m","state":{"running":{}}}]}}`, ""},
		"not ready":   {`{"metadata":{"name":"a"},"status":{"phase":"Running","containerStatuses":[{"name":"m","state":{"running":{}}}]}}`, "NotReady"},
		"deleting":    {`{"metadata":{"name":"a","deletionTimestamp":"2026-01-01T00:00:00Z"},"status":{"phase":"Failed"}}`, ""},
		"evicted":     {`{"metadata":{"name":"a"},"status":{"phase":"Failed","reason":"Evicted","message":"low on memory"}}`, ReasonError},
	}
	for name, c := range cases {
		if got := pod(t, c.js).Reason; got != c.reason {
			t.Errorf("%s: reason %q, want %q", name, got, c.reason)
		}
	}
}

func TestGroupByReasonOrder(t *testing.T) {
	pods := []Pod{
		{Name: "z", Reason: "Zeta"}, {Name: "e", Reason: ReasonError}, {Name: "ok"},
		{Name: "c1", Reason: ReasonCrashLoop}, {Name: "a", Reason: "Alpha"}, {Name: "c2", Reason: ReasonCrashLoop},
	}
	var got []string
	for _, g := range GroupByReason(pods) {
		var names []string
		for _, p := range g.Pods {
			names = append(names, p.Name)
		}
		got = append(got, g.Reason+":"+strings.Join(names, ","))
	}
	want := []string{"CrashLoopBackOff:c1,c2", "Error:e", "Alpha:a", "Zeta:z"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestDeleteTargetsJobOnce(t *testing.T) {
	pods := []Pod{
		{Namespace: "n", Name: "j-1", OwnerKind: "Job", OwnerName: "j", Reason: ReasonError},
		{Namespace: "n", Name: "j-2", OwnerKind: "Job", OwnerName: "j", Reason: ReasonError},
		{Namespace: "n", Name: "web-1", OwnerKind: "ReplicaSet", OwnerName: "web-abc", Reason: ReasonCrashLoop},
		{Namespace: "n", Name: "ok", OwnerKind: "ReplicaSet"},
		{Namespace: "m", Name: "j-1", OwnerKind: "Job", OwnerName: "j", Reason: ReasonError},
	}
	want := []Target{{"job", "n", "j"}, {"pod", "n", "web-1"}, {"job", "m", "j"}}
	if got := DeleteTargets(pods); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestOnePodPerDeployment(t *testing.T) {
	pods := []Pod{
		{Namespace: "n", Name: "web-abc-1", OwnerKind: "ReplicaSet", OwnerName: "web-abc", Phase: "Running", Reason: ReasonCrashLoop},
		{Namespace: "n", Name: "web-abc-2", OwnerKind: "ReplicaSet", OwnerName: "web-abc", Phase: "Running"},
		{Namespace: "n", Name: "web-abc-3", OwnerKind: "ReplicaSet", OwnerName: "web-abc", Phase: "Running"},
		{Namespace: "n", Name: "my-worker-def-1", OwnerKind: "ReplicaSet", OwnerName: "my-worker-def", Phase: "Running"},
		{Namespace: "n", Name: "job-1", OwnerKind: "Job", OwnerName: "job", Phase: "Running"},
		{Namespace: "n", Name: "pending", OwnerKind: "ReplicaSet", OwnerName: "p-x", Phase: "Pending"},
	}
	want := []ExecTarget{{"my-worker", "n", "my-worker-def-1"}, {"web", "n", "web-abc-2"}}
	if got := OnePodPerDeployment(pods); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseAnnotations(t *testing.T) {
	got, err := ParseAnnotations(" a=b, c ,d=e=f,g=")
	want := []Match{{Key: "a", Value: "b"}, {Key: "c", AnyValue: true}, {Key: "d", Value: "e=f"}, {Key: "g", Value: ""}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v %v, want %v", got, err, want)
	}
	for _, bad := range []string{"", " ", "=x", "a=b,,c"} {
		if _, err := ParseAnnotations(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	objs := []Object{
		{Name: "1", Annotations: map[string]string{"a": "b", "c": "x", "g": ""}},
		{Name: "2", Annotations: map[string]string{"a": "b"}},
		{Name: "3"},
	}
	if got := FilterAnnotations(objs, []Match{{Key: "a", Value: "b"}, {Key: "c", AnyValue: true}}); len(got) != 1 || got[0].Name != "1" {
		t.Errorf("filter: %v", got)
	}
	if got := FilterAnnotations(objs, []Match{{Key: "g", Value: ""}}); len(got) != 1 || got[0].Name != "1" {
		t.Errorf("g= matches an empty value only where g is set: %v", got)
	}
}

func FuzzParseAnnotations(f *testing.F) {
	for _, s := range []string{"a=b", "a=b,c", "=", ",", "a==b", "k8s.io/x=y,z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseAnnotations(s)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Key == "" || strings.ContainsAny(m.Key, ",=") {
				t.Fatalf("%q: bad key %q", s, m.Key)
			}
		}
	})
}

func TestOldTags(t *testing.T) {
	tags := []string{"latest", "prepare", "prepare-1", "1700000005-aaaaaaa", "1700000001-bbbbbbb", "1700000003-ccccccc",
		"1700000004-ddddddd", "1700000002-eeeeeee", "v1"}
	inUse := ImagesInUse([]Pod{{Images: []string{
		"127.0.0.1:5000/lain/shop:1700000001-bbbbbbb",  // runs: kept
		"127.0.0.1:5000/lain/other:1700000002-eeeeeee", // another repository: no protection here
		"docker.io/lain/shop:1700000003-ccccccc",       // another registry
		"127.0.0.1:5000/lain/shop@sha256:" + strings.Repeat("a", 64),
	}}}, "127.0.0.1:5000")
	old, kept := OldTags("lain/shop", tags, 2, inUse)
	if want := []string{"1700000003-ccccccc", "1700000002-eeeeeee", "v1"}; !reflect.DeepEqual(old, want) {
		t.Errorf("old %v, want %v", old, want)
	}
	if want := []string{"latest", "prepare", "prepare-1", "1700000005-aaaaaaa", "1700000001-bbbbbbb", "1700000004-ddddddd"}; !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	if !inUse.Digests["sha256:"+strings.Repeat("a", 64)] {
		t.Errorf("digest reference not recorded: %v", inUse)
	}
	if old, _ := OldTags("lain/shop", tags, 100, InUse{}); len(old) != 0 {
		t.Errorf("keep 100: %v", old)
	}
	if old, _ := OldTags("lain/shop", []string{"latest", "prepare"}, 0, InUse{}); len(old) != 0 {
		t.Errorf("keep 0 still never deletes latest/prepare: %v", old)
	}
}

type fakeDigests map[string]string

func (f fakeDigests) Digest(_ context.Context, repo, tag string) (string, error) {
	return f[repo+":"+tag], nil
}

func TestPlanDeletionsSharedImages(t *testing.T) {
	d := fakeDigests{"r:old1": "sha256:1", "r:old2": "sha256:1", "r:old3": "sha256:3", "r:new": "sha256:3", "r:old4": "sha256:4", "r:old5": "sha256:5"}
	dels, shared, err := PlanDeletions(context.Background(), d, "r", []string{"old1", "old2", "old3", "old4", "old5"}, []string{"new"},
		InUse{Digests: map[string]bool{"sha256:5": true}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Deletion{{"r", "sha256:1", []string{"old1", "old2"}}, {"r", "sha256:4", []string{"old4"}}}
	if !reflect.DeepEqual(dels, want) || !reflect.DeepEqual(shared, []string{"old3", "old5"}) {
		t.Errorf("dels %v shared %v", dels, shared)
	}
}

func TestBadIngresses(t *testing.T) {
	ings := []Ingress{
		{Name: "gone", URLs: []string{"http://a/", "http://b/"}},
		{Name: "down", URLs: []string{"http://a/", "http://a/x"}},
		{Name: "mixed", URLs: []string{"http://a/", "http://ok/"}},
		{Name: "silent", URLs: []string{"http://nohost/"}},
		{Name: "api", URLs: []string{"http://api/"}},
		{Name: "nourl"},
	}
	checks := map[string]URLCheck{
		"http://a/":      {Status: 404, Page: "default backend - 404"},
		"http://b/":      {Status: 404, Page: "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>"},
		"http://a/x":     {Status: 503},
		"http://ok/":     {Status: 200},
		"http://nohost/": {Err: "no such host"},
		"http://api/":    {Status: 404, Page: `{"error":"no route /"}`},
	}
	got := BadIngresses(ings, checks)
	if len(got) != 2 || got[0].Name != "gone" || got[0].Unsure || len(got[0].Checks) != 2 || got[1].Name != "down" || !got[1].Unsure {
		t.Errorf("want gone (sure) and down (unsure: a 503), got %+v", got)
	}
}
