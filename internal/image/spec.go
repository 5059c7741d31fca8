package image

import (
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// DefaultWorkdir is where the app lives inside its image (build.workdir and
// release.workdir default to it, and the chart's workingDir too).
const DefaultWorkdir = "/lain/app"

// Spec is what chart/values.yaml (merged with chart/values-<CLUSTER>.yaml
// and -f files) says about building the app's image.
type Spec struct {
	Appname string
	// Base is build.base, the image the build (or prepare) stage starts from.
	Base    string
	Workdir string
	Env     []EnvVar
	Script  []string
	Prepare *Prepare // nil: no prepare image
	Release *Release // nil: the build stage is the image
	// BuildArgs are declared with ARG in every stage and passed with
	// --build-arg, so env values can use them as ${NAME}.
	BuildArgs []BuildArg
}

// Prepare is build.prepare: an image with the slow-changing dependencies,
// which the build stage starts from.
type Prepare struct {
	Script []string
	// Keep are the paths (relative to the workdir, as ./path) that survive
	// the clean-up at the end of the prepare stage.
	Keep []string
	Env  []EnvVar
}

// Release is the release clause: a smaller final image that copies what
// the build stage made.
type Release struct {
	DestBase string
	Workdir  string
	Env      []EnvVar
	Script   []string
	Copy     []Copy
}

// Copy is one release.copy entry.
type Copy struct{ Src, Dest string }

// EnvVar is one ENV of the image.
type EnvVar struct{ Name, Value string }

// BuildArg is one build_args entry: NAME (its value comes from the caller's
// environment, as docker's --build-arg NAME does) or NAME: value.
type BuildArg struct {
	Name  string
	Value string
	// FromEnv: the value is the caller's $NAME (docker reads it).
	FromEnv bool
	// Secret: Value was written with $VAR / ${VAR} naming a variable that
	// looks secret (${NPM_TOKEN}), so the printed command masks it whatever
	// the build arg's own name.
	Secret bool
}

// Flag is the --build-arg value: NAME alone when docker reads the caller's
// environment (so the value stays off the printed command line).
func (b BuildArg) Flag() string {
	if b.FromEnv {
		return b.Name
	}
	return b.Name + "=" + b.Value
}

// Stage is a stage of the generated Dockerfile, and docker build --target.
type Stage string

// The stages lain build knows, in Dockerfile order.
const (
	StagePrepare Stage = "prepare"
	StageBuild   Stage = "build"
	StageRelease Stage = "release"
)

// Final is the stage whose image lain build tags: release when there is a
// release clause, else build.
func (s *Spec) Final() Stage {
	if s.Release != nil {
		return StageRelease
	}
	return StageBuild
}

// SpecError is a problem with the build clauses, located for the user as
// key: problem (the caller adds file:line).
type SpecError struct {
	Key, Msg string
}

func (e *SpecError) Error() string { return e.Key + ": " + e.Msg }

// ErrNoBuild is returned by ParseSpec when the values have no build clause.
var ErrNoBuild = &SpecError{Key: "build", Msg: "missing: lain build needs build.base (the image to start from) and usually build.script"}

// ParseSpec reads the build, build_args and release clauses of merged
// values. getenv is the caller's environment, for build_args values written
// as $VAR or ${VAR}.
func ParseSpec(appname string, values map[string]any, getenv func(string) string) (*Spec, error) {
	build, ok := values["build"].(map[string]any)
	if !ok || build == nil {
		return nil, ErrNoBuild
	}
	s := &Spec{Appname: appname, Base: str(build["base"]), Workdir: str(build["workdir"]), Script: strList(build["script"])}
	if s.Base == "" {
		return nil, &SpecError{Key: "build.base", Msg: "missing: the image the build starts from (e.g. base: python:3.12-slim)"}
	}
	if s.Workdir == "" {
		s.Workdir = DefaultWorkdir
	}
	var err error
	if s.Env, err = envVars("build.env", build["env"]); err != nil {
		return nil, err
	}
	if p, ok := build["prepare"].(map[string]any); ok && p != nil {
		s.Prepare = &Prepare{Script: strList(p["script"])}
		if s.Prepare.Env, err = envVars("build.prepare.env", p["env"]); err != nil {
			return nil, err
		}
		if s.Prepare.Keep, err = keepPaths(strList(p["keep"])); err != nil {
			return nil, err
		}
	}
	if r, ok := values["release"].(map[string]any); ok && r != nil {
		if s.Release, err = parseRelease(r, s); err != nil {
			return nil, err
		}
	}
	if s.BuildArgs, err = buildArgs(values["build_args"], getenv); err != nil {
		return nil, err
	}
	return s, nil
}

func parseRelease(r map[string]any, s *Spec) (*Release, error) {
	rel := &Release{DestBase: str(r["dest_base"]), Workdir: str(r["workdir"]), Script: strList(r["script"])}
	if rel.DestBase == "" {
		rel.DestBase = s.Base
	}
	if rel.Workdir == "" {
		rel.Workdir = DefaultWorkdir
	}
	var err error
	if rel.Env, err = envVars("release.env", r["env"]); err != nil {
		return nil, err
	}
	list, _ := r["copy"].([]any)
	for i, item := range list {
		var c Copy
		switch v := item.(type) {
		case string:
			c = Copy{Src: v}
		case map[string]any:
			c = Copy{Src: str(v["src"]), Dest: str(v["dest"])}
		}
		if c.Src == "" {
			return nil, &SpecError{Key: fmt.Sprintf("release.copy[%d]", i), Msg: "needs src: the path in the build stage to copy (e.g. - src: /lain/app/dist)"}
		}
		if !path.IsAbs(c.Src) {
			// Relative to where the build ran, not to the build stage's root.
			c.Src = path.Join(s.Workdir, c.Src)
		}
		if c.Dest == "" {
			c.Dest = c.Src
		}
		rel.Copy = append(rel.Copy, c)
	}
	return rel, nil
}

// keepPaths normalises build.prepare.keep to ./path, as find prints paths.
func keepPaths(keep []string) ([]string, error) {
	out := make([]string, 0, len(keep))
	for i, k := range keep {
		key := fmt.Sprintf("build.prepare.keep[%d]", i)
		switch {
		case strings.Contains(k, "*"):
			return nil, &SpecError{Key: key, Msg: fmt.Sprintf("%q: no wildcards; name a file or a directory (everything under it is kept)", k)}
		case strings.HasPrefix(k, "/"):
			return nil, &SpecError{Key: key, Msg: fmt.Sprintf("%q: must be relative to build.workdir (e.g. node_modules)", k)}
		}
		k = strings.TrimSuffix(path.Clean(strings.TrimPrefix(k, "./")), "/")
		if k == "." || strings.HasPrefix(k, "..") {
			return nil, &SpecError{Key: key, Msg: "must name something inside build.workdir"}
		}
		out = append(out, "./"+k)
	}
	return out, nil
}

// envVars reads an env map, sorted by name so the Dockerfile is stable.
func envVars(key string, v any) ([]EnvVar, error) {
	m, _ := v.(map[string]any)
	names := make([]string, 0, len(m))
	for k := range m {
		if !validName(k) {
			return nil, &SpecError{Key: key + "." + k, Msg: "not a valid environment variable name (letters, digits and _, not starting with a digit)"}
		}
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]EnvVar, 0, len(names))
	for _, k := range names {
		out = append(out, EnvVar{Name: k, Value: str(m[k])})
	}
	return out, nil
}

// buildArgs reads build_args: a list of names, or a map of name to value
// (values may use the caller's $VAR / ${VAR}).
func buildArgs(v any, getenv func(string) string) ([]BuildArg, error) {
	var out []BuildArg
	switch args := v.(type) {
	case nil:
	case []any:
		for i, a := range args {
			name := str(a)
			if !validName(name) {
				return nil, &SpecError{Key: fmt.Sprintf("build_args[%d]", i), Msg: fmt.Sprintf("%q is not a valid variable name", name)}
			}
			out = append(out, BuildArg{Name: name, FromEnv: true})
		}
	case map[string]any:
		names := make([]string, 0, len(args))
		for k := range args {
			if !validName(k) {
				return nil, &SpecError{Key: "build_args." + k, Msg: "not a valid variable name"}
			}
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			secret := false
			value := os.Expand(str(args[k]), func(name string) string {
				secret = secret || runner.SecretName(name)
				return getenv(name)
			})
			out = append(out, BuildArg{Name: k, Value: value, Secret: secret})
		}
	default:
		return nil, &SpecError{Key: "build_args", Msg: "must be a list of variable names (taken from your environment) or a map of NAME: value"}
	}
	return out, nil
}

func validName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// str renders a scalar as helm would print it; maps and lists are "".
func str(v any) string {
	switch x := v.(type) {
	case nil, map[string]any, []any:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func strList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, item := range list {
		if s := str(item); s != "" {
			out = append(out, s)
		}
	}
	return out
}
