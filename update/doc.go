// Package update keeps lain current from the team's release source: a GitLab
// Generic Package Registry or any static web server (docs/releases.md).
//
// A release is three or more files under <base>/<version>/: one plain binary
// per platform (lain_<os>_<arch>, .exe on Windows), checksums.txt (sha256 of
// each) and checksums.txt.minisig (a minisign signature of checksums.txt).
// lain trusts a binary only when its sha256 is in a checksums file whose
// signature verifies with the public key baked into the running build.
//
// Launch runs before every command (cheap when the cache is fresh: one small
// file read); Upgrade is `lain upgrade`. Both replace the running binary the
// same way: resolve symlinks, refuse package-manager installs, lock the
// cache dir, download and verify, then swap (selfupdate writes the new file
// next to the old one; see swap.go for why the final step is one rename).
package update
