package resadvice

import (
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestProcsFrom(t *testing.T) {
	var m map[string]any
	yaml.Unmarshal([]byte(`
deployments:
  worker: {replicaCount: 6, resources: {requests: {cpu: 0.5, memory: 1Gi}, limits: {cpu: 2, memory: 2Gi}}}
  web: {}
statefulSets:
  db: {resources: {limits: {memory: 512Mi}}}
cronjobs:
  nightly: {resources: {requests: {cpu: 1}}}
`), &m)
	got := ProcsFrom(m)
	want := []Proc{
		{Name: "web", Kind: "deployments", Replicas: 1},
		{Name: "worker", Kind: "deployments", Replicas: 6, Resources: Resources{RequestsCPU: "0.5", RequestsMemory: "1Gi", LimitsCPU: "2", LimitsMemory: "2Gi"}},
		{Name: "db", Kind: "statefulSets", Replicas: 1, Resources: Resources{LimitsMemory: "512Mi"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
