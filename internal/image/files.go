package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/lain-cli/lain/internal/clierr"
)

// The files lain build writes into the app for docker, and reads.
const (
	DockerfileName   = "Dockerfile"
	DockerignoreName = ".dockerignore"
	GitignoreName    = ".gitignore"
)

// OwnDockerfile reports whether the app in dir has a Dockerfile of its own
// (one lain did not generate), which lain build refuses to overwrite.
func OwnDockerfile(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, DockerfileName))
	return err == nil && !generated(b)
}

func generated(b []byte) bool { return bytes.HasPrefix(b, []byte(GeneratedHeader)) }

// OwnDockerfileError is lain build's refusal for an app with its own
// Dockerfile, naming both ways forward.
func OwnDockerfileError(dir, image string) error {
	return clierr.Of(clierr.InvalidInput, fmt.Sprintf("%s has its own Dockerfile, and lain build writes one from chart/values.yaml's build clause: "+
		"either build with your Dockerfile (docker build -t %s . && lain push), or delete or rename it and let lain build generate one", dir, image),
		fmt.Sprintf("docker build -t %s . && lain push", image))
}

// Generated are the files lain wrote into an app for one docker build.
// Remove deletes them; WriteGenerated arranges for that on SIGTERM and
// SIGHUP too (Ctrl-C cancels the command's context, and the caller's
// deferred Remove runs).
type Generated struct {
	dir     string
	paths   []string
	stopSig func()
}

// WriteGenerated writes the Dockerfile, and a .dockerignore unless the app
// has its own, into dir. The returned context is ctx, also cancelled on
// SIGTERM or SIGHUP, so that docker stops and the caller's deferred Remove
// runs before lain exits.
func WriteGenerated(ctx context.Context, dir, dockerfile string) (context.Context, *Generated, error) {
	g := &Generated{dir: dir}
	ctx, cancel := context.WithCancel(ctx)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			cancel()
		case <-done:
		}
	}()
	g.stopSig = func() { signal.Stop(sig); close(done); cancel() }

	if err := g.write(DockerfileName, dockerfile); err != nil {
		g.Remove()
		return nil, nil, err
	}
	ignore, err := os.ReadFile(filepath.Join(dir, DockerignoreName))
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && generated(ignore)):
		gitignore, _ := os.ReadFile(filepath.Join(dir, GitignoreName))
		if err := g.write(DockerignoreName, DockerIgnore(string(gitignore))); err != nil {
			g.Remove()
			return nil, nil, err
		}
	case err != nil:
		g.Remove()
		return nil, nil, err
	}
	return ctx, g, nil
}

// write creates name in the app, replacing only a file lain generated.
func (g *Generated) write(name, content string) error {
	p := filepath.Join(g.dir, name)
	if old, err := os.ReadFile(p); err == nil {
		if !generated(old) {
			return fmt.Errorf("%s exists and is not lain's: not overwriting it", p)
		}
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	g.paths = append(g.paths, p)
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Paths are the files written, for messages.
func (g *Generated) Paths() []string { return append([]string(nil), g.paths...) }

// Keep stops watching for signals and leaves the files in place
// (--keep-dockerfile).
func (g *Generated) Keep() {
	g.paths = nil
	g.stop()
}

func (g *Generated) stop() {
	if g.stopSig != nil {
		g.stopSig()
		g.stopSig = nil
	}
}

// Remove deletes the files written and stops watching for signals. It is
// safe to call more than once.
func (g *Generated) Remove() error {
	var errs []error
	for _, p := range g.paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	g.paths = nil
	g.stop()
	return errors.Join(errs...)
}
