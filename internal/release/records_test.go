package release

import (
	"reflect"
	"testing"
)

// labTable is kubectl get secrets -L owner,name,status,version on the lab.
const labTable = `NAME                          TYPE                 DATA   AGE    OWNER   NAME    STATUS       VERSION
hello-env                     Opaque               0      2m7s                                
sh.helm.release.v1.hello.v2   helm.sh/release.v1   1      2m2s   helm    hello   superseded   2
sh.helm.release.v1.hello.v1   helm.sh/release.v1   1      2m6s   helm    hello   superseded   1
sh.helm.release.v1.hello.v10  helm.sh/release.v1   1      2m     helm    hello   deployed     10
mine                          Opaque               1      2m     helm    hello   deployed     x
`

func TestParseNamespace(t *testing.T) {
	ns := ParseNamespace(labTable)
	if !ns.Secrets["hello-env"] || !ns.Secrets["mine"] || len(ns.Secrets) != 5 {
		t.Error(ns.Secrets)
	}
	want := []Revision{{Revision: 1, Status: "superseded"}, {Revision: 2, Status: "superseded"}, {Revision: 10, Status: "deployed"}}
	if !reflect.DeepEqual(ns.Releases["hello"], want) || len(ns.Releases) != 1 {
		t.Errorf("%+v", ns.Releases)
	}
	if ns := ParseNamespace(""); len(ns.Secrets)+len(ns.Releases) != 0 {
		t.Error(ns)
	}
}

func TestInSecrets(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if !InSecrets(getenv) || !InSecrets(nil) {
		t.Error("helm's default is Secrets")
	}
	env["HELM_DRIVER"] = "configmap"
	if InSecrets(getenv) {
		t.Error("configmap")
	}
	env["HELM_DRIVER"], env["HELM_NAMESPACE"] = "secret", "other"
	if InSecrets(getenv) {
		t.Error("another namespace")
	}
}

func FuzzParseNamespace(f *testing.F) {
	f.Add(labTable)
	f.Add("NAME A B C D E F G\nx\n")
	f.Fuzz(func(t *testing.T, s string) { ParseNamespace(s) })
}
