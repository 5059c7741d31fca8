package applint

import (
	"strings"
	"testing"
)

func TestEmptyRender(t *testing.T) {
	if !Empty([]byte("---\n# Source: shop/templates/x.yaml\n\n---\n")) || Empty([]byte("---\nkind: Service\n")) {
		t.Fatal("Empty is wrong")
	}
}

func TestClusterKeysComeFromClusterValues(t *testing.T) {
	keys := strings.Join(ClusterKeys(), " ")
	for _, k := range []string{"registry", "internalRegistry", "domain_suffix", "clusterHostAliases", "secrets_env"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("no %s in %s", k, keys)
		}
	}
}
