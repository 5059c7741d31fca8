//go:build windows

package update

import "github.com/minio/selfupdate"

func commit(opts selfupdate.Options) error { return commitSelfupdate(opts) }
