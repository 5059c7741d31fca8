#!/bin/sh
# install.sh: installs lain from your team's release source, in one line:
#   curl -fsSL <release source>/install.sh | sh
# scripts/release publishes it beside index.json (GitLab: channel/install.sh)
# with the values below filled in (this file in the repository is the
# template). It downloads the binary for this OS and CPU, checks its sha256
# against checksums.txt and, when minisign is installed, checksums.txt's
# signature, puts it in a directory you own and tells you what to run next.
#
# Settings (environment): LAIN_INSTALL_DIR (default ~/.local/bin),
# LAIN_INSTALL_URL (another release source), LAIN_GITLAB_TOKEN (a private
# GitLab project: a deploy token gldt-... or a token with read_api).
set -eu

VERSION='@LAIN_VERSION@'
BASE=${LAIN_INSTALL_URL:-'@LAIN_BASE_URL@'}
PUBKEYS='@LAIN_PUBKEYS@' # minisign public keys, comma-separated; empty: unsigned releases

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() {
	printf 'install.sh: %s\n' "$1" >&2
	[ -z "${2:-}" ] || printf '  next: %s\n' "$2" >&2
	exit 1
}

BASE=${BASE%/}
[ -n "$BASE" ] || die "this install.sh does not know where releases live" \
	"LAIN_INSTALL_URL=<the URL install.sh came from, without /install.sh> sh install.sh"

case $(uname -s) in
Linux) os=linux ;;
Darwin) os=darwin ;;
*) die "no lain build for $(uname -s) here; on Windows download lain_windows_amd64.exe from $BASE/$VERSION/" ;;
esac
case $(uname -m) in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) die "no lain build for the CPU $(uname -m): releases have amd64 and arm64" ;;
esac
asset=lain_${os}_${arch}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lain-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# A private GitLab project wants a token; it goes in a header file, never
# on a command line (ps shows those).
headers=$tmp/headers
: >"$headers"
if [ -n "${LAIN_GITLAB_TOKEN:-}" ]; then
	case $LAIN_GITLAB_TOKEN in
	gldt-*) printf 'Deploy-Token: %s\n' "$LAIN_GITLAB_TOKEN" >"$headers" ;;
	*) printf 'PRIVATE-TOKEN: %s\n' "$LAIN_GITLAB_TOKEN" >"$headers" ;;
	esac
fi

# fetch FILE: download $BASE/$VERSION/FILE into $tmp/FILE.
fetch() {
	file=$1 url=$BASE/$VERSION/$1
	set --
	if command -v curl >/dev/null 2>&1; then
		[ ! -s "$headers" ] || set -- -H "@$headers"
		curl -fsSL --retry 3 "$@" -o "$tmp/$file" "$url" 2>"$tmp/err"
	elif command -v wget >/dev/null 2>&1; then
		[ ! -s "$headers" ] || set -- --header "$(cat "$headers")"
		wget -q "$@" -O "$tmp/$file" "$url" 2>"$tmp/err"
	else
		die "neither curl nor wget is installed" "sudo apt-get install curl   (or: brew install curl)"
	fi
}

say "downloading lain $VERSION ($asset) from $BASE"
fetch checksums.txt || die "could not download $BASE/$VERSION/checksums.txt: $(tail -n 1 "$tmp/err")" \
	"curl -fI $BASE/$VERSION/checksums.txt   (a private GitLab project: export LAIN_GITLAB_TOKEN=gldt-...)"
fetch "$asset" || die "could not download $BASE/$VERSION/$asset: $(tail -n 1 "$tmp/err")"

# The signature first (it vouches for checksums.txt), then the checksum.
if [ -n "$PUBKEYS" ]; then
	if command -v minisign >/dev/null 2>&1; then
		fetch checksums.txt.minisig || die "refusing lain $VERSION: it has no signature (checksums.txt.minisig)"
		ok=
		for key in $(printf '%s' "$PUBKEYS" | tr ',' ' '); do
			if minisign -V -P "$key" -x "$tmp/checksums.txt.minisig" -m "$tmp/checksums.txt" >"$tmp/verify" 2>&1 &&
				grep -qx "Trusted comment: lain $VERSION" "$tmp/verify"; then
				ok=1
				break
			fi
		done
		[ -n "$ok" ] || die "refusing lain $VERSION: checksums.txt is not signed by the release key for lain $VERSION ($(tail -n 1 "$tmp/verify"))" \
			"tell your lain admin; do not install it another way"
		say "signature verified (minisign)"
	else
		say "minisign is not installed: checking the sha256 only (to check the signature too: apt-get install minisign, or brew install minisign)"
	fi
fi

want=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/checksums.txt")
[ -n "$want" ] || die "refusing lain $VERSION: checksums.txt has no line for $asset"
if command -v sha256sum >/dev/null 2>&1; then
	have=$(sha256sum "$tmp/$asset" | awk '{ print $1 }')
else
	have=$(shasum -a 256 "$tmp/$asset" | awk '{ print $1 }')
fi
[ "$have" = "$want" ] || die "refusing lain $VERSION: $asset has sha256 $have, but checksums.txt says $want" \
	"tell your lain admin; do not install it another way"

chmod 755 "$tmp/$asset"
got=$("$tmp/$asset" --version 2>&1 | head -n 1) || true
[ "$got" = "lain $VERSION" ] || die "refusing lain $VERSION: the downloaded binary does not run here as lain $VERSION (it says: $got)"

dir=${LAIN_INSTALL_DIR:-$HOME/.local/bin}
mkdir -p "$dir" || die "cannot create $dir" "LAIN_INSTALL_DIR=<a directory you own> sh install.sh"
# Copy beside the target, then one rename: the path always holds a whole lain.
cp "$tmp/$asset" "$dir/.lain.install.$$" && mv -f "$dir/.lain.install.$$" "$dir/lain" ||
	{ rm -f "$dir/.lain.install.$$"; die "cannot write $dir/lain" "LAIN_INSTALL_DIR=<a directory you own> sh install.sh"; }
say "installed lain $VERSION as $dir/lain"

case ":$PATH:" in
*":$dir:"*)
	found=$(command -v lain 2>/dev/null || true)
	if [ -n "$found" ] && [ "$found" != "$dir/lain" ]; then
		say "note: $found comes first on your PATH; remove it or put $dir before it"
	fi
	lain=lain
	;;
*)
	say "$dir is not on your PATH; add it (then open a new shell):"
	printf '  echo '\''export PATH="%s:$PATH"'\'' >> ~/.profile   # bash: ~/.bashrc, zsh: ~/.zshrc\n' "$dir" >&2
	lain=$dir/lain
	;;
esac
printf '\nnext:\n  %s completion --help   # Tab completion for your shell\n  %s doctor              # checks helm, kubectl, docker and your clusters\n' "$lain" "$lain"
