package render

import "testing"

func TestHelmMessageNamesTheUsersFiles(t *testing.T) {
	cases := map[string]string{
		"Error: parse error at (hello/templates/x.yaml:3): unexpected \"}\" in operand\n":                                                                                          `parse error at (chart/templates/x.yaml:3): unexpected "}" in operand`,
		"Error: template: chart/templates/deployments.yaml:12:5: executing \"chart/templates/deployments.yaml\" at <.Values.x>: nil pointer":                                       `template: chart/templates/deployments.yaml:12:5: executing "chart/templates/deployments.yaml" at <.Values.x>: nil pointer`,
		"WARNING: group-readable\nError: values don't meet the specifications of the schema(s) in the following chart(s):\nhello:\n- deployments.web.replicaCount: Invalid type\n": "values don't meet the specifications of the schema(s) in the following chart(s):\n  hello:\n  - deployments.web.replicaCount: Invalid type",
		"": "(helm said nothing on stderr)",
		"Error: YAML parse error on hello/templates/bad.yaml: error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context\nUse --debug flag to render out invalid YAML\n": "YAML parse error on chart/templates/bad.yaml: error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context",
	}
	for in, want := range cases {
		if got := HelmMessage([]byte(in)); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", in, got, want)
		}
	}
}

func TestDocs(t *testing.T) {
	docs := Docs([]byte("---\n# Source: hello/templates/a.yaml\nkind: A\n---\n\n---\n# Source: hello/templates/b.yaml\nkind: B\n"))
	if len(docs) != 2 || docs[0].Source != "chart/templates/a.yaml" || docs[1].Source != "chart/templates/b.yaml" || docs[1].Start != 7 || docs[1].Text != "# Source: hello/templates/b.yaml\nkind: B\n\n" {
		t.Fatalf("%+v", docs)
	}
}
