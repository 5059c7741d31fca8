package commands

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The shape CONTRIBUTING.md asks for: a command file binds flags and calls
// internal packages, never a function or method declared in another
// command's file. A command group (a file's name up to its first "_":
// admin.go with admin_*.go, init.go with init_ask.go) may share helpers
// among its own files. root.go assembles the tree: it calls every NewCmd*.

func TestCommandFilesDoNotCallEachOther(t *testing.T) {
	fset := token.NewFileSet()
	files, err := parseCommandFiles(fset, ".")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, c := range crossGroupCalls(fset, files) {
		found = append(found, c.String())
	}
	if len(found) > 0 {
		t.Errorf("command files use functions declared in another command's file:\n  %s", strings.Join(found, "\n  "))
	}
}

// TestCrossGroupCallsFindsCallsAndMethodValues checks the checker on a
// made-up package: calls, method calls and function values across groups
// are found; a group's own files and root.go's NewCmd* calls are not.
func TestCrossGroupCallsFindsCallsAndMethodValues(t *testing.T) {
	src := map[string]string{
		"a.go": `package commands
import "fmt"
type Env struct{}
func (e *Env) fill() {}
func helper() int { return 1 }
func NewCmdA() {}
func own() { fmt.Println(helper()) }`,
		"a_sub.go": `package commands
func sub() { own(); _ = helper() }`,
		"b.go": `package commands
type BOptions struct{ Env }
func b(o *BOptions) { o.fill(); _ = helper(); f := helper; _ = f }`,
		"root.go": `package commands
func root() { NewCmdA() }`,
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range []string{"a.go", "a_sub.go", "b.go", "root.go"} {
		f, err := parser.ParseFile(fset, name, src[name], parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var got []string
	for _, c := range crossGroupCalls(fset, files) {
		got = append(got, c.key())
	}
	want := []string{"b.go: *Env.fill (a.go)", "b.go: helper (a.go)", "b.go: helper (a.go)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// crossCall is one use, in a command file, of a function or method
// declared in another group's file.
type crossCall struct {
	file       string
	line       int
	callee     string // helper, or *Type.method
	declaredIn string
	setUp      bool // it takes the Factory or an Options/Env: per-command set-up
}

func (c crossCall) key() string { return c.file + ": " + c.callee + " (" + c.declaredIn + ")" }

func (c crossCall) String() string {
	where := "the internal/ package named for what it does (internal/kube, internal/image, internal/release, internal/app, ...)"
	if c.setUp {
		where = "internal/cmdutil, with the per-command set-up (Factory, app, cluster, runner, prompts)"
	}
	return c.file + ":" + strconv.Itoa(c.line) + ": uses " + c.callee + ", declared in " + c.declaredIn + "; move it to " + where
}

func parseCommandFiles(fset *token.FileSet, dir string) ([]*ast.File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// commandGroup is the command a file belongs to: its name up to the first
// "_".
func commandGroup(file string) string {
	g, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(file), ".go"), "_")
	return g
}

// crossGroupCalls type-checks the files on their own (imports stay
// unresolved: only this package's functions matter, and a fast check needs
// no export data) and lists every use of a function or method declared in
// a file of another group.
func crossGroupCalls(fset *token.FileSet, files []*ast.File) []crossCall {
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{
		Importer: importerFunc(func(string) (*types.Package, error) { return nil, errors.New("not loaded") }),
		Error:    func(error) {}, // unresolved imports are expected
	}
	pkg, _ := conf.Check("commands", fset, files, info)
	decls := map[token.Pos]*ast.FuncDecl{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				decls[fd.Name.Pos()] = fd
			}
		}
	}
	var calls []crossCall
	for id, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() != pkg {
			continue
		}
		at, decl := fset.Position(id.Pos()), fset.Position(fn.Pos())
		if commandGroup(at.Filename) == commandGroup(decl.Filename) {
			continue
		}
		if filepath.Base(at.Filename) == "root.go" && strings.HasPrefix(fn.Name(), "NewCmd") {
			continue
		}
		name := fn.Name()
		if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
			name = types.TypeString(recv.Type(), func(*types.Package) string { return "" }) + "." + name
		}
		calls = append(calls, crossCall{file: filepath.Base(at.Filename), line: at.Line, callee: name,
			declaredIn: filepath.Base(decl.Filename), setUp: isSetUp(decls[fn.Pos()])})
	}
	sort.Slice(calls, func(i, j int) bool {
		if calls[i].file != calls[j].file {
			return calls[i].file < calls[j].file
		}
		if calls[i].line != calls[j].line {
			return calls[i].line < calls[j].line
		}
		return calls[i].callee < calls[j].callee
	})
	return calls
}

// isSetUp is true for a function that takes the Factory, or a method of an
// Options or Env struct (fill, load...): the set-up internal/cmdutil
// holds. A run function taking Options is a flow, for an internal package.
func isSetUp(fd *ast.FuncDecl) bool {
	if fd == nil {
		return false
	}
	if fd.Recv != nil {
		t := typeName(fd.Recv.List[0].Type)
		return strings.HasSuffix(t, "Options") || strings.HasSuffix(t, "Env")
	}
	for _, f := range fd.Type.Params.List {
		if typeName(f.Type) == "cmdutil.Factory" {
			return true
		}
	}
	return false
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return typeName(t.X) + "." + t.Sel.Name
	}
	return ""
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
