package clierr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var repoRoot = filepath.Join("..", "..")

// Every kind has its section in docs/errors.md, anchored by the kind, with
// what happened, why, and what to do.
func TestEveryKindIsDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(b), "\n## ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		sections[strings.TrimSpace(head)] = body
	}
	for _, k := range Kinds() {
		body, ok := sections[string(k)]
		if !ok {
			t.Errorf("kind %s has no section \"## %s\" in docs/errors.md", k, k)
			continue
		}
		for _, part := range []string{"What happened:", "Why:", "What to do:"} {
			if !strings.Contains(body, part) {
				t.Errorf("docs/errors.md#%s lacks %q", k, part)
			}
		}
	}
	for head := range sections {
		if !isKind(Kind(head)) {
			t.Errorf("docs/errors.md documents %q, which is no kind", head)
		}
	}
}

func isKind(k Kind) bool {
	for _, x := range Kinds() {
		if x == k {
			return true
		}
	}
	return false
}

func TestKindOfDefaults(t *testing.T) {
	if k := Usage("bad", "fix it").KindOf(); k != InvalidInput {
		t.Errorf("usage error: %s", k)
	}
	if k := New("broke", "retry").KindOf(); k != Failed {
		t.Errorf("plain error: %s", k)
	}
	if k := New("gone", "lain ls").WithKind(NotFound).KindOf(); k != NotFound {
		t.Errorf("tagged error: %s", k)
	}
}

// tagged lists the packages whose errors carry their kind where they are
// created. In them, an error with a next step must have a kind of its own
// (clierr.Usage counts: it is InvalidInput); other packages still rely on
// KindOf's default (see the report of issue 19 for the list).
var tagged = []string{
	"internal/toolcheck", "internal/registry", "internal/kubehome", "internal/rollout",
	"internal/image", "internal/deploy", "update", "internal/toolerr", "internal/cmdutil",
	"internal/gitlab", "internal/helmargs", "prompts", "internal/app", "internal/applint",
	"internal/secretedit", "internal/clusterconfig", "internal/jobrun", "commands", ".",
}

func TestTaggedPackagesGiveEveryNextErrorAKind(t *testing.T) {
	for _, dir := range tagged {
		paths, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(dir), "*.go"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			for _, pos := range untaggedNextErrors(t, p) {
				t.Errorf("%s: an error with a next step but no kind: add Kind: clierr.X (or .WithKind) and document it in docs/errors.md", pos)
			}
		}
	}
}

// untaggedNextErrors finds &clierr.Error{...Next...} without Kind, and
// clierr.New(msg, next) with a next that is not "" and no .WithKind.
func untaggedNextErrors(t *testing.T, path string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	withKind := map[ast.Node]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithKind" {
				withKind[ast.Unparen(sel.X)] = true
			}
		}
		return true
	})
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			if !isClierr(n.Type, "Error") {
				return true
			}
			keys := map[string]bool{}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						keys[id.Name] = true
					}
				}
			}
			if keys["Next"] && !keys["Kind"] {
				out = append(out, fset.Position(n.Pos()).String())
			}
		case *ast.CallExpr:
			if isClierr(n.Fun, "New") && len(n.Args) == 2 && !isEmptyString(n.Args[1]) && !withKind[n] {
				out = append(out, fset.Position(n.Pos()).String())
			}
		}
		return true
	})
	return out
}

func isClierr(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "clierr" && sel.Sel.Name == name
}

func isEmptyString(e ast.Expr) bool {
	lit, ok := e.(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && (lit.Value == `""` || lit.Value == "``")
}
