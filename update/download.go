package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
)

// maxBinary bounds a download: lain is ~15 MB; anything far larger is not it.
const maxBinary = 512 << 20

// Download fetches the release's binary into memory and checks its sha256
// against the verified checksums before anyone may write it to disk. An
// interrupted transfer is an error like any other; nothing is touched.
// progress, if non-nil, is told the expected size and sees every byte.
func (s *Source) Download(ctx context.Context, rel *Release, progress Progress) ([]byte, error) {
	version := rel.Version.Original()
	resp, err := s.get(ctx, s.FileURL(version, rel.Asset))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > maxBinary {
		return nil, fmt.Errorf("%s is %d bytes, too large to be lain", rel.Asset, resp.ContentLength)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	h := sha256.New()
	w := io.MultiWriter(&buf, h)
	if progress != nil {
		progress.Start(resp.ContentLength)
		w = io.MultiWriter(w, progress)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, maxBinary+1))
	if progress != nil {
		progress.Done()
	}
	if err != nil {
		return nil, fmt.Errorf("download of %s interrupted after %d bytes: %w", rel.Asset, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return nil, fmt.Errorf("download of %s ended after %d of %d bytes", rel.Asset, n, resp.ContentLength)
	}
	if n > maxBinary {
		return nil, fmt.Errorf("%s is larger than %d bytes, too large to be lain", rel.Asset, maxBinary)
	}
	if !bytes.Equal(h.Sum(nil), rel.SHA256) {
		return nil, &RefusedError{Version: version, Source: s.String(),
			Reason: fmt.Sprintf("the sha256 of %s does not match %s (tampered with, or corrupted on the way)", rel.Asset, ChecksumsFile)}
	}
	return buf.Bytes(), nil
}
