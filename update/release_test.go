package update

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"
	"github.com/lain-cli/lain/update/updatetest"
)

func TestChecksumOf(t *testing.T) {
	sums := []byte("" +
		"1111111111111111111111111111111111111111111111111111111111111111  lain_linux_amd64\n" +
		"2222222222222222222222222222222222222222222222222222222222222222 *lain_windows_amd64.exe\n" +
		"zz  lain_darwin_arm64\n")
	if s, err := checksumOf(sums, "lain_linux_amd64"); err != nil || s[0] != 0x11 {
		t.Errorf("%x %v", s, err)
	}
	if s, err := checksumOf(sums, "lain_windows_amd64.exe"); err != nil || s[0] != 0x22 {
		t.Errorf("binary-mode line: %x %v", s, err)
	}
	if _, err := checksumOf(sums, "lain_darwin_arm64"); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed: %v", err)
	}
	if _, err := checksumOf(sums, "lain_linux_arm64"); err == nil || err.Error() != "checksums.txt lists no lain_linux_arm64 (no build for this platform?)" {
		t.Errorf("missing: %v", err)
	}
}

// TestVerifiesDebianMinisignSignatures: releases are signed by the minisign
// tool, whose default is the pre-hashed format; lain must accept it.
func TestVerifiesDebianMinisignSignatures(t *testing.T) {
	if _, err := exec.LookPath("minisign"); err != nil {
		testenv.Missing(t, "minisign is not installed (apt-get install minisign)")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("minisign", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("minisign %v: %v\n%s", args, err, out)
		}
	}
	run("-G", "-W", "-p", "k.pub", "-s", "k.key")
	sums := []byte("abc  lain_linux_amd64\n")
	os.WriteFile(filepath.Join(dir, "checksums.txt"), sums, 0o644)
	run("-S", "-s", "k.key", "-t", "lain 1.2.3", "-m", "checksums.txt")
	pubText, _ := os.ReadFile(filepath.Join(dir, "k.pub"))
	sig, _ := os.ReadFile(filepath.Join(dir, "checksums.txt.minisig"))
	lines := strings.Split(strings.TrimSpace(string(pubText)), "\n")
	next := updatetest.NewKey() // a rotation: the next key is trusted too
	pub, err := parseKeys(next.PublicString() + "," + lines[len(lines)-1])
	if err != nil || len(pub) != 2 {
		t.Fatal(pub, err)
	}
	if err := verifySignature(pub, sums, sig, "1.2.3"); err != nil {
		t.Errorf("a good signature: %v", err)
	}
	if err := verifySignature(pub[:1], sums, sig, "1.2.3"); err == nil || !strings.Contains(err.Error(), "not this lain's release key") {
		t.Errorf("signed with a key not baked in: %v", err)
	}
	if err := verifySignature(pub, append(sums, '\n'), sig, "1.2.3"); err == nil {
		t.Error("changed checksums verified")
	}
	if err := verifySignature(pub, sums, sig, "1.2.4"); err == nil || !strings.Contains(err.Error(), `signed for "lain 1.2.3", not "lain 1.2.4"`) {
		t.Errorf("another version's signature: %v", err)
	}
}
