package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// maxBinary bounds a download when the release index gives no size: lain
// is ~15 MB; anything far larger is not it.
const maxBinary = 128 << 20

// PartialError is a download that stopped before the end (the launch
// budget ran out, the connection broke, Ctrl-C). What arrived stays in the
// staging file beside the binary, and the next attempt continues from
// there with an HTTP range request.
type PartialError struct {
	Version     string
	Done, Total int64 // Total < 0: unknown
	Err         error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("download of lain %s stopped at %s: %v", e.Version, e.Progress(), e.Err)
}
func (e *PartialError) Unwrap() error { return e.Err }

// Progress is "34% (4.1 of 12.0 MB)", or "4.1 MB" when the size is unknown.
func (e *PartialError) Progress() string {
	if e.Total <= 0 {
		return megabytes(e.Done)
	}
	return fmt.Sprintf("%d%% (%s of %s)", 100*e.Done/e.Total, strings.TrimSuffix(megabytes(e.Done), " MB"), megabytes(e.Total))
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// errResumedMismatch: a resumed download did not hash right; the kept
// part is suspect, so it starts over once.
var errResumedMismatch = errors.New("resumed download does not match")

// Download streams the release's binary into the file at path, hashing as
// it goes, and returns only when path holds exactly the binary whose
// sha256 the verified checksums name. Whatever path already holds is
// taken as the start of the file (a download an earlier lain could not
// finish) and only the rest is requested. Nothing but a 32 KB copy buffer
// is held in memory. progress, if non-nil, sees the bytes as they come.
func (s *Source) Download(ctx context.Context, rel *Release, path string, progress Progress) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, syscall.ETXTBSY) || errors.Is(err, fs.ErrPermission) {
		// Still run by the trial of a lain killed meanwhile (older
		// layouts), or left by another user: start afresh.
		_ = os.Remove(path)
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		return fmt.Errorf("writing the new lain: %w", err)
	}
	defer f.Close()
	err = s.downloadInto(ctx, rel, f, progress)
	if errors.Is(err, errResumedMismatch) {
		if err = f.Truncate(0); err == nil {
			err = s.downloadInto(ctx, rel, f, progress)
		}
	}
	if err == nil {
		err = f.Sync() // on disk before the rename makes it the binary
	}
	return err
}

func (s *Source) downloadInto(ctx context.Context, rel *Release, f *os.File, progress Progress) error {
	version := rel.Version.Original()
	limit := rel.Size
	if limit <= 0 {
		limit = maxBinary
	}
	refuse := func(format string, args ...any) error {
		_ = f.Truncate(0)
		return &RefusedError{Version: version, Source: s.String(), Reason: fmt.Sprintf(format, args...)}
	}
	off, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if off > limit {
		off = 0
	}
	h := sha256.New()
	if err := rehash(f, h, off); err != nil {
		return err
	}
	resp, err := s.getFrom(ctx, s.FileURL(version, rel.Asset), off)
	var he *HTTPError
	if off > 0 && errors.As(err, &he) && he.Code == http.StatusRequestedRangeNotSatisfiable {
		// The part is already whole (a lain killed after the last byte).
		if bytes.Equal(h.Sum(nil), rel.SHA256) {
			return nil
		}
		return errResumedMismatch
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	total := resp.ContentLength
	if resp.StatusCode == http.StatusPartialContent {
		start, size, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != off {
			return fmt.Errorf("%s answered the range request from byte %d with %q", s, off, resp.Header.Get("Content-Range"))
		}
		total = size
	} else { // 200: the server ignored the range; start over
		off = 0
		h.Reset()
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	if err := f.Truncate(off); err != nil {
		return err
	}
	if total > limit {
		return refuse("%s is %d bytes, more than the %d %s", rel.Asset, total, limit, limitSource(rel))
	}
	w := io.MultiWriter(f, h)
	if progress != nil {
		progress.Start(off, total)
		defer progress.Done()
		w = io.MultiWriter(w, progress)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit-off+1))
	done := off + n
	if done > limit {
		return refuse("%s is larger than the %d bytes %s", rel.Asset, limit, limitSource(rel))
	}
	if err == nil && total >= 0 && done != total {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		if ce := context.Cause(ctx); ce != nil {
			err = ce
		}
		if done > 0 {
			_ = f.Sync()
		}
		return &PartialError{Version: version, Done: done, Total: total, Err: err}
	}
	if !bytes.Equal(h.Sum(nil), rel.SHA256) {
		if off > 0 {
			return errResumedMismatch
		}
		return refuse("the sha256 of %s does not match %s (tampered with, or corrupted on the way)", rel.Asset, ChecksumsFile)
	}
	return nil
}

func limitSource(rel *Release) string {
	if rel.Size > 0 {
		return "the release index gives"
	}
	return "any lain may have"
}

// rehash feeds the first n bytes of f (the part kept from before) to h.
func rehash(f *os.File, h hash.Hash, n int64) error {
	if n == 0 {
		return nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.CopyN(h, f, n)
	return err
}

// contentRange parses "bytes <start>-<end>/<size>".
func contentRange(v string) (start, size int64, ok bool) {
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, sz, found := strings.Cut(rest, "/")
	first, _, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(first, 10, 64)
	size, err2 := strconv.ParseInt(sz, 10, 64)
	return start, size, err1 == nil && err2 == nil && start >= 0 && size > 0
}
