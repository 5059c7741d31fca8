package update

import (
	"context"
	"errors"
	"net/http"
)

// ErrNoSource is returned by Latest when this build has no update source.
var ErrNoSource = errors.New("no update source configured")

// Latest returns the newest stable release at the configured source, for
// `lain doctor`; it changes nothing and uses no cache.
func Latest(ctx context.Context, cfg Config, client *http.Client, getenv func(string) string) (string, error) {
	if cfg.URL == "" {
		return "", ErrNoSource
	}
	src, err := NewSource(cfg.URL, client, getenv)
	if err != nil {
		return "", err
	}
	vs, err := src.Versions(ctx)
	if err != nil {
		return "", err
	}
	v := Newest(vs)
	if v == nil {
		return "", errors.New("no stable release published at " + src.String())
	}
	return v.String(), nil
}
