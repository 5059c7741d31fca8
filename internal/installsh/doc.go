// Package installsh holds the tests of scripts/install.sh, the one-line
// installer scripts/release publishes: a real release, served by a real
// nginx, installed with curl | sh into a temp HOME.
package installsh
