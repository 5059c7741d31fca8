package completions

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestBoundedGivesUpOnTime(t *testing.T) {
	start := time.Now()
	got := Bounded(context.Background(), 50*time.Millisecond, func(ctx context.Context) ([]string, error) {
		time.Sleep(2 * time.Second) // a cluster that does not answer
		return []string{"late"}, nil
	})
	if got != nil || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("got %v after %s", got, time.Since(start))
	}
}

func TestBoundedAnswersAndSwallowsErrors(t *testing.T) {
	got := Bounded(context.Background(), time.Second, func(context.Context) ([]string, error) { return []string{"a"}, nil })
	if !reflect.DeepEqual(got, []string{"a"}) {
		t.Fatal(got)
	}
	if got := Bounded(context.Background(), time.Second, func(context.Context) ([]string, error) { return []string{"x"}, errors.New("no") }); got != nil {
		t.Fatal(got)
	}
}

func TestFilterKeepsDescriptions(t *testing.T) {
	got := Filter([]string{"prod\tproduction", "test\tthe test cluster", "lab"}, "t")
	if !reflect.DeepEqual(got, []string{"test\tthe test cluster"}) {
		t.Fatal(got)
	}
}
