package registry

// env is a Getenv that knows only vars. Outside the Linux-only v2 tests
// (they start a real registry), so Harbor's tests build on every OS.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}
