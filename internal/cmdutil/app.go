package cmdutil

import (
	"os"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
)

// LoadApp loads the app in dir; an app without appname is reported the way
// lain lint reports it.
func LoadApp(dir string) (*app.App, error) {
	a, err := app.Load(dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	return a, nil
}

// Cwd is the current directory, for completions ("" when unknown).
func Cwd() string {
	d, _ := os.Getwd()
	return d
}
