package completions

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func tags(list ...string) TagLister {
	return func(context.Context) ([]string, error) { return list, nil }
}

func TestSetImageTagCompletesTheKeyThenTags(t *testing.T) {
	fn := SetImageTag(tags("1800000000-bbb", "1700000000-aaa", "latest"))
	got, dir := fn(nil, nil, "im")
	if !reflect.DeepEqual(got, []string{"imageTag="}) || dir&cobra.ShellCompDirectiveNoSpace == 0 {
		t.Fatal(got, dir)
	}
	got, _ = fn(nil, nil, "imageTag=1")
	if !reflect.DeepEqual(got, []string{"imageTag=1800000000-bbb", "imageTag=1700000000-aaa"}) {
		t.Fatal(got)
	}
	if got, _ := fn(nil, nil, "deployments.web.replicaCount="); got != nil {
		t.Fatal(got)
	}
}

func TestImageTagsGiveUpRatherThanHang(t *testing.T) {
	got, _ := ImageTags(tags("1800000000-bbb", "latest"))(nil, nil, "l")
	if !reflect.DeepEqual(got, []string{"latest"}) {
		t.Fatal(got)
	}
	slow := func(ctx context.Context) ([]string, error) {
		select {
		case <-time.After(5 * time.Second):
			return []string{"late"}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	start := time.Now()
	if got, _ := ImageTags(slow)(nil, nil, ""); got != nil || time.Since(start) > 2*time.Second {
		t.Fatal(got, time.Since(start))
	}
	failing := func(context.Context) ([]string, error) { return nil, errors.New("not logged in") }
	if got, _ := SetImageTag(failing)(nil, nil, "imageTag="); got != nil {
		t.Fatal(got)
	}
}
