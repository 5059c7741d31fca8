// Package updatetest builds signed lain releases and serves them the way
// GitLab does, for the tests of update/ and commands/ (like httptest). It
// only listens on 127.0.0.1.
package updatetest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Key is a minisign key pair for signing test releases. It signs on its
// own (a few lines of ed25519) so that lain's verification, which uses
// aead.dev/minisign, is checked against an independent signer, and it can
// write the secret key file the Debian minisign tool reads.
type Key struct {
	ID   uint64
	Priv ed25519.PrivateKey
}

// NewKey generates a key pair.
func NewKey() Key {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	return Key{ID: binary.LittleEndian.Uint64(id[:]), Priv: priv}
}

// PublicString is the public key as baked into lain (-X main.updatePublicKey):
// the base64 line of minisign.pub.
func (k Key) PublicString() string {
	b := append([]byte("Ed"), binary.LittleEndian.AppendUint64(nil, k.ID)...)
	return base64.StdEncoding.EncodeToString(append(b, k.Priv.Public().(ed25519.PublicKey)...))
}

// SecretKeyFile is the key in minisign's unencrypted secret key format
// (what `minisign -G -W` writes).
func (k Key) SecretKeyFile() []byte {
	b := []byte("Ed\x00\x00B2")
	b = append(b, make([]byte, 32+8+8)...) // no KDF: zero salt and limits
	b = binary.LittleEndian.AppendUint64(b, k.ID)
	b = append(b, k.Priv...)
	b = append(b, make([]byte, 32)...) // checksum, unused without a KDF
	return []byte("untrusted comment: minisign secret key\n" + base64.StdEncoding.EncodeToString(b) + "\n")
}

// Sign makes a minisign signature of msg with a trusted comment.
func (k Key) Sign(msg []byte, trusted string) []byte {
	sig := ed25519.Sign(k.Priv, msg)
	global := ed25519.Sign(k.Priv, append(append([]byte(nil), sig...), trusted...))
	line := append([]byte("Ed"), binary.LittleEndian.AppendUint64(nil, k.ID)...)
	return []byte(fmt.Sprintf("untrusted comment: signature from lain release key\n%s\ntrusted comment: %s\n%s\n",
		base64.StdEncoding.EncodeToString(append(line, sig...)), trusted, base64.StdEncoding.EncodeToString(global)))
}

// Release is the files of one release, by name.
type Release struct {
	Version string
	Files   map[string][]byte
}

// NewRelease makes the files scripts/release publishes for one asset: the
// binary, checksums.txt and, with a key, checksums.txt.minisig (trusted
// comment "lain <version>", as scripts/release signs).
func NewRelease(version, asset string, bin []byte, key *Key) Release {
	sum := sha256.Sum256(bin)
	sums := []byte(hex.EncodeToString(sum[:]) + "  " + asset + "\n")
	r := Release{Version: version, Files: map[string][]byte{asset: bin, "checksums.txt": sums}}
	if key != nil {
		r.Sign(*key)
	}
	return r
}

// Sign (re)signs checksums.txt with key.
func (r Release) Sign(key Key) {
	r.Files["checksums.txt.minisig"] = key.Sign(r.Files["checksums.txt"], "lain "+r.Version)
}

// WriteDir writes releases into dir in the HTTP endpoint layout:
// <dir>/<version>/<file> and <dir>/index.json listing every version.
func WriteDir(dir string, rels ...Release) error {
	var idx struct {
		Versions []string `json:"versions"`
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(dir, "index.json")); err == nil {
		_ = json.Unmarshal(b, &idx)
	}
	for _, r := range rels {
		if err := os.MkdirAll(filepath.Join(dir, r.Version), 0o755); err != nil {
			return err
		}
		for name, b := range r.Files {
			if err := os.WriteFile(filepath.Join(dir, r.Version, name), b, 0o644); err != nil {
				return err
			}
		}
		idx.Versions = append(idx.Versions, r.Version)
	}
	sort.Strings(idx.Versions)
	b, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644)
}

// WriteIndex writes an index.json listing versions (with no release files:
// enough for checks that must not download).
func WriteIndex(dir string, versions ...string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(map[string][]string{"versions": versions})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644)
}

// Asset is the release file name for a platform (as update.AssetName).
func Asset(goos, goarch string) string {
	if goos == "windows" {
		return fmt.Sprintf("lain_%s_%s.exe", goos, goarch)
	}
	return fmt.Sprintf("lain_%s_%s", goos, goarch)
}
