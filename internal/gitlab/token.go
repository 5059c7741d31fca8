package gitlab

import (
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
)

// Token is the credential lain sends: a personal (or project) access token
// from GITLAB_API_TOKEN, else the CI job's CI_JOB_TOKEN.
type Token struct {
	Private string // PRIVATE-TOKEN header
	Job     string // JOB-TOKEN header, only on routes that accept it
}

// TokenFromEnv reads GITLAB_API_TOKEN, else CI_JOB_TOKEN when running in
// GitLab CI (GITLAB_CI=true).
func TokenFromEnv(getenv func(string) string) Token {
	if t := strings.TrimSpace(getenv("GITLAB_API_TOKEN")); t != "" {
		return Token{Private: t}
	}
	if getenv("GITLAB_CI") == "true" {
		return Token{Job: strings.TrimSpace(getenv("CI_JOB_TOKEN"))}
	}
	return Token{}
}

// TokenPage is where a user creates a personal access token.
func TokenPage(base string) string {
	return strings.TrimRight(base, "/") + "/-/user_settings/personal_access_tokens"
}

// header is the auth header for ep, or an error saying which token to get.
func (t Token) header(base string, ep endpoint) ([2]string, error) {
	switch {
	case t.Private != "":
		return [2]string{"PRIVATE-TOKEN", t.Private}, nil
	case t.Job != "" && ep.JobToken:
		return [2]string{"JOB-TOKEN", t.Job}, nil
	case t.Job != "":
		return [2]string{}, clierr.Of(clierr.Forbidden,
			fmt.Sprintf("GitLab does not accept CI_JOB_TOKEN for %s %s; lain needs GITLAB_API_TOKEN, an access token with scope api", ep.Method, ep.Route),
			"create one at "+TokenPage(base)+" (scope api), add it as a masked CI/CD variable GITLAB_API_TOKEN")
	}
	return [2]string{}, clierr.Of(clierr.Forbidden, "GITLAB_API_TOKEN is not set: lain needs a GitLab access token with scope api",
		"create one at "+TokenPage(base)+" (scope api), then: export GITLAB_API_TOKEN=<the token>")
}
