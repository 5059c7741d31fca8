package clierr

// Kind names the family an error belongs to. Each kind has a section in
// docs/errors.md (its anchor is the kind itself): what happened, why, and
// what to do. The kind is not printed; it ties what lain says to its page.
type Kind string

// The kinds. Add one here and a section to docs/errors.md together: a test
// fails on a kind without its section.
const (
	InvalidInput       Kind = "invalid-input"       // a flag, argument or file lain cannot use
	NotFound           Kind = "not-found"           // something named does not exist (app, release, image, file)
	ClusterConfig      Kind = "cluster-config"      // cluster values or kubeconfig missing or wrong
	ClusterUnreachable Kind = "cluster-unreachable" // the Kubernetes API did not answer
	Forbidden          Kind = "forbidden"           // a server refused lain's credentials
	Registry           Kind = "registry"            // the image registry refused or did not answer
	ReleaseFailed      Kind = "release-failed"      // a deploy did not become ready, or a release is stuck
	ToolMissing        Kind = "tool-missing"        // helm, kubectl or docker missing or of a wrong version
	ToolFailed         Kind = "tool-failed"         // helm, kubectl or docker ran and failed
	Update             Kind = "update"              // lain upgrade could not fetch or install a release
	Failed             Kind = "failed"              // any other failure (the default)
)

// Kinds lists every kind, for docs and their test.
func Kinds() []Kind {
	return []Kind{InvalidInput, NotFound, ClusterConfig, ClusterUnreachable, Forbidden, Registry,
		ReleaseFailed, ToolMissing, ToolFailed, Update, Failed}
}

// KindOf is err's kind: the one it was given, else InvalidInput for a
// usage error, else Failed.
func (e *Error) KindOf() Kind {
	switch {
	case e.Kind != "":
		return e.Kind
	case e.Code == ExitUsage:
		return InvalidInput
	}
	return Failed
}

// WithKind sets the error's kind.
func (e *Error) WithKind(k Kind) *Error { e.Kind = k; return e }

// Of returns an error of kind k with a next step.
func Of(k Kind, msg, next string) *Error { return &Error{Msg: msg, Next: next, Kind: k} }
