// Package e2e holds lain's end-to-end tests. They run against the lab (a
// real Docker engine, registry, helm and Kubernetes API with a kwok fake
// node; see lab/README.md) and are built only with the e2e build tag:
//
//	scripts/e2e                      # brings the lab up if needed
//	go test -tags e2e -count=1 ./e2e/...
//
// TestMain brings the lab up once (or uses a running one), builds the lain
// binary once, and each test gets its own namespace (NewNamespace), HOME
// (NewUserHome) and app directory (NewAppDir). Run the lain binary as a
// user would with Lain; run docker, helm and kubectl from the lab with Run.
package e2e
