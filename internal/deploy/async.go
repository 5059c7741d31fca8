package deploy

import "sync"

// async is a query running beside the deploy's main line: independent
// queries cost one process start-up each (~150 ms), so lain starts them
// together and waits where it needs the answer.
type async[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// start runs f in the background; wg lets the deploy wait for everything
// it started before it returns, even when it stops early.
func start[T any](wg *sync.WaitGroup, f func() (T, error)) *async[T] {
	a := &async[T]{done: make(chan struct{})}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(a.done)
		a.v, a.err = f()
	}()
	return a
}

// wait is the answer; a nil async answers the zero value.
func (a *async[T]) wait() (T, error) {
	if a == nil {
		var zero T
		return zero, nil
	}
	<-a.done
	return a.v, a.err
}

// done is an answer already known.
func done[T any](v T) *async[T] {
	a := &async[T]{done: make(chan struct{}), v: v}
	close(a.done)
	return a
}
