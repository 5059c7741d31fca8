package update

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
)

const tokenNext = "export " + EnvGitLabToken + "=<GitLab token with read_api scope>, then: lain upgrade"

// explain turns an update failure into what the user should do. On launch
// only failures the user must know about are explained (a release that
// does not verify, a binary lain may not replace); network trouble returns
// nil there and stays silent unless -v.
func asPartial(err error) (*PartialError, bool) {
	var pe *PartialError
	return pe, errors.As(err, &pe)
}

func explain(err error, src *Source, current string, launch bool) *clierr.Error {
	var (
		ce *clierr.Error
		re *RefusedError
		ie *IncompleteError
		he *HTTPError
		ue *url.Error
		ne net.Error
		pe *PartialError
		se *StalledError
		be *BusyError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &re):
		return &clierr.Error{Kind: clierr.Update, Msg: re.Error(), Err: err,
			Next: fmt.Sprintf("ask whoever publishes lain to republish %s (docs/releases.md); lain %s keeps working meanwhile", re.Version, current)}
	case launch:
		return nil
	case errors.As(err, &pe):
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("the download of lain %s stopped at %s: %v; what arrived is kept beside the binary", pe.Version, pe.Progress(), pe.Err),
			Next: "lain upgrade   (continues where it stopped)", Err: err}
	case errors.As(err, &se):
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("gave up on %s: %v", src, se), Next: "check your network, then: lain upgrade", Err: err}
	case errors.As(err, &be):
		return &clierr.Error{Kind: clierr.Update, Msg: be.Error(), Next: "lain upgrade   (again when the other one is done)", Err: err}
	case errors.As(err, &ie):
		return &clierr.Error{Kind: clierr.Update, Msg: ie.Error(), Next: "lain upgrade   (again in a few minutes)", Err: err}
	case errors.As(err, &he) && src.IsGitLab() && (he.Code == http.StatusUnauthorized || he.Code == http.StatusForbidden):
		if src.HasToken() {
			return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("GitLab refused your token for %s: %s", src, he.Status), Next: tokenNext, Err: err}
		}
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("GitLab wants a token to read lain releases at %s: %s", src, he.Status), Next: tokenNext, Err: err}
	case errors.As(err, &he) && he.Code == http.StatusNotFound:
		if src.IsGitLab() && src.usesDeployToken() && strings.Contains(he.URL, "/packages?") {
			return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("%s has no release channel (%s/%s), and GitLab does not let deploy tokens list packages (%s)", src, ChannelVersion, IndexFile, he.Status),
				Next: "ask whoever publishes lain to publish a release with a current scripts/release (it uploads the channel), or export " + EnvGitLabToken + "=<token with read_api scope>", Err: err}
		}
		if src.IsGitLab() && !src.HasToken() {
			return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("GitLab has no lain releases at %s that you may see without a token (%s)", src, he.brief()), Next: tokenNext, Err: err}
		}
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("no lain releases at %s (%s)", src, he),
			Next: "export " + EnvURL + "=<your team's release URL> (docs/releases.md), then: lain upgrade", Err: err}
	case errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne):
		return &clierr.Error{Kind: clierr.Update, Msg: fmt.Sprintf("could not get lain releases from %s: %v", src, err),
			Next: "check your network, then: lain upgrade", Err: err}
	default:
		return &clierr.Error{Kind: clierr.Update, Msg: "upgrading lain failed: " + err.Error(), Next: "lain upgrade -v", Err: err}
	}
}
