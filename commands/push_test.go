package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
)

func TestPushPushesTheAppsImageAndLatest(t *testing.T) {
	env, rec, _, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	if err := runPush(context.Background(), &PushOptions{ImageEnv: env}); err != nil {
		t.Fatal(err)
	}
	img := "r.example.com/t/shop:" + tag
	want := "docker image inspect --format '{{.Id}}' " + img + "\ndocker push " + img + "\ndocker tag " + img + " r.example.com/t/shop:latest\ndocker push r.example.com/t/shop:latest"
	if got := docker(rec); got != want {
		t.Fatalf("got:\n%s", got)
	}
	if !strings.HasSuffix(errOut.String(), " lain deploy --set imageTag="+tag+"\n") {
		t.Fatal(errOut.String())
	}
	// To another registry.
	rec.Lines = nil
	if err := runPush(context.Background(), &PushOptions{ImageEnv: env, Registry: "backup.example.com/x"}); err != nil {
		t.Fatal(err)
	}
	if got := docker(rec); !strings.Contains(got, "docker tag "+img+" backup.example.com/x/shop:"+tag+"\ndocker push backup.example.com/x/shop:"+tag) {
		t.Fatal(got)
	}
}

func TestPushSaysToBuildFirst(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	rec.On("docker image inspect", "", 1)
	err := runPush(context.Background(), &PushOptions{ImageEnv: env})
	if got := clierr.Format(err); got != "lain: there is no image r.example.com/t/shop:"+tag+" on this docker yet (the image of commit "+tag+")\n  next: lain build --push\n" {
		t.Fatal(got)
	}
}

func TestPushCopiesImagesAndTarballs(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	tarball := filepath.Join(t.TempDir(), "blog_1.tar")
	os.WriteFile(tarball, []byte("tar"), 0o644)
	rec.On("docker load", "Loaded image: old.example.com/apps/blog:1\n", 0)
	o := &PushOptions{ImageEnv: env, Images: []string{"busybox:1.36", tarball}, Pull: true, OverwriteLatest: true}
	if err := runPush(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"docker pull busybox:1.36",
		"docker tag busybox:1.36 r.example.com/t/busybox:1.36", "docker push r.example.com/t/busybox:1.36",
		"docker tag busybox:1.36 r.example.com/t/busybox:latest", "docker push r.example.com/t/busybox:latest",
		"docker load -i " + tarball,
		"docker pull old.example.com/apps/blog:1",
		"docker tag old.example.com/apps/blog:1 r.example.com/t/blog:1", "docker push r.example.com/t/blog:1",
		"docker tag old.example.com/apps/blog:1 r.example.com/t/blog:latest", "docker push r.example.com/t/blog:latest",
	}
	if got := docker(rec); got != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s", got)
	}
}

func TestSaveWritesATarballPerImage(t *testing.T) {
	env, rec, out, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	dir := t.TempDir()
	o := &SaveOptions{ImageEnv: env, Clusters: testClusters(), OutDir: dir}
	if err := runSave(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	img, path := "r.example.com/t/shop:"+tag, filepath.Join(dir, "shop_"+tag+".tar")
	if got := docker(rec); got != "docker image inspect --format '{{.Id}}' "+img+"\ndocker save -o "+path+" "+img {
		t.Fatal(got)
	}
	if out.String() != path+"\n" {
		t.Fatal(out.String())
	}
	// The file is there now: not overwritten without --force.
	os.WriteFile(path, []byte("old"), 0o644)
	if got := clierr.Format(runSave(context.Background(), o)); got != "lain: "+path+" exists\n  next: lain save --force   # to overwrite it\n" {
		t.Fatal(got)
	}
	for retag, want := range map[string]string{
		"lab":                             "127.0.0.1:5000/lain/shop:" + tag,
		"mirror.example.com/shop":         "mirror.example.com/shop:" + tag,
		"mirror.example.com:5000/shop:v1": "mirror.example.com:5000/shop:v1",
	} {
		rec.Lines = nil
		o := &SaveOptions{ImageEnv: env, Clusters: testClusters(), OutDir: dir, Retag: retag, Force: true}
		if err := runSave(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		repo, tg, _ := strings.Cut(want[strings.LastIndex(want, "/")+1:], ":")
		if got := docker(rec); !strings.Contains(got, "docker tag "+img+" "+want+"\ndocker save -o "+filepath.Join(dir, repo+"_"+tg+".tar")+" "+want) {
			t.Errorf("%s:\n%s", retag, got)
		}
	}
}

func TestSaveSaysToBuildOrPull(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	rec.On("docker image inspect", "", 1)
	if got := clierr.Format(runSave(context.Background(), &SaveOptions{ImageEnv: env, OutDir: t.TempDir()})); !strings.Contains(got, "next: lain build   # or lain save --pull") {
		t.Fatal(got)
	}
	rec.Lines = nil
	o := &SaveOptions{ImageEnv: env, OutDir: t.TempDir(), Pull: true, Images: []string{"busybox:1.36"}}
	if err := runSave(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := docker(rec); got != "docker pull busybox:1.36\ndocker save -o "+filepath.Join(o.OutDir, "busybox_1.36.tar")+" busybox:1.36" {
		t.Fatal(got)
	}
}

// --registry obeys the cluster values' rule: a typo must not push to
// Docker Hub (a bare name) or fail later inside docker (a scheme).
func TestPushRefusesABadRegistryFlag(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	for _, reg := range []string{"https://r.example.com/t", "backup", "r.example.com/my team"} {
		err := runPush(context.Background(), &PushOptions{ImageEnv: env, Registry: reg, Images: []string{"busybox:1.36"}})
		if got := clierr.Format(err); !strings.Contains(got, "lain: --registry: ") || !strings.Contains(got, "next: lain push --registry registry.example.com/backup") {
			t.Errorf("%s: %s", reg, got)
		}
	}
	if len(rec.Lines) != 0 {
		t.Fatalf("ran:\n%s", rec)
	}
}
