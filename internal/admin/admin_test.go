package admin

import (
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
