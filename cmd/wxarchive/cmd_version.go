package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func newVersionCmd(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this binary",
		Example: `  wxarchive version
  wxarchive version --json`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			if asJSON {
				return newJSONLines(e.stdout).write(v)
			}
			_, err := fmt.Fprintln(e.stdout, versionLine(v))
			return err
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON object (docs/json.md)")
	return c
}

// Set by the Makefile (-ldflags "-X main.version=… -X main.commit=…"),
// since the VCS stamp of go build can be turned off (GOFLAGS=-buildvcs=false).
var version, commit string

// buildVersion reads the module version and the VCS stamp Go writes into
// the binary (go build in a git checkout), then what the Makefile set.
func buildVersion() versionJSON {
	v := versionJSON{Version: "(devel)", Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		v.Version = version
	}
	if c, dirty := strings.CutSuffix(commit, "-dirty"); c != "" && c != v.Commit {
		v.Commit, v.Modified, v.Time = c, dirty, ""
	}
	return v
}

func versionLine(v versionJSON) string {
	s := "wxarchive " + v.Version
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " commit " + c
		if v.Modified {
			s += "+modified"
		}
		if v.Time != "" {
			s += " (" + v.Time + ")"
		}
	}
	return s + " " + v.Go + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// versionString is the root command's --version text.
func versionString() string { return versionLine(buildVersion()) }
