// Package update keeps lain current from the team's release source: a GitLab
// Generic Package Registry or any static web server (docs/releases.md).
//
// A release is three or more files under <base>/<version>/: one plain binary
// per platform (lain_<os>_<arch>, .exe on Windows), checksums.txt (sha256 of
// each) and checksums.txt.minisig (a minisign signature of checksums.txt).
// lain trusts a binary only when its sha256 is in a checksums file whose
// signature verifies with a public key baked into the running build (two
// during a key rotation). Versions are listed by <base>/index.json; on
// GitLab the same index is the package version "channel" (fetch.go), with
// the Packages API as a fallback.
//
// Launch (launch.go) runs before every command: cheap when the cache is
// fresh (one small file read, cache.go). Upgrade (upgrade.go) is `lain
// upgrade`, Rollback (rollback.go) `lain upgrade --rollback`. Both replace
// the binary the same way (install.go): resolve symlinks and refuse
// package-manager installs (target.go), take the lock beside the binary
// (lock.go), stream the download into a staging file beside it while
// hashing, resuming what an earlier attempt left (download.go), trial-run
// it (trial.go), and swap it in with one rename, keeping the old binary as
// lain.old (swap_unix.go, swap_windows.go). `lain upgrade` gives up on a
// silent server (stall.go); pins of deliberate downgrades live in the
// config dir (pin.go).
package update
