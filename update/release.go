package update

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"
)

// Files of every release besides the binaries.
const (
	ChecksumsFile = "checksums.txt"
	SignatureFile = ChecksumsFile + ".minisig"
)

// AssetName is the binary of a release for one platform.
func AssetName(goos, goarch string) string {
	name := "lain_" + goos + "_" + goarch
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// RefusedError is a release lain will not install because it does not
// verify. It is always shown, unlike network trouble on launch.
type RefusedError struct {
	Version string
	Source  string
	Reason  string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing lain %s from %s: %s", e.Version, e.Source, e.Reason)
}

// IncompleteError is a listed release that lacks its checksums file: most
// likely still being uploaded (scripts/release uploads it last).
type IncompleteError struct{ Version, Source string }

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("lain %s at %s has no %s yet (still being published?)", e.Version, e.Source, ChecksumsFile)
}

// Release is a version whose checksums file has been verified: SHA256 is
// the trusted checksum of Asset.
type Release struct {
	Version *semver.Version
	Asset   string
	SHA256  []byte
	// Size is the binary's size as the release index gives it (0: not
	// given); a download stops beyond it.
	Size int64
	// Signed is false when this build has no public key and only the
	// checksums file (not its author) could be checked.
	Signed bool
}

// FetchRelease downloads checksums.txt and, when publicKeys is set, its
// minisign signature, verifies them, and returns the checksum of asset.
// publicKeys is one key, or several separated by commas: during a key
// rotation a build trusts the current key and the next one.
func (s *Source) FetchRelease(ctx context.Context, v *semver.Version, asset, publicKeys string) (*Release, error) {
	version := v.Original()
	refuse := func(format string, args ...any) error {
		return &RefusedError{Version: version, Source: s.String(), Reason: fmt.Sprintf(format, args...)}
	}
	keys, err := parseKeys(publicKeys)
	if err != nil {
		return nil, refuse("the release public key built into this lain is not a minisign public key (%v)", err)
	}
	sums, err := s.getSmall(ctx, s.FileURL(version, ChecksumsFile), 64<<10)
	if IsNotFound(err) {
		return nil, &IncompleteError{Version: version, Source: s.String()}
	}
	if err != nil {
		return nil, err
	}
	rel := &Release{Version: v, Asset: asset}
	if len(keys) > 0 {
		sig, err := s.getSmall(ctx, s.FileURL(version, SignatureFile), 64<<10)
		if IsNotFound(err) {
			return nil, refuse("it has no signature (%s); this lain only installs signed releases", SignatureFile)
		}
		if err != nil {
			return nil, err
		}
		if err := verifySignature(keys, sums, sig, version); err != nil {
			return nil, refuse("%v", err)
		}
		rel.Signed = true
	}
	sum, err := checksumOf(sums, asset)
	if err != nil {
		return nil, refuse("%v", err)
	}
	rel.SHA256 = sum
	if s.index != nil {
		rel.Size = s.index.Sizes[version][asset]
	}
	return rel, nil
}

// parseKeys reads the comma-separated public keys baked into the build.
func parseKeys(publicKeys string) ([]minisign.PublicKey, error) {
	var keys []minisign.PublicKey
	for _, k := range strings.Split(publicKeys, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		var pub minisign.PublicKey
		if err := pub.UnmarshalText([]byte(k)); err != nil {
			return nil, err
		}
		keys = append(keys, pub)
	}
	return keys, nil
}

// verifySignature checks sig over checksums with the trusted key it names,
// and that the signed (trusted) comment names this version: otherwise an
// old signed release could be replayed under a newer version number.
func verifySignature(keys []minisign.PublicKey, checksums, sig []byte, version string) error {
	var s minisign.Signature
	if err := s.UnmarshalText(sig); err != nil {
		return fmt.Errorf("%s is not a minisign signature", SignatureFile)
	}
	var pub *minisign.PublicKey
	var ids []string
	for i := range keys {
		ids = append(ids, fmt.Sprintf("%X", keys[i].ID()))
		if keys[i].ID() == s.KeyID {
			pub = &keys[i]
		}
	}
	if pub == nil {
		return fmt.Errorf("%s was signed with key %X, not this lain's release key %s", SignatureFile, s.KeyID, strings.Join(ids, " or "))
	}
	if !minisign.Verify(*pub, checksums, sig) {
		return fmt.Errorf("the signature in %s does not match %s (tampered with, or signed by someone else)", SignatureFile, ChecksumsFile)
	}
	if want := "lain " + version; s.TrustedComment != want && !strings.HasPrefix(s.TrustedComment, want+" ") {
		return fmt.Errorf("%s is signed for %q, not %q", SignatureFile, s.TrustedComment, want)
	}
	return nil
}

// checksumOf finds asset in a sha256sum-style file ("<hex>  <name>", the
// name optionally prefixed with "*" for binary mode).
func checksumOf(checksums []byte, asset string) ([]byte, error) {
	sc := bufio.NewScanner(bytes.NewReader(checksums))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || strings.TrimPrefix(f[1], "*") != asset {
			continue
		}
		sum, err := hex.DecodeString(f[0])
		if err != nil || len(sum) != 32 {
			return nil, fmt.Errorf("%s has a malformed sha256 for %s", ChecksumsFile, asset)
		}
		return sum, nil
	}
	return nil, fmt.Errorf("%s lists no %s (no build for this platform?)", ChecksumsFile, asset)
}
